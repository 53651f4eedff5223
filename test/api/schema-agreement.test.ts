/**
 * The CRD schemas (what the API server enforces) and the TS validation (what fluxion reports as
 * a Stalled InvalidSpec) must agree: every field the schema requires, every enum it lists and
 * every pattern it sets is also caught by `validate`, naming the same field.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { fluxKinds } from '../../src/api/kinds.js';
import type { Schema } from '../../src/api/crd-schemas.js';
import { alertSpec, imagePolicySpec, imageRepositorySpec, providerSpec, receiverSpec } from '../../src/api/crd-schemas.js';
import { artifactGeneratorSpec, bucketSpec, externalArtifactSpec, gitRepositorySpec, helmChartSpec, helmReleaseSpec, ociRepositorySpec, helmRepositorySpec, kustomizationSpec } from '../../src/api/crd-schemas.js';

const metadata = { name: 'sample', namespace: 'apps' };

/** One valid object per kind that sets every nested object that has required fields or enums. */
const samples: Record<string, { schema: Schema; obj: KubeObject }> = {
  Provider: {
    schema: providerSpec,
    obj: {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata,
      spec: { type: 'slack', channel: 'general', username: 'flux', address: 'https://hooks.slack.com/services/x', timeout: '15s', secretRef: { name: 'slack-url' }, certSecretRef: { name: 'tls' }, proxySecretRef: { name: 'proxy' }, suspend: false },
    },
  },
  Alert: {
    schema: alertSpec,
    obj: {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata,
      spec: {
        providerRef: { name: 'slack' },
        eventSeverity: 'error',
        eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'apps', matchLabels: { team: 'a' } }],
        inclusionList: ['.*'],
        exclusionList: ['^Dependencies'],
        eventMetadata: { cluster: 'prod' },
        summary: 'prod',
        suspend: false,
      },
    },
  },
  Receiver: {
    schema: receiverSpec,
    obj: {
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata,
      spec: { type: 'github', interval: '10m', events: ['push'], resources: [{ kind: 'GitRepository', name: 'podinfo', namespace: 'apps', matchLabels: { a: 'b' } }], secretRef: { name: 'webhook-token' } },
    },
  },
  ImageRepository: {
    schema: imageRepositorySpec,
    obj: {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageRepository',
      metadata,
      spec: { image: 'ghcr.io/org/app', interval: '5m', timeout: '30s', provider: 'generic', secretRef: { name: 'regcred' }, certSecretRef: { name: 'tls' }, proxySecretRef: { name: 'proxy' }, exclusionList: ['^.*\\.sig$'] },
    },
  },
  ImagePolicy: {
    schema: imagePolicySpec,
    obj: {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImagePolicy',
      metadata,
      spec: { imageRepositoryRef: { name: 'app' }, policy: { semver: { range: '>=1.0.0' }, alphabetical: { order: 'asc' }, numerical: { order: 'desc' } }, filterTags: { pattern: '.*', extract: '$0' }, digestReflectionPolicy: 'Always', interval: '5m' },
    },
  },
  GitRepository: {
    schema: gitRepositorySpec,
    obj: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata,
      spec: {
        url: 'https://example.com/repo.git',
        interval: '1m',
        timeout: '60s',
        provider: 'generic',
        secretRef: { name: 'auth' },
        proxySecretRef: { name: 'proxy' },
        ref: { branch: 'main' },
        verify: { mode: 'HEAD', secretRef: { name: 'keys' } },
        include: [{ repository: { name: 'other' }, fromPath: 'a', toPath: 'b' }],
      },
    },
  },
  Bucket: {
    schema: bucketSpec,
    obj: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'Bucket',
      metadata,
      spec: {
        provider: 'aws',
        bucketName: 'podinfo',
        endpoint: 's3.amazonaws.com',
        region: 'us-east-1',
        prefix: 'manifests/',
        insecure: false,
        interval: '5m',
        timeout: '60s',
        ignore: '*.md',
        suspend: false,
        secretRef: { name: 's3-keys' },
        certSecretRef: { name: 'tls' },
        proxySecretRef: { name: 'proxy' },
      },
    },
  },
  OCIRepository: {
    schema: ociRepositorySpec,
    obj: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata,
      spec: {
        url: 'oci://ghcr.io/stefanprodan/manifests/podinfo',
        interval: '5m',
        timeout: '60s',
        provider: 'generic',
        ref: { semver: '>=6.0.0', semverFilter: '.*' },
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
        secretRef: { name: 'regcred' },
        certSecretRef: { name: 'tls' },
        verify: { provider: 'cosign', secretRef: { name: 'keys' }, matchOIDCIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '^https://github.com/stefanprodan/podinfo.*$' }] },
      },
    },
  },
  HelmRepository: {
    schema: helmRepositorySpec,
    obj: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata,
      spec: { url: 'https://charts.example.com', interval: '10m', timeout: '1m', type: 'default', provider: 'generic', secretRef: { name: 'a' }, certSecretRef: { name: 'b' } },
    },
  },
  HelmChart: {
    schema: helmChartSpec,
    obj: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata,
      spec: { chart: 'podinfo', version: '6.x', interval: '5m', reconcileStrategy: 'ChartVersion', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } },
    },
  },
  ExternalArtifact: {
    schema: externalArtifactSpec,
    obj: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'ExternalArtifact',
      metadata,
      spec: { sourceRef: { apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator', name: 'gen', namespace: 'apps' } },
    },
  },
  ArtifactGenerator: {
    schema: artifactGeneratorSpec,
    obj: {
      apiVersion: 'source.extensions.fluxcd.io/v1beta1',
      kind: 'ArtifactGenerator',
      metadata,
      spec: {
        commonMetadata: { labels: { team: 'a' }, annotations: { note: 'b' } },
        sources: [{ alias: 'monorepo', kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' }],
        artifacts: [
          {
            name: 'apps',
            revision: '@monorepo',
            originRevision: '@monorepo',
            copy: [{ from: '@monorepo/apps/**', to: '@artifact/', exclude: ['*.md'], strategy: 'Overwrite' }],
          },
        ],
      },
    },
  },
  Kustomization: {
    schema: kustomizationSpec,
    obj: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata,
      spec: {
        interval: '10m',
        retryInterval: '1m',
        timeout: '5m',
        prune: true,
        deletionPolicy: 'MirrorPrune',
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' }],
        healthCheckExprs: [{ apiVersion: 'example.com/v1', kind: 'Thing', current: 'status.ready == true' }],
        dependsOn: [{ name: 'infra' }],
        patches: [{ patch: 'kind: Deployment', target: { kind: 'Deployment' } }],
        images: [{ name: 'nginx', newTag: '1.27' }],
        postBuild: { substitute: { region: 'eu' }, substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] },
        decryption: { provider: 'sops', secretRef: { name: 'sops-keys' } },
        kubeConfig: { secretRef: { name: 'kubeconfig', key: 'value' } },
        ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
      },
    },
  },
  HelmRelease: {
    schema: helmReleaseSpec,
    obj: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata,
      spec: {
        interval: '5m',
        timeout: '5m',
        chart: { spec: { chart: 'podinfo', version: '*', interval: '1m', reconcileStrategy: 'ChartVersion', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
        dependsOn: [{ name: 'infra' }],
        driftDetection: { mode: 'enabled' },
        install: { timeout: '5m', crds: 'Create', strategy: { name: 'RetryOnFailure', retryInterval: '5m' }, remediation: { retries: 3, strategy: 'rollback' } },
        upgrade: { timeout: '5m', crds: 'Skip', strategy: { name: 'RemediateOnFailure' }, remediation: { retries: 3, strategy: 'rollback' } },
        test: { enable: true, timeout: '5m', filters: [{ name: 'smoke' }] },
        rollback: { timeout: '5m' },
        uninstall: { timeout: '5m', deletionPropagation: 'background' },
        valuesFrom: [{ kind: 'ConfigMap', name: 'values' }],
      },
    },
  },
};

interface Probe {
  /** Path segments from the object root, e.g. ['spec', 'include', 0, 'repository', 'name']. */
  path: (string | number)[];
  what: 'required' | 'enum' | 'pattern';
  schema: Schema;
}

/** Walks the schema alongside the sample; only fields whose parent the sample sets are probed. */
function probes(schema: Schema, value: unknown, at: (string | number)[]): Probe[] {
  const out: Probe[] = [];
  if (schema.type === 'array' && Array.isArray(value) && value.length > 0) {
    return probes(schema.items as Schema, value[0], [...at, 0]);
  }
  if (schema.type !== 'object' || !value || typeof value !== 'object' || Array.isArray(value)) return out;
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  for (const [name, sub] of Object.entries(props)) {
    const p = [...at, name];
    if (required.includes(name)) out.push({ path: p, what: 'required', schema: sub });
    if (Array.isArray(sub.enum)) out.push({ path: p, what: 'enum', schema: sub });
    if (typeof sub.pattern === 'string') out.push({ path: p, what: 'pattern', schema: sub });
    out.push(...probes(sub, (value as Record<string, unknown>)[name], p));
  }
  return out;
}

const jsonPath = (path: (string | number)[]): string =>
  path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

function mutate(obj: KubeObject, probe: Probe): KubeObject {
  const copy = structuredClone(obj);
  let cur = copy as unknown as Record<string | number, unknown>;
  for (const seg of probe.path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  const last = probe.path[probe.path.length - 1] as string;
  if (probe.what === 'required') delete cur[last];
  else if (probe.what === 'enum') cur[last] = 'NotAnAllowedValue';
  else cur[last] = '!not matching!';
  return copy;
}

const cases = fluxKinds.flatMap((kind) => {
  const sample = samples[kind.kind];
  if (!sample) throw new Error(`no sample for ${kind.kind}`);
  return probes(sample.schema, sample.obj.spec, ['spec']).map((p) => [kind.kind, p.what, jsonPath(p.path), kind, sample.obj, p] as const);
});

describe('CRD schemas and TS validation agree', () => {
  it.each(fluxKinds.map((k) => [k.kind, k] as const))('the %s sample is valid', (_n, kind) => {
    expect(kind.validate(samples[kind.kind]!.obj).errors).toEqual([]);
  });

  it('probes a meaningful number of fields', () => {
    expect(cases.filter((c) => c[1] === 'required').length).toBeGreaterThan(30);
    expect(cases.filter((c) => c[1] === 'enum').length).toBeGreaterThan(15);
  });

  it.each(cases)('%s: %s %s is caught naming the field', (_k, _what, field, kind, obj, probe) => {
    const errors = kind.validate(mutate(obj, probe)).errors;
    expect(errors.map((e) => e.field), JSON.stringify(errors)).toContain(field);
  });
});
