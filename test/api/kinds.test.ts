import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import { dependsOnOf, fluxKindOf, normalize, sourceRefsOf, timingOf, tryNormalize } from '../../src/api/kinds.js';
import { effectiveGitRef } from '../../src/api/kinds/git-repository.js';
import { helmReleaseName } from '../../src/api/kinds/helm-release.js';
import type { HelmRelease } from '../../src/api/kinds/helm-release.js';
import type { Schema } from '../../src/api/crd-schemas.js';
import { InvalidObjectError } from '../../src/api/validation.js';
import { fluxCrds } from '../../src/api/crds.js';

const meta = { name: 'podinfo', namespace: 'apps' };
const git = (spec: Record<string, unknown>, apiVersion = 'source.toolkit.fluxcd.io/v1'): KubeObject => ({ apiVersion, kind: 'GitRepository', metadata: meta, spec });
const ks = (spec: Record<string, unknown>, apiVersion = 'kustomize.toolkit.fluxcd.io/v1'): KubeObject => ({ apiVersion, kind: 'Kustomization', metadata: meta, spec });
const hr = (spec: Record<string, unknown>, apiVersion = 'helm.toolkit.fluxcd.io/v2'): KubeObject => ({ apiVersion, kind: 'HelmRelease', metadata: meta, spec });
const ksBase = { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } };
const chart = { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } };

