import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFileName, crdYaml, fluxCrds } from '../../src/api/crds.js';
import { fluxKinds } from '../../src/api/kinds.js';

const crdDir = path.resolve(__dirname, '../../crds');

describe('CRDs', () => {
  it('crds/ holds exactly what the generator produces (run `npm run fluxion -- crds --write crds`)', () => {
    const expected = new Map(fluxCrds().map((c) => [crdFileName(c), crdYaml(c)]));
    expect(readdirSync(crdDir).sort()).toEqual([...expected.keys()].sort());
    for (const [file, yaml] of expected) expect(readFileSync(path.join(crdDir, file), 'utf8'), file).toBe(yaml);
  });

  it.each(fluxKinds.map((k) => [k.kind, k] as const))('%s serves every accepted version, stores one, and has a status subresource', (_k, kind) => {
    const crd = parse(readFileSync(path.join(crdDir, `${kind.group}_${kind.plural}.yaml`), 'utf8')) as {
      spec: { versions: { name: string; storage: boolean; served: boolean; subresources: unknown; additionalPrinterColumns: { name: string }[] }[]; names: { shortNames: string[] } };
    };
    expect(crd.spec.versions.map((v) => v.name)).toEqual(kind.versions);
    expect(crd.spec.versions.filter((v) => v.storage).map((v) => v.name)).toEqual([kind.storageVersion]);
    for (const v of crd.spec.versions) {
      expect(v.served).toBe(true);
      expect(v.subresources).toEqual({ status: {} });
      expect(v.additionalPrinterColumns.map((c) => c.name)).toEqual(expect.arrayContaining(['Age', 'Ready', 'Status']));
    }
    expect(crd.spec.names.shortNames).toEqual(kind.shortNames);
  });
});
