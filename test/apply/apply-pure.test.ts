import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KubeObject } from '../../src/api/meta.js';
import { computeHealth } from '../../src/apply/kstatus.js';
import { inventoryId, inventoryOf, parseEntry, staleEntries } from '../../src/apply/inventory.js';
import { stageOf, stages } from '../../src/apply/staging.js';
import { substituteText } from '../../src/kustomize/substitute.js';

const obj = (apiVersion: string, kind: string, extra: Partial<KubeObject> = {}, generation = 1): KubeObject => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns', generation }, ...extra });

describe('kstatus', () => {
  it.each([
    ['a Deployment still rolling out', obj('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 } }), 'InProgress', 'LessAvailable'],
    ['a Deployment not yet observed', obj('apps/v1', 'Deployment', { spec: { replicas: 1 }, status: { observedGeneration: 1 } }, 2), 'InProgress', 'LatestGenerationNotObserved'],
    ['an available Deployment', obj('apps/v1', 'Deployment', { spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } }), 'Current', 'Current'],
    ['a Deployment past its deadline', obj('apps/v1', 'Deployment', { spec: { replicas: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }), 'Failed', 'ProgressDeadlineExceeded'],
    ['a completed Job', obj('batch/v1', 'Job', { status: { conditions: [{ type: 'Complete', status: 'True' }] } }), 'Current', 'Current'],
    ['a failed Job', obj('batch/v1', 'Job', { status: { conditions: [{ type: 'Failed', status: 'True' }] } }), 'Failed', 'JobFailed'],
    ['a Job not started', obj('batch/v1', 'Job', { status: {} }), 'InProgress', 'JobNotStarted'],
    ['an unbound PVC', obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }), 'InProgress', 'NotBound'],
    ['a ConfigMap', obj('v1', 'ConfigMap'), 'Current', 'Current'],
    ['a Flux object Ready=False', obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed' }] } }), 'InProgress', 'BuildFailed'],
    ['a Stalled object', obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', { status: { observedGeneration: 1, conditions: [{ type: 'Stalled', status: 'True', reason: 'InvalidSpec' }] } }), 'Failed', 'InvalidSpec'],
    ['an established CRD', obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions: [{ type: 'Established', status: 'True' }] } }), 'Current', 'Current'],
    ['a StatefulSet with a revision mismatch', obj('apps/v1', 'StatefulSet', { spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, currentReplicas: 1, currentRevision: 'a', updateRevision: 'b' } }), 'InProgress', 'RevisionMismatch'],
  ])('%s', (_what, o, status, reason) => {
    expect(computeHealth(o)).toMatchObject({ status, reason });
  });

  it('reports objects being deleted as Terminating and missing ones as NotFound', () => {
    expect(computeHealth({ ...obj('v1', 'ConfigMap'), metadata: { name: 'x', deletionTimestamp: 'now' } }).status).toBe('Terminating');
    expect(computeHealth(undefined).status).toBe('NotFound');
  });
});

describe('inventory', () => {
  it('ids look like Flux writes them', () => {
    expect(inventoryId({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' })).toBe('apps_web_apps_Deployment');
    expect(inventoryId({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' })).toBe('_apps__Namespace');
    expect(inventoryId({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'system:reader' })).toBe('_system__reader_rbac.authorization.k8s.io_ClusterRole');
  });

  const arbRef = fc.record({
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'example.com/v1beta1'),
    kind: fc.constantFrom('ConfigMap', 'Deployment', 'ClusterRole', 'Widget'),
    name: fc.stringMatching(/^[a-z][a-z0-9.:-]{0,12}$/),
    namespace: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { nil: undefined }),
  });

  it('entries parse back to the object they name', () => {
    fc.assert(
      fc.property(arbRef, (ref) => {
        const o: KubeObject = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
        const [entry] = inventoryOf([o]);
        const back = parseEntry(entry!);
        expect(back).toEqual({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) });
      }),
    );
  });

  it('stale entries are exactly the ones that left, and pruning them twice prunes nothing more', () => {
    fc.assert(
      fc.property(fc.array(arbRef, { maxLength: 10 }), fc.array(arbRef, { maxLength: 10 }), (a, b) => {
        const toObj = (r: typeof a[number]): KubeObject => ({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } });
        const before = inventoryOf(a.map(toObj));
        const after = inventoryOf(b.map(toObj));
        const stale = staleEntries(before, after);
        const afterIds = new Set(after.map((e) => e.id));
        expect(stale.every((e) => !afterIds.has(e.id))).toBe(true);
        expect(stale.length + before.filter((e) => afterIds.has(e.id)).length).toBe(before.length);
        expect(staleEntries(after, after)).toEqual([]);
      }),
    );
  });
});

describe('staging', () => {
  it('puts definitions first, classes next, and keeps input order within a stage', () => {
    const o = (kind: string, name: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name } });
    const out = stages([o('Deployment', 'd'), o('IngressClass', 'ic'), o('Namespace', 'n'), o('CustomResourceDefinition', 'c'), o('Service', 's'), o('ClusterRole', 'cr')]);
    expect(out.map((s) => [s.stage, s.objects.map((x) => x.metadata.name)])).toEqual([
      ['definitions', ['n', 'c', 'cr']],
      ['classes', ['ic']],
      ['resources', ['d', 's']],
    ]);
    expect(stageOf(o('StorageClass', 'sc'))).toBe('classes');
  });
});

describe('post-build substitution', () => {
  it.each([
    ['${a}', 'A'],
    ['${missing}', ''],
    ['${missing:=dflt}', 'dflt'],
    ['${empty:=dflt}', 'dflt'],
    ['${empty=dflt}', ''],
    ['${missing-x}', 'x'],
    ['$${a}', '${a}'],
    ['pre-${a}-post', 'pre-A-post'],
    ['$a stays', '$a stays'],
  ])('%s → %s', (text, expected) => {
    expect(substituteText(text, { a: 'A', empty: '' })).toBe(expected);
  });
});
