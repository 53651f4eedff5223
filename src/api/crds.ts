/**
 * CustomResourceDefinitions for the Flux kinds, generated from the kinds registry and the
 * schemas in `crd-schemas.ts`. The YAML files in `crds/` are this function's output
 * (`fluxion crds --write crds` regenerates them; a test fails when they drift).
 */
import { stringify } from 'yaml';
import type { KubeObject } from './meta.js';
import type { FluxKind } from './kinds.js';
import { fluxKinds } from './kinds.js';
import type { Schema } from './crd-schemas.js';
import { gitRepositorySpec, helmChartSpec, helmReleaseSpec, helmRepositorySpec, kustomizationSpec, statusSchema } from './crd-schemas.js';

const SPECS: Record<string, Schema> = {
  GitRepository: gitRepositorySpec,
  HelmRepository: helmRepositorySpec,
  HelmChart: helmChartSpec,
  Kustomization: kustomizationSpec,
  HelmRelease: helmReleaseSpec,
};

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

/** Every Flux CRD fluxion installs. */
export function fluxCrds(): KubeObject[] {
  return fluxKinds.map(crdFor);
}

/** File name as Flux names its CRD files: `<group>_<plural>.yaml`. */
export function crdFileName(crd: KubeObject): string {
  const spec = crd.spec as { group: string; names: { plural: string } };
  return `${spec.group}_${spec.names.plural}.yaml`;
}

export function crdYaml(crd: KubeObject): string {
  return `---\n${stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