describe('validation names the offending field', () => {
  it.each([
    ['GitRepository without url', git({ interval: '1m' }), 'spec.url', 'Required value'],
    ['GitRepository with an scp-style url', git({ url: 'git@github.com:x/y', interval: '1m' }), 'spec.url', 'does not match'],
    ['GitRepository with a bad interval', git({ url: 'https://x/y', interval: '1d' }), 'spec.interval', 'invalid duration'],
    ['GitRepository with a short ref name', git({ url: 'https://x/y', interval: '1m', ref: { name: 'main' } }), 'spec.ref.name', 'refs/'],
    ['GitRepository with a bad semver range', git({ url: 'https://x/y', interval: '1m', ref: { semver: 'latest' } }), 'spec.ref.semver', 'semver range'],
    ['GitRepository verify without a secret', git({ url: 'https://x/y', interval: '1m', verify: { mode: 'HEAD' } }), 'spec.verify.secretRef', 'Required value'],
    ['GitRepository with a bad provider', git({ url: 'https://x/y', interval: '1m', provider: 'gitlab' }), 'spec.provider', 'Unsupported value'],
    ['HelmRepository of type oci with an https url', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: meta, spec: { url: 'https://x', type: 'oci' } }, 'spec.url', 'oci://'],
    ['HelmRepository without an interval', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: meta, spec: { url: 'https://x' } }, 'spec.interval', 'Required value'],
    ['HelmChart with a bad source kind', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: meta, spec: { chart: 'x', interval: '1m', sourceRef: { kind: 'OCIRepository', name: 'x' } } }, 'spec.sourceRef.kind', 'Unsupported value'],
    ['Kustomization with a bad retryInterval', ks({ ...ksBase, retryInterval: '5' }), 'spec.retryInterval', 'invalid duration'],
    ['Kustomization with a bad deletionPolicy', ks({ ...ksBase, deletionPolicy: 'Never' }), 'spec.deletionPolicy', 'Unsupported value'],
    ['HelmRelease with both chart and chartRef', hr({ interval: '5m', chart, chartRef: { kind: 'OCIRepository', name: 'x' } }), 'spec.chart', 'exactly one'],
    ['HelmRelease with a negative maxHistory', hr({ interval: '5m', chart, maxHistory: -1 }), 'spec.maxHistory', 'greater than or equal to 0'],
    ['HelmRelease with a bad dependency kind', hr({ interval: '5m', chart, dependsOn: [{ name: 'x', kind: 'GitRepository' }] }), 'spec.dependsOn[0].kind', 'Unsupported value'],
    ['GitRepository with a bad commit', git({ url: 'https://x/y', interval: '1m', ref: { commit: 'xyz' } }), 'spec.ref.commit', 'SHA-1'],
    ['Kustomization without prune', ks({ interval: '1m', sourceRef: { kind: 'GitRepository', name: 'a' } }), 'spec.prune', 'Required value'],
    ['Kustomization with a bad source kind', ks({ ...ksBase, sourceRef: { kind: 'HelmRepository', name: 'a' } }), 'spec.sourceRef.kind', 'Unsupported value'],
    ['Kustomization with an unnamed dependency', ks({ ...ksBase, dependsOn: [{ namespace: 'x' }] }), 'spec.dependsOn[0].name', 'Required value'],
    ['Kustomization with a bad target namespace', ks({ ...ksBase, targetNamespace: 'Not_Valid' }), 'spec.targetNamespace', 'RFC 1123'],
    ['Kustomization with a bad variable name', ks({ ...ksBase, postBuild: { substitute: { 'a-b': 'x' } } }), 'spec.postBuild.substitute.a-b', 'variable names'],
    ['HelmRelease without a chart', hr({ interval: '5m' }), 'spec.chart', 'exactly one'],
    ['HelmRelease with a bad version range', hr({ interval: '5m', chart: { spec: { ...chart.spec, version: '>>1' } } }), 'spec.chart.spec.version', 'semver'],
    ['HelmRelease with a long release name', hr({ interval: '5m', chart, releaseName: 'x'.repeat(54) }), 'spec.releaseName', '53'],
    ['HelmRelease with a bad remediation strategy', hr({ interval: '5m', chart, upgrade: { remediation: { strategy: 'retry' } } }), 'spec.upgrade.remediation.strategy', 'Unsupported value'],
    ['an object in an invalid namespace', { ...git({ url: 'https://x/y', interval: '1m' }), metadata: { name: 'ok', namespace: 'Apps_1' } }, 'metadata.namespace', 'RFC 1123'],
    ['v1beta2 Kustomization with a malformed patchesStrategicMerge', ks({ ...ksBase, patchesStrategicMerge: 'kind: Deployment' }, 'kustomize.toolkit.fluxcd.io/v1beta2'), 'spec.patchesStrategicMerge', 'must be a list'],
    ['v1beta2 Kustomization with a JSON 6902 patch that is not a list', ks({ ...ksBase, patchesJson6902: [{ target: { kind: 'Service' }, patch: 'op: add' }] }, 'kustomize.toolkit.fluxcd.io/v1beta2'), 'spec.patchesJson6902[0].patch', 'JSON 6902'],
    ['v1beta2 HelmChart with a non-string valuesFile', { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'HelmChart', metadata: meta, spec: { chart: 'x', interval: '1m', sourceRef: { kind: 'HelmRepository', name: 'x' }, valuesFile: ['a.yaml'] } }, 'spec.valuesFile', 'must be a string'],
    ['Bucket without a bucketName', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket', metadata: meta, spec: { endpoint: 'minio:9000', interval: '1m' } }, 'spec.bucketName', 'Required value'],
    ['Bucket with a bad provider', { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'Bucket', metadata: meta, spec: { bucketName: 'b', endpoint: 'minio:9000', interval: '1m', provider: 'ibm' } }, 'spec.provider', 'Unsupported value'],
    ['Bucket generic with a service account', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket', metadata: meta, spec: { bucketName: 'b', endpoint: 'minio:9000', interval: '1m', serviceAccountName: 'sa' } }, 'spec', "not supported for the 'generic' Bucket provider"],
    ['Bucket aws with an ldap STS', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket', metadata: meta, spec: { bucketName: 'b', endpoint: 's3.amazonaws.com', interval: '1m', provider: 'aws', sts: { provider: 'ldap', endpoint: 'https://sts' } } }, 'spec', "'aws' is the only supported STS provider"],
    ['an object with an invalid name', { ...git({ url: 'https://x/y', interval: '1m' }), metadata: { name: 'Bad_Name' } }, 'metadata.name', 'RFC 1123'],
  ])('%s', (_what, obj, field, message) => {
    const r = tryNormalize(obj);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const err = r.errors.find((e) => e.field === field);
    expect(err, JSON.stringify(r.errors)).toBeDefined();
    expect(err?.message).toContain(message);
  });

  it('throws an InvalidObjectError whose message lists every field', () => {
    expect(() => normalize(git({}))).toThrow(InvalidObjectError);
    expect(() => normalize(git({}))).toThrow(/spec\.url: Required value; spec\.interval: Required value/);
  });
});

