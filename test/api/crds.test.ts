import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CrdFileError, crdFileName, crdYaml, fluxCrds, loadCrdFiles, projectRoot } from '../../src/api/crds.js';
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
      // Alerts and Providers are static in Flux (no status): Age is their only column.
      if (kind.kind === 'Alert' || kind.kind === 'Provider') expect(v.additionalPrinterColumns.map((c) => c.name)).toEqual(['Age']);
      else expect(v.additionalPrinterColumns.map((c) => c.name)).toEqual(expect.arrayContaining(['Age', 'Ready', 'Status']));
    }
    expect(crd.spec.names.shortNames).toEqual(kind.shortNames);
  });
});

describe('loading crds/*.yaml', () => {
  it('reads the same objects the generator produces', async () => {
    const loaded = await loadCrdFiles();
    const generated = fluxCrds().sort((a, b) => crdFileName(a).localeCompare(crdFileName(b)));
    expect(loaded).toEqual(JSON.parse(JSON.stringify(generated)));
  });

  it('finds the project root from a module path under dist/ as well as src/', () => {
    const root = path.resolve(__dirname, '../..');
    expect(projectRoot(pathToFileURL(path.join(root, 'src/api/crds.ts')).href)).toBe(root);
    expect(projectRoot(path.join(root, 'dist/src/api/crds.js'))).toBe(root);
  });

  it('names the file when one is not a CRD or not YAML', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fluxion-crds-'));
    try {
      await writeFile(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
      await expect(loadCrdFiles(dir)).rejects.toThrow(CrdFileError);
      await expect(loadCrdFiles(dir)).rejects.toThrow(/a\.yaml: expected an apiextensions\.k8s\.io\/v1 CustomResourceDefinition/);
      await writeFile(path.join(dir, 'a.yaml'), 'spec: [unclosed\n');
      await expect(loadCrdFiles(dir)).rejects.toThrow(/a\.yaml/);
      await expect(loadCrdFiles(path.join(dir, 'missing'))).rejects.toThrow(/missing: cannot read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('printer columns', () => {
  it.each(fluxKinds.map((k) => [k.kind, k] as const))('every %s column points at a field the schema or the API server defines', (_k, kind) => {
    const crd = fluxCrds().find((c) => (c.spec as { names: { kind: string } }).names.kind === kind.kind)!;
    const version = (crd.spec as { versions: { additionalPrinterColumns: { jsonPath: string }[]; schema: { openAPIV3Schema: Record<string, unknown> } }[] }).versions[0]!;
    for (const col of version.additionalPrinterColumns) {
      const segs = col.jsonPath.replace(/\[\?.*?\]/, '').split('.').filter(Boolean);
      let node: Record<string, unknown> | undefined = version.schema.openAPIV3Schema;
      for (const seg of segs) {
        if (!node || node['x-kubernetes-preserve-unknown-fields'] || seg === 'metadata') break;
        node = (node.properties as Record<string, Record<string, unknown>> | undefined)?.[seg];
      }
      expect(node, col.jsonPath).toBeDefined();
    }
  });
});

/** The rules the API server applies to a CRD schema ("structural schema", defaults), checked here. */
function structuralProblems(node: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  if (typeof node.type !== 'string') out.push(`${at}: no type`);
  const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const r of (node.required ?? []) as string[]) if (!(r in props)) out.push(`${at}: required ${r} is not a property`);
  if (node.default !== undefined) {
    const d = node.default;
    if (Array.isArray(node.enum) && !node.enum.includes(d)) out.push(`${at}: default ${JSON.stringify(d)} not in enum`);
    if (typeof node.pattern === 'string' && !(typeof d === 'string' && new RegExp(node.pattern).test(d))) out.push(`${at}: default ${JSON.stringify(d)} does not match ${node.pattern}`);
    if (node.type === 'string' && typeof d !== 'string') out.push(`${at}: default is not a string`);
    if (node.type === 'boolean' && typeof d !== 'boolean') out.push(`${at}: default is not a boolean`);
  }
  if (node.type === 'array') {
    if (!node.items) out.push(`${at}: array without items`);
    else out.push(...structuralProblems(node.items as Record<string, unknown>, `${at}[]`));
  }
  for (const [k, v] of Object.entries(props)) out.push(...structuralProblems(v, `${at}.${k}`));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.push(...structuralProblems(node.additionalProperties as Record<string, unknown>, `${at}.*`));
  }
  return out;
}

describe('CRD schemas are structural', () => {
  it.each(fluxCrds().map((c) => [crdFileName(c), c] as const))('%s', (_f, crd) => {
    for (const v of (crd.spec as { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] }).versions) {
      expect(structuralProblems(v.schema.openAPIV3Schema, v.name)).toEqual([]);
    }
  });
});
