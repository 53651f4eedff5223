import type { CliCommand } from '../command.js';
import { runDemo } from '../../demo/run-demo.js';

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Reconcile the bundled example repository on the embedded simulator, phase by phase',
  usage: `Usage: fluxion demo

Serves docs/example-repo from a local git server on 127.0.0.1, starts the in-memory cluster
with the Flux CRDs and the supervised controllers, and walks through fetching, no-change
reconciles, a new commit, a bad ref, a stalled spec and deletion, printing each phase.

Examples:
  npm run demo
  fluxion demo`,
  run: (_argv, io) => runDemo(io.stdout),
};