describe('defaults and conversion to the storage version', () => {
  it('defaults GitRepository timeout to 60s and the ref to branch master', () => {
    const g = normalize(git({ url: 'https://example.com/repo', interval: '1m' }));
    expect((g.spec as { timeout: string }).timeout).toBe('60s');
    expect(effectiveGitRef(g.spec as never)).toEqual({ branch: 'master' });
  });

  it('converts a v1beta2 GitRepository, dropping gitImplementation', () => {
    const g = normalize(git({ url: 'https://example.com/repo', interval: '1m', gitImplementation: 'go-git' }, 'source.toolkit.fluxcd.io/v1beta2'));
    expect(g.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(g.spec).not.toHaveProperty('gitImplementation');
  });

  it('converts v1beta2 Kustomization patchesStrategicMerge and patchesJson6902 into patches', () => {
    const k = normalize(
      ks(
        {
          ...ksBase,
          validation: 'client',
          patchesStrategicMerge: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }],
          patchesJson6902: [{ target: { kind: 'Service', name: 'web' }, patch: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }] }],
        },
        'kustomize.toolkit.fluxcd.io/v1beta2',
      ),
    );
    const spec = k.spec as { patches: { patch: string; target?: unknown }[] };
    expect(k.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(spec.patches).toHaveLength(2);
    expect(spec.patches[0]?.patch).toContain('replicas: 2');
    expect(spec.patches[1]).toMatchObject({ target: { kind: 'Service', name: 'web' } });
    expect(spec.patches[1]?.patch).toContain('op: add');
    expect(k.spec).not.toHaveProperty('validation');
  });

  it('converts a v2beta1 HelmRelease valuesFile and post-renderer patches', () => {
    const h = normalize(
      hr(
        {
          interval: '5m',
          chart: { spec: { ...chart.spec, valuesFile: 'values-prod.yaml' } },
          postRenderers: [{ kustomize: { patchesStrategicMerge: [{ kind: 'Deployment', metadata: { name: 'x' } }] } }],
        },
        'helm.toolkit.fluxcd.io/v2beta1',
      ),
    );
    const spec = h.spec as { chart: { spec: Record<string, unknown> }; postRenderers: { kustomize: { patches: unknown[] } }[] };
    expect(h.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(spec.chart.spec.valuesFiles).toEqual(['values-prod.yaml']);
    expect(spec.chart.spec.version).toBe('*');
    expect(spec.postRenderers[0]?.kustomize.patches).toHaveLength(1);
  });

  it('computes Kustomization timing as Flux does', () => {
    expect(timingOf(normalize(ks({ ...ksBase, interval: '10m' })))).toEqual({ intervalMs: 600_000, retryIntervalMs: 600_000, timeoutMs: 570_000 });
    expect(timingOf(normalize(ks({ ...ksBase, interval: '40s' })))).toMatchObject({ timeoutMs: 30_000 });
    expect(timingOf(normalize(ks({ ...ksBase, retryInterval: '1m', timeout: '2m' })))).toMatchObject({ retryIntervalMs: 60_000, timeoutMs: 120_000 });
  });

  it('names releases as helm-controller does, hashing names over 53 characters', () => {
    const base = normalize<HelmRelease>(hr({ interval: '5m', chart }));
    expect(helmReleaseName(base)).toBe('podinfo');
    expect(helmReleaseName({ ...base, spec: { ...base.spec, targetNamespace: 'prod' } })).toBe('prod-podinfo');
    const long = helmReleaseName({ ...base, metadata: { name: 'a'.repeat(60), namespace: 'x' } });
    expect(long).toHaveLength(53);
    expect(long).toMatch(/^a{40}-[0-9a-f]{12}$/);
  });

  it('normalize is idempotent', () => {
    const arbSpec = fc.record({
      interval: fc.constantFrom('1m', '5m0s', '1h'),
      prune: fc.boolean(),
      wait: fc.option(fc.boolean(), { nil: undefined }),
      targetNamespace: fc.option(fc.constantFrom('apps', 'prod'), { nil: undefined }),
      patchesStrategicMerge: fc.option(fc.array(fc.record({ kind: fc.constant('Deployment'), metadata: fc.record({ name: fc.constantFrom('a', 'b') }) }), { maxLength: 3 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arbSpec, fc.constantFrom('v1', 'v1beta2'), (spec, v) => {
        const once = normalize(ks({ ...spec, sourceRef: ksBase.sourceRef }, `kustomize.toolkit.fluxcd.io/${v}`));
        expect(normalize(once)).toEqual(once);
      }),
    );
  });
});

describe('references', () => {
  it('defaults source and dependency namespaces to the object own', () => {
    const k = normalize(ks({ ...ksBase, dependsOn: [{ name: 'infra' }, { name: 'db', namespace: 'data', kind: 'HelmRelease' }] }));
    expect(sourceRefsOf(k)).toEqual([{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'flux-system', namespace: 'apps' }]);
    expect(dependsOnOf(k)).toEqual([
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'infra', namespace: 'apps' },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'db', namespace: 'data' },
    ]);
  });

  it('points a HelmRelease chart template at the HelmChart it produces', () => {
    expect(sourceRefsOf(normalize(hr({ interval: '5m', chart })))).toEqual([
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', name: 'apps-podinfo', namespace: 'apps' },
    ]);
  });
});

