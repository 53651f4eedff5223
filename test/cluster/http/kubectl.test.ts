import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/api/meta.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const deployment = (name: string, image: string, replicas = 1): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
`;

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await h.kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const configMap = (name: string, ns: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data,
});

describe('kubectl against a served MemoryCluster', () => {
  it('reports the server version', async () => {
    expect(await ok(['version'])).toMatch(/Server Version: v1\.32\.0-fluxion/);
  });

  it('lists API resources with short names, groups and our CRDs', async () => {
    const out = await ok(['api-resources']);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(out).toMatch(/^kustomizations\s+ks\s+kustomize\.toolkit\.fluxcd\.io\/v1\s+true\s+Kustomization$/m);
    expect(await ok(['api-resources', '--api-group=apps', '-o', 'name'])).toContain('deployments.apps');
  });

  it('gets namespaces as a default table', async () => {
    const out = await ok(['get', 'namespaces']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(out).toMatch(/^kube-system\s+Active\s+\d+s$/m);
  });

  it('applies client-side, re-applies unchanged, then configures a change', async () => {
    expect(await ok(['apply', '-f', '-'], deployment('web', 'nginx:1'))).toBe('deployment.apps/web created\n');
    expect(await ok(['apply', '-f', '-'], deployment('web', 'nginx:1'))).toBe('deployment.apps/web unchanged\n');
    expect(await ok(['apply', '-f', '-'], deployment('web', 'nginx:2'))).toBe('deployment.apps/web configured\n');
    const live = await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' });
    expect((live?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).toBe('nginx:2');
    expect(live?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('nginx:2');
  });

  it('applies server-side with a field manager; re-applying is idempotent', async () => {
    expect(await ok(['apply', '--server-side', '-f', '-'], deployment('api', 'busybox:1', 2))).toBe('deployment.apps/api serverside-applied\n');
    const first = await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'api' });
    expect(first?.metadata.managedFields?.some((m) => m.manager === 'kubectl' && m.operation === 'Apply')).toBe(true);
    expect(await ok(['apply', '--server-side', '-f', '-'], deployment('api', 'busybox:1', 2))).toBe('deployment.apps/api serverside-applied\n');
    const second = await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'api' });
    expect(second?.metadata.generation).toBe(first?.metadata.generation);
  });

  it('prints -o yaml, -o json, -o jsonpath and -o wide', async () => {
    await ok(['apply', '-f', '-'], deployment('shop', 'nginx:1.27', 2));
    const y = parse(await ok(['get', 'deployment', 'shop', '-o', 'yaml'])) as KubeObject;
    expect(y.kind).toBe('Deployment');
    expect(y.metadata.name).toBe('shop');
    const j = JSON.parse(await ok(['get', 'deploy', '-o', 'json'])) as { kind: string; items: KubeObject[] };
    expect(j.kind).toBe('List');
    expect(j.items.map((i) => i.metadata.name)).toContain('shop');
    expect(await ok(['get', 'deploy', 'shop', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe('2 nginx:1.27');
    const wide = await ok(['get', 'deploy', 'shop', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide).toMatch(/^shop\s+\d\/2\s+\d+\s+\d+\s+\S+\s+app\s+nginx:1\.27\s+app=shop$/m);
  });

  it('filters with -A, -l and --field-selector', async () => {
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await h.cluster.create(configMap('one', 'team-a', { a: '1' }, { tier: 'front' }));
    await h.cluster.create(configMap('two', 'team-a', { a: '1', b: '2' }, { tier: 'back' }));
    await h.cluster.create(configMap('three', 'default', {}, { tier: 'front' }));
    const all = await ok(['get', 'configmaps', '-A', '-l', 'tier=front']);
    expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
    expect(all).toMatch(/^default\s+three\s+0\s+/m);
    expect(all).toMatch(/^team-a\s+one\s+1\s+/m);
    expect(all).not.toMatch(/two/);
    const byField = await ok(['get', 'cm', '-n', 'team-a', '--field-selector', 'metadata.name=two', '-o', 'name']);
    expect(byField).toBe('configmap/two\n');
    expect(await ok(['get', 'cm', '-n', 'team-a', '-l', 'tier in (front,back)', '-o', 'name'])).toBe('configmap/one\nconfigmap/two\n');
  });

  it('creates from a file and refuses a duplicate with the API server wording', async () => {
    const cm = JSON.stringify(configMap('created', 'default', { k: 'v' }));
    expect(await ok(['create', '-f', '-'], cm)).toBe('configmap/created created\n');
    const again = await h.kubectl(['create', '-f', '-'], cm);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating "STDIN": configmaps "created" already exists');
  });

  it('creates imperatively through the typed (protobuf) client', async () => {
    expect(await ok(['create', 'namespace', 'imperative'])).toBe('namespace/imperative created\n');
    expect(await ok(['create', 'configmap', 'conf', '-n', 'imperative', '--from-literal=a=1', '--from-literal=b=2'])).toBe('configmap/conf created\n');
    expect((await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'imperative', name: 'conf' }))?.data).toEqual({ a: '1', b: '2' });
  });

  /** What the server stored, minus what a server adds, to compare with kubectl's own `--dry-run=client` rendering. */
  const comparable = (obj: KubeObject): unknown => {
    const strip = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(strip);
      if (typeof v !== 'object' || v === null) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (['status', 'managedFields', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'namespace', 'clusterIP', 'clusterIPs'].includes(k)) continue;
        const y = strip(x);
        if (k === 'metadata' && typeof y === 'object' && y !== null && Object.keys(y).length === 0) continue;
        out[k] = y;
      }
      return out;
    };
    return strip(obj);
  };

  it.each([
    ['secret/pw', ['secret', 'generic', 'pw', '--from-literal=password=hunter2', '--type=kubernetes.io/basic-auth']],
    ['serviceaccount/bot', ['serviceaccount', 'bot']],
    ['deployment/hello', ['deployment', 'hello', '--image=nginx:1', '--replicas=2', '--port=8080']],
    ['service/front', ['service', 'nodeport', 'front', '--tcp=80:http']],
    ['job/once', ['job', 'once', '--image=busybox', '--', 'echo', 'hi']],
    ['cronjob/tick', ['cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *']],
    ['role/reader', ['role', 'reader', '--verb=get,list', '--resource=pods,deployments.apps']],
    ['rolebinding/read', ['rolebinding', 'read', '--role=reader', '--user=bob', '--serviceaccount=imperative:bot']],
    ['clusterrole/nodes', ['clusterrole', 'nodes', '--verb=get', '--resource=nodes']],
    ['clusterrolebinding/nodes', ['clusterrolebinding', 'nodes', '--clusterrole=nodes', '--group=devs']],
    ['ingress/web', ['ingress', 'web', '--rule=a.example.com/api*=front:80', '--class=nginx']],
    ['priorityclass/high', ['priorityclass', 'high', '--value=1000', '--description=important']],
    ['resourcequota/pods', ['quota', 'pods', '--hard=pods=10,cpu=2']],
    ['poddisruptionbudget/hello', ['pdb', 'hello', '--selector=app=hello', '--min-available=1']],
  ])('kubectl create %s stores what kubectl meant to send', async (resource, args) => {
    const dash = args.indexOf('--');
    const withFlags = (extra: string[]): string[] => (dash < 0 ? [...args, ...extra] : [...args.slice(0, dash), ...extra, ...args.slice(dash)]);
    const intended = JSON.parse(await ok(['create', '-n', 'imperative', ...withFlags(['--dry-run=client', '-o', 'json'])])) as KubeObject;
    await ok(['create', '-n', 'imperative', ...args]);
    const stored = JSON.parse(await ok(['get', '-n', 'imperative', resource, '-o', 'json'])) as KubeObject;
    expect(comparable(stored)).toEqual(comparable(intended));
  });

  it('validates fields on the server: Strict by default, Warn on request', async () => {
    const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndata: {a: "1"}\ndatta: {b: "2"}\n';
    const strict = await h.kubectl(['apply', '-f', '-'], bad);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"');
    const warn = await h.kubectl(['apply', '--validate=warn', '-f', '-'], bad);
    expect(warn.stdout).toBe('configmap/typo created\n');
    expect(warn.stderr).toContain('Warning: unknown field "datta"');
    const ks = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: typo}\nspek: {}\n';
    expect((await h.kubectl(['apply', '--server-side', '-f', '-'], ks)).stderr).toContain('strict decoding error: unknown field "spek"');
  });

  it('serves empty logs for simulated pods and refuses exec', async () => {
    await h.cluster.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } });
    const logs = await h.kubectl(['logs', 'solo']);
    expect(logs).toMatchObject({ code: 0, stdout: '' });
    const exec = await h.kubectl(['exec', 'solo', '--', 'ls']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain('the simulator runs no containers');
  });

  it('reports NotFound as kube-apiserver words it', async () => {
    const r = await h.kubectl(['get', 'deployment', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('patches with --type merge, json and strategic', async () => {
    await h.cluster.create(configMap('patched', 'default', { a: '1' }));
    expect(await ok(['patch', 'cm', 'patched', '--type', 'merge', '-p', '{"data":{"b":"2"}}'])).toBe('configmap/patched patched\n');
    await ok(['patch', 'cm', 'patched', '--type', 'json', '-p', '[{"op":"remove","path":"/data/a"}]']);
    expect((await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'patched' }))?.data).toEqual({ b: '2' });
    await ok(['apply', '-f', '-'], deployment('smp', 'nginx:1'));
    await ok(['patch', 'deployment', 'smp', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:1"}]}}}}']);
    await ok(['patch', 'deployment', 'smp', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}}}']);
    expect(await ok(['get', 'deploy', 'smp', '-o', 'jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}'])).toBe('app=nginx:2 sidecar=envoy:1 ');
  });

  it('scales through the scale subresource', async () => {
    await ok(['apply', '-f', '-'], deployment('scaled', 'nginx:1', 1));
    expect(await ok(['scale', 'deployment', 'scaled', '--replicas=4'])).toBe('deployment.apps/scaled scaled\n');
    expect(await ok(['get', 'deploy', 'scaled', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
  });

  it('annotates and labels', async () => {
    await h.cluster.create(configMap('tagged', 'default', {}));
    expect(await ok(['annotate', 'cm', 'tagged', 'note=hello'])).toBe('configmap/tagged annotated\n');
    expect(await ok(['label', 'cm', 'tagged', 'env=prod'])).toBe('configmap/tagged labeled\n');
    const live = await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'tagged' });
    expect(live?.metadata.annotations).toMatchObject({ note: 'hello' });
    expect(live?.metadata.labels).toEqual({ env: 'prod' });
    expect(await ok(['get', 'cm', '-l', 'env=prod', '-o', 'name'])).toBe('configmap/tagged\n');
  });

  it('describes a deployment with its events', async () => {
    await ok(['apply', '-f', '-'], deployment('described', 'nginx:1'));
    const d = await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'described' });
    await h.cluster.recordEvent({
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'described', uid: d?.metadata.uid as string },
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set described-abc to 1',
      reportingController: 'deployment-controller',
    });
    const out = await ok(['describe', 'deployment', 'described']);
    expect(out).toMatch(/^Name:\s+described$/m);
    expect(out).toMatch(/Image:\s+nginx:1/);
    expect(out).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set described-abc to 1/);
  });

  it('lists core/v1 events with the event columns', async () => {
    const out = await ok(['get', 'events']);
    expect(out.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(out).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/described\s+Scaled up/);
  });

  it('lists events.k8s.io/v1 Events as a view of the core Events', async () => {
    const out = await ok(['get', 'events.v1.events.k8s.io', '--field-selector', 'regarding.name=described']);
    expect(out.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(out).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/described\s+Scaled up/);
    const list = JSON.parse(await ok(['get', 'events.v1.events.k8s.io', '-o', 'json'])) as { items: KubeObject[] };
    expect(list.items.find((e) => e.reason === 'ScalingReplicaSet')).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'Scaled up replica set described-abc to 1', reportingController: 'deployment-controller', regarding: { kind: 'Deployment', name: 'described' } });
  });

  it('answers auth can-i and whoami, honouring impersonation', async () => {
    expect(await ok(['auth', 'can-i', 'delete', 'deployments', '-n', 'kube-system'])).toBe('yes\n');
    expect(await ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).toBe('fluxion');
    expect(await ok(['auth', 'whoami', '--as', 'alice', '--as-group', 'devs', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'])).toBe('alice ["devs","system:authenticated"]');
  });

  it('explains our CRDs from their schemas', async () => {
    const out = await ok(['explain', 'kustomization.spec.interval']);
    expect(out).toMatch(/KIND:\s+Kustomization/);
    expect(out).toMatch(/FIELD: interval <string>/);
  });

  it('deletes and waits for the object to go', async () => {
    await h.cluster.create(configMap('doomed', 'default', {}));
    expect(await ok(['delete', 'cm', 'doomed'])).toBe('configmap "doomed" deleted\n');
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'doomed' })).toBeUndefined();
    const again = await h.kubectl(['delete', 'cm', 'doomed']);
    expect(again.stderr.trim()).toBe('Error from server (NotFound): configmaps "doomed" not found');
  });

  it('shows Kustomizations with their CRD printer columns', async () => {
    const ks = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: default}
spec: {interval: 5m, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`;
    expect(await ok(['apply', '-f', '-'], ks)).toBe('kustomization.kustomize.toolkit.fluxcd.io/apps created\n');
    const live = await h.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'default', name: 'apps' });
    await h.cluster.updateStatus({ ...(live as KubeObject), status: { conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 }] } });
    const out = await ok(['get', 'kustomizations']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+AGE\s+READY\s+STATUS$/);
    expect(out).toMatch(/^apps\s+\d+s\s+True\s+Applied revision: main@sha1:abc$/m);
  });

  it('installs a CRD with kubectl and serves its kind with its printer columns', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`;
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n';
    // In one file, kubectl fails the custom resource as against a real server ("ensure CRDs are installed first").
    const both = await h.kubectl(['apply', '-f', '-'], `${crd}---\n${widget}`);
    expect(both.stdout).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n');
    expect(both.stderr).toContain('ensure CRDs are installed first');
    expect(await ok(['apply', '-f', '-'], widget)).toBe('widget.example.com/w1 created\n');
    const out = await ok(['get', 'wd']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+AGE$/);
    expect(out).toMatch(/^w1\s+3\s+\d+s$/m);
  });

  it('warns when a deprecated CRD version is used, as kube-apiserver does', async () => {
    const r = await h.kubectl(['get', 'gitrepositories.v1beta2.source.toolkit.fluxcd.io']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: source.toolkit.fluxcd.io/v1beta2 GitRepository is deprecated, upgrade to v1');
  });

  it('waits for a condition set through the cluster', async () => {
    await h.cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'repo', namespace: 'default' }, spec: { interval: '1m', url: 'https://example.com/repo' } });
    const wait = h.spawnKubectl(['wait', '--for=condition=Ready', 'gitrepository/repo', '--timeout=30s']);
    const live = await h.cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default', name: 'repo' });
    await h.cluster.updateStatus({ ...(live as KubeObject), status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact', lastTransitionTime: '2026-01-01T00:00:00Z' }] } });
    expect(await wait.until(/condition met/)).toBe('gitrepository.source.toolkit.fluxcd.io/repo condition met\n');
  });

  it('streams changes with get -w', async () => {
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
    await h.cluster.create(configMap('first', 'watched', { a: '1' }));
    const w = h.spawnKubectl(['get', 'cm', '-n', 'watched', '-w']);
    try {
      await w.until(/^first\s+1\s+\S+$/m);
      await h.cluster.create(configMap('second', 'watched', { a: '1', b: '2' }));
      await w.until(/^second\s+2\s+\S+$/m);
      await h.cluster.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'watched', name: 'first' }, { data: { a: '1', c: '3', d: '4' } }, 'merge');
      const out = await w.until(/^first\s+3\s+\S+$/m);
      expect(out.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
    } finally {
      w.child.kill('SIGKILL');
    }
  });

  it('applies with --dry-run=server without persisting', async () => {
    expect(await ok(['apply', '--dry-run=server', '-f', '-'], deployment('ghost', 'nginx:1'))).toBe('deployment.apps/ghost created (server dry run)\n');
    expect(await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'ghost' })).toBeUndefined();
  });
});
