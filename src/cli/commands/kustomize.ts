import path from 'node:path';
import type { CliCommand } from '../command.js';
import { buildYaml, diskFs, KustomizeError } from '../../kustomize/index.js';

export const kustomizeCommand: CliCommand = {
  name: 'kustomize',
  summary: 'Build a kustomization directory and print it, like `kubectl kustomize`',
  usage: `Usage: fluxion kustomize DIR [--load-restrictor LoadRestrictionsRootOnly|LoadRestrictionsNone]
                         [--reorder legacy|none] [--root DIR] [--generate]

Builds the kustomization in DIR in-process (no cluster, no network) and prints the objects as
multi-document YAML, byte for byte as \`kubectl kustomize DIR\` does.

  --load-restrictor  LoadRestrictionsRootOnly (default) keeps files inside their kustomization's
                     directory; LoadRestrictionsNone lifts that, as Flux builds.
  --reorder          legacy (default) orders by kind as kubectl does; none keeps input order.
  --root DIR         nothing outside DIR may be read (default: /), as Flux confines an artifact.
  --generate         when DIR has no kustomization.yaml, generate one from every manifest in it,
                     recursively, as kustomize-controller does.

Examples:
  fluxion kustomize ./deploy/overlays/prod
  fluxion kustomize --load-restrictor LoadRestrictionsNone --root . ./clusters/staging`,
  async run(argv, io) {
    let dir: string | undefined;
    let reorder: 'legacy' | 'none' = 'legacy';
    let loadRestrictor: 'rootOnly' | 'none' = 'rootOnly';
    let root = '/';
    let generate = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const value = (): string | undefined => inline ?? argv[++i];
      if (flag === '--reorder') {
        const v = value();
        if (v !== 'legacy' && v !== 'none') {
          io.stderr.write(`fluxion kustomize: --reorder must be legacy or none\n`);
          return 1;
        }
        reorder = v;
      } else if (flag === '--load-restrictor') {
        const v = value();
        if (v === 'LoadRestrictionsNone') loadRestrictor = 'none';
        else if (v === 'LoadRestrictionsRootOnly') loadRestrictor = 'rootOnly';
        else {
          io.stderr.write(`fluxion kustomize: unknown --load-restrictor ${v}\n`);
          return 1;
        }
      } else if (flag === '--root') root = path.resolve(io.cwd, value() ?? '.');
      else if (flag === '--generate') generate = true;
      else if (flag === '--help' || flag === '-h') {
        io.stdout.write(`${kustomizeCommand.usage}\n`);
        return 0;
      } else if (!a.startsWith('-') && dir === undefined) dir = a;
      else {
        io.stderr.write(`fluxion kustomize: unexpected argument ${a}\n${kustomizeCommand.usage}\n`);
        return 1;
      }
    }
    const target = path.resolve(io.cwd, dir ?? '.');
    try {
      const out = buildYaml(diskFs(root), target, { reorder, loadRestrictor, generateMissing: generate });
      io.stdout.write(out);
      return 0;
    } catch (e) {
      if (e instanceof KustomizeError) {
        io.stderr.write(`Error: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
