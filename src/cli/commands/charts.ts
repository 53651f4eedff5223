import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnyStateMachine } from 'xstate';
import type { CliCommand } from '../command.js';
import { chartDocs, toMermaid } from '../../charts/index.js';
import { machines } from '../../../machines/index.js';

const all = machines as unknown as Record<string, AnyStateMachine>;

export const chartsCommand: CliCommand = {
  name: 'charts',
  summary: "Print a machine's state chart, or write docs/state-charts.md and the SVGs",
  usage: `Usage: fluxion charts [MACHINE] [--write DIR]

Prints MACHINE's state chart as Mermaid (default: every machine), or with --write writes
DIR/state-charts.md and DIR/charts/<machine>.svg.

Machines: ${Object.keys(machines).join(', ')}

Examples:
  fluxion charts kustomization
  fluxion charts --write docs`,
  async run(argv, io) {
    const w = argv.indexOf('--write');
    if (w >= 0) {
      const dir = argv[w + 1];
      if (!dir) {
        io.stderr.write('fluxion charts: --write needs a directory\n');
        return 1;
      }
      for (const f of chartDocs(all)) {
        const target = path.resolve(io.cwd, dir, f.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, f.content);
      }
      io.stdout.write(`wrote ${dir}/state-charts.md and ${Object.keys(all).length} SVGs\n`);
      return 0;
    }
    const names = argv.filter((a) => !a.startsWith('-'));
    for (const name of names.length ? names : Object.keys(all)) {
      const m = all[name];
      if (!m) {
        io.stderr.write(`fluxion charts: no machine "${name}"; machines: ${Object.keys(all).join(', ')}\n`);
        return 1;
      }
      io.stdout.write(`%% ${name}\n${toMermaid(m)}`);
    }
    return 0;
  },
};
