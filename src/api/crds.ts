/**
 * CustomResourceDefinitions for the Flux kinds, generated from the kinds registry and the
 * schemas in `crd-schemas.ts`. The YAML files in `crds/` are this function's output
 * (`fluxion crds --write crds` regenerates them; a test fails when they drift).
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from './meta.js';
import type { FluxKind } from './kinds.js';
import { fluxKinds } from './kinds.js';
import type { Schema } from './crd-schemas.js';
import { artifactGeneratorSpec, bucketSpec, externalArtifactSpec, gitRepositorySpec, ociRepositorySpec, helmChartSpec, helmReleaseSpec, helmRepositorySpec, kustomizationSpec, statusSchema } from './crd-schemas.js';
import { alertSpec, providerSpec, receiverSpec } from './crd-schemas.js';
import { imagePolicySpec, imageRepositorySpec } from './crd-schemas.js';

const SPECS: Record<string, Schema> = {
  GitRepository: gitRepositorySpec,
  OCIRepository: ociRepositorySpec,
  Bucket: bucketSpec,
  HelmRepository: helmRepositorySpec,
  HelmChart: helmChartSpec,
  ExternalArtifact: externalArtifactSpec,
  ArtifactGenerator: artifactGeneratorSpec,
  Kustomization: kustomizationSpec,
  HelmRelease: helmReleaseSpec,
  Provider: providerSpec,
  Alert: alertSpec,
  Receiver: receiverSpec,
  ImageRepository: imageRepositorySpec,
  ImagePolicy: imagePolicySpec,
};

/**
 * The CRD of one kind: every accepted version served, only the storage version stored (older
 * ones marked deprecated), one schema for all of them (fluxion converts, so `conversion: None`).
 */
export function crdFor(kind: FluxKind): KubeObject {
  const spec = SPECS[kind.kind];
  if (!spec) throw new Error(`no schema for ${kind.kind}`);
  const schema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      status: statusSchema,
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.plural}.${kind.group}`,
      labels: { 'app.kubernetes.io/part-of': 'fluxion' },
    },
    spec: {
      group: kind.group,
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: kind.shortNames,
        categories: kind.categories,
      },
      scope: 'Namespaced',
      versions: kind.versions.map((v) => ({
        name: v,
        served: true,
        storage: v === kind.storageVersion,
        ...(v === kind.storageVersion ? {} : { deprecated: true, deprecationWarning: `${kind.group}/${v} ${kind.kind} is deprecated, upgrade to ${kind.storageVersion}` }),
        additionalPrinterColumns: kind.printerColumns,
        schema: { openAPIV3Schema: schema },
        subresources: { status: {} },
      })),
    },
  };
}

/**
 * Every Flux CRD fluxion installs, generated in memory (synchronous; what the simulator and
 * tests install). `loadCrdFiles` reads the same objects from `crds/*.yaml`.
 */
export function fluxCrds(): KubeObject[] {
  return fluxKinds.map(crdFor);
}

/** File name as Flux names its CRD files: `<group>_<plural>.yaml`. */
export function crdFileName(crd: KubeObject): string {
  const spec = crd.spec as { group: string; names: { plural: string } };
  return `${spec.group}_${spec.names.plural}.yaml`;
}

/** One CRD as a YAML document, in the exact form `crds/*.yaml` holds. */
export function crdYaml(crd: KubeObject): string {
  return `---\n${stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** Thrown when the CRD files cannot be found or read; names the path. */
export class CrdFileError extends Error {
  readonly path: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'CrdFileError';
    this.path = file;
  }
}

/**
 * The folder holding `package.json`, found by walking up from this module. Works both from
 * `src/api/` (tsx, vitest) and from `dist/src/api/` after `tsc`, which is why it is not a
 * fixed number of `..`.
 */
export function projectRoot(from: string = import.meta.url): string {
  let dir = path.dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new CrdFileError(from, 'no package.json above this module');
    dir = parent;
  }
}

/**
 * The CRDs as shipped in `crds/*.yaml` (what `kubectl apply -f crds/` installs), parsed, in
 * file-name order. A file that is not valid YAML, or holds something other than a
 * CustomResourceDefinition, is a `CrdFileError` naming it.
 */
export async function loadCrdFiles(dir: string = path.join(projectRoot(), 'crds')): Promise<KubeObject[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch (err) {
    throw new CrdFileError(dir, `cannot read the CRD directory: ${(err as Error).message}`);
  }
  const out: KubeObject[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      if (doc.errors.length) throw new CrdFileError(file, doc.errors[0]?.message ?? 'invalid YAML');
      const obj = doc.toJS() as KubeObject | null;
      if (obj === null) continue;
      if (obj.apiVersion !== 'apiextensions.k8s.io/v1' || obj.kind !== 'CustomResourceDefinition') {
        throw new CrdFileError(file, `expected an apiextensions.k8s.io/v1 CustomResourceDefinition, got ${obj.apiVersion} ${obj.kind}`);
      }
      out.push(obj);
    }
  }
  return out;
}
