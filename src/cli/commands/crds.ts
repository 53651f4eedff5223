import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../command.js';
import { crdFileName, crdYaml, fluxCrds } from '../../api/crds.js';

export const crdsCommand: CliCommand = {
  name: 'crds',
  summary: 'Print the CustomResourceDefinitions of the Flux kinds fluxion serves',
  usage: `Usage: fluxion crds [--write DIR]

Prints the CRDs as multi-document YAML, or writes one file per kind into DIR.

Examples:
  fluxion crds | kubectl apply -f -
  fluxion crds --write crds`,
  async run(argv, io) {
    const i = argv.indexOf('--write');
    const crds = fluxCrds();
    if (i < 0) {
      io.stdout.write(crds.map(crdYaml).join(''));
      return 0;
    }
    const dir = argv[i + 1];
    if (!dir) {
      io.stderr.write('fluxion crds: --write needs a directory\n');
      return 1;
    }
    const target = path.resolve(io.cwd, dir);
    await mkdir(target, { recursive: true });
    for (const crd of crds) await writeFile(path.join(target, crdFileName(crd)), crdYaml(crd));
    io.stdout.write(`wrote ${crds.length} CRDs to ${dir}\n`);
    return 0;
  },
};
