/**
 * One `fluxion` sub-command. Each lives in `src/cli/commands/<name>.ts` and is registered in
 * `src/cli/commands/index.ts`. Commands write to the given streams and return an exit code;
 * they never call `process.exit` themselves, so tests can run them in-process.
 */
import type { Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  /** Working directory for relative paths. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted to stop a long-running command (tests; the binary uses SIGTERM/SIGINT). */
  signal?: AbortSignal;
}

export interface CliCommand {
  /** First word(s) after `fluxion`, e.g. `kustomize` or `helm template` is `helm`. */
  name: string;
  summary: string;
  /** Full help text shown by `fluxion <name> --help`, with examples. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
