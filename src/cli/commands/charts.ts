/** `fluxion charts`: the machines' state charts as Mermaid on stdout, or the docs/ pages and SVGs. */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnyStateMachine } from 'xstate';
import type { CliCommand } from '../command.js';
import { chartDocs, toMermaid } from '../../charts/index.js';

/** Loaded on use, so a machine that does not load yet never breaks the other commands. */
async function loadMachines(): Promise<Record<string, AnyStateMachine>> {
  const { machines } = await import('../../../machines/index.js');
  return machines as unknown as Record<string, AnyStateMachine>;
}

/** `fluxion charts [--write DIR] [MACHINE...]`. */
export const chartsCommand: CliCommand = {
  name: 'charts',
  summary: "Print a machine's state chart, or write docs/state-charts.md and the SVGs",
  usage: `Usage: fluxion charts [MACHINE...] [--write DIR]

Prints each MACHINE's state chart as Mermaid stateDiagram-v2 (default: every machine), or with
--write DIR writes DIR/state-charts.md and DIR/charts/<machine>.svg for every machine (and
removes any other DIR/charts/*.svg, the chart of a machine that is gone).

Examples:
  fluxion charts kustomization
  fluxion charts --write docs     # what npm run docs runs`,
  async run(argv, io) {
    const args = [...argv];
    let dir: string | undefined;
    const w = args.indexOf('--write');
    if (w >= 0) {
      dir = args[w + 1];
      if (!dir || dir.startsWith('-')) {
        io.stderr.write('fluxion charts: --write needs a directory\n');
        return 1;
      }
      args.splice(w, 2);
    }
    const unknownFlag = args.find((a) => a.startsWith('-'));
    if (unknownFlag) {
      io.stderr.write(`fluxion charts: unknown flag "${unknownFlag}"; run \`fluxion charts --help\`\n`);
      return 1;
    }
    const all = await loadMachines();
    const missing = args.find((name) => !Object.hasOwn(all, name));
    if (missing) {
      io.stderr.write(`fluxion charts: no machine "${missing}"; machines: ${Object.keys(all).join(', ')}\n`);
      return 1;
    }
    if (dir !== undefined) {
      if (args.length) {
        io.stderr.write('fluxion charts: --write writes every machine; leave out the machine names\n');
        return 1;
      }
      const files = chartDocs(all);
      for (const f of files) {
        const target = path.resolve(io.cwd, dir, f.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, f.content);
      }
      // An SVG of a machine that no longer exists would be a stale chart nobody regenerates.
      const keep = new Set(files.map((f) => f.path));
      await mkdir(path.resolve(io.cwd, dir, 'charts'), { recursive: true });
      const stale = (await readdir(path.resolve(io.cwd, dir, 'charts'))).filter((f) => f.endsWith('.svg') && !keep.has(`charts/${f}`));
      for (const f of stale) await rm(path.resolve(io.cwd, dir, 'charts', f));
      if (stale.length) io.stdout.write(`removed ${stale.map((f) => path.join(dir, 'charts', f)).join(', ')}\n`);
      io.stdout.write(`wrote ${files.map((f) => path.join(dir, f.path)).join(', ')}\n`);
      return 0;
    }
    const names = args.length ? args : Object.keys(all);
    names.forEach((name, i) => {
      io.stdout.write(`${i ? '\n' : ''}${toMermaid(all[name] as AnyStateMachine, { title: name })}`);
    });
    return 0;
  },
};