const examples = path.resolve(__dirname, '../../../shared/conformance/flux-examples');
const haveExamples = existsSync(examples);
if (!haveExamples) console.warn(`[skip] Flux example repositories not found at ${examples}`);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(f) ? [p] : [];
  });
}

/** Files a kustomization.yaml uses as patches hold partial objects, not resources. */
function patchFiles(files: string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files.filter((x) => path.basename(x) === 'kustomization.yaml')) {
    const k = (parseAllDocuments(readFileSync(f, 'utf8'))[0]?.toJS() ?? {}) as { patches?: { path?: string }[]; patchesStrategicMerge?: string[] };
    for (const p of k.patches ?? []) if (p.path) out.add(path.resolve(path.dirname(f), p.path));
    for (const p of k.patchesStrategicMerge ?? []) out.add(path.resolve(path.dirname(f), p));
  }
  return out;
}

describe.skipIf(!haveExamples)("Flux's example repositories", () => {
  it('every Flux object in them normalizes without errors', () => {
    let count = 0;
    const files = haveExamples ? yamlFiles(examples) : [];
    const patches = patchFiles(files);
    for (const file of files.filter((f) => !patches.has(f))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const obj = doc.toJS() as KubeObject | null;
        if (!obj?.apiVersion || !fluxKindOf(obj.apiVersion, obj.kind)) continue;
        const r = tryNormalize(obj);
        expect(r.ok ? [] : r.errors, `${file}: ${obj.kind}/${obj.metadata.name}`).toEqual([]);
        count++;
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  it('the CRD schemas know every field they set (an API server prunes unknown fields)', () => {
    const schemas = new Map(
      fluxCrds().map((c) => {
        const spec = c.spec as { names: { kind: string }; versions: { schema: { openAPIV3Schema: { properties: { spec: Schema } } } }[] };
        return [spec.names.kind, spec.versions[0]!.schema.openAPIV3Schema.properties.spec] as const;
      }),
    );
    const unknown = new Set<string>();
    const check = (schema: Schema | undefined, v: unknown, at: string): void => {
      if (!schema) return void unknown.add(at);
      if (schema['x-kubernetes-preserve-unknown-fields']) return;
      if (Array.isArray(v)) return v.forEach((x) => check(schema.items as Schema, x, `${at}[]`));
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        check(schema.additionalProperties ? (schema.additionalProperties as Schema) : (schema.properties as Record<string, Schema> | undefined)?.[k], x, `${at}.${k}`);
      }
    };
    const files = haveExamples ? yamlFiles(examples) : [];
    const patches = patchFiles(files);
    for (const file of files.filter((f) => !patches.has(f))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const obj = doc.toJS() as KubeObject | null;
        if (!obj?.apiVersion || !fluxKindOf(obj.apiVersion, obj.kind)) continue;
        check(schemas.get(obj.kind), obj.spec, `${obj.kind}.spec`);
      }
    }
    expect([...unknown]).toEqual([]);
  });
});

describe('Bucket', () => {
  it('accepts v1beta2 and stores v1 with the schema defaults', () => {
    const b = normalize({ apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'Bucket', metadata: meta, spec: { bucketName: 'podinfo', endpoint: 'minio.minio:9000', interval: '5m', insecure: true } });
    expect(b.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(b.spec).toEqual({ bucketName: 'podinfo', endpoint: 'minio.minio:9000', interval: '5m', insecure: true, provider: 'generic', timeout: '60s' });
  });
});
