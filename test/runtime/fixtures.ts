/** Shared set-up for runtime tests: a MemoryCluster with the Flux CRDs and scripted controllers. */
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createController } from '../../src/controllers/controller.js';
import type { ControllerSpec } from '../../src/controllers/controller.js';
import { checkDependencies } from '../../src/controllers/dependencies.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import type { Registration } from '../../src/runtime/supervisor.js';
import { lifecycleMachine } from '../../machines/index.js';

export const gitRepository = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name, namespace: 'flux-system' },
  spec: { url: `https://example.com/${name}`, interval: '1m', ...extra },
});

export const kustomization = (name: string, source: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: source }, ...(dependsOn.length ? { dependsOn: dependsOn.map((d) => ({ name: d })) } : {}), ...extra },
});

export interface World {
  clock: ManualClock;
  cluster: MemoryCluster;
  supervisor: Supervisor;
  /** Every reconcile run, as `Kind/name`. */
  runs: string[];
  /** Every source.revisionChanged / dependency.ready seen by a step, as `Kind/name`. */
  flush(): Promise<void>;
}

/**
 * A world where GitRepositories "fetch" the revision in their `spec.ref.commit` (or `r0`) and
 * Kustomizations check dependencies then succeed. `wrap` lets tests intercept registrations.
 */
export async function world(
  options: { wrap?: (r: Registration) => Registration; fail?: (key: string) => Error | undefined; labelSelector?: string; namespace?: string } = {},
): Promise<World> {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock, crds: fluxCrds() });
  await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  const runs: string[] = [];
  const deps = { cluster, clock, random: () => 0.5 };
  const git: ControllerSpec = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    machine: lifecycleMachine,
    reportingController: 'source-controller',
    isSource: true,
    steps: {
      reconcile: async ({ object }) => {
        runs.push(`GitRepository/${object.metadata.name}`);
        const err = options.fail?.(`GitRepository/${object.metadata.name}`);
        if (err) throw err;
        const commit = (object.spec as { ref?: { commit?: string } }).ref?.commit ?? 'r0';
        return { revision: `main@sha1:${commit}` };
      },
    },
  };
  const ks: ControllerSpec = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    machine: lifecycleMachine,
    reportingController: 'kustomize-controller',
    isSource: false,
    steps: {
      reconcile: async ({ object }, ctx) => {
        runs.push(`Kustomization/${object.metadata.name}`);
        await checkDependencies(object, ctx);
        const err = options.fail?.(`Kustomization/${object.metadata.name}`);
        if (err) throw err;
        const src = (object.spec as { sourceRef: { name: string } }).sourceRef.name;
        const repo = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: src, namespace: 'flux-system' });
        const rev = (repo?.status as { artifact?: { revision: string } } | undefined)?.artifact?.revision ?? 'none';
        return { revision: rev };
      },
    },
  };
  git.statusFrom = () => undefined;
  // Sources publish their revision as an artifact, as source-controller does.
  const gitReg = createController({ ...git, statusFrom: () => undefined }, deps);
  const withArtifact: Registration = {
    ...gitReg,
    createActor: (obj, routing) =>
      gitReg.createActor(obj, {
        ...routing,
        notifyRevision: (ref, revision, after) => {
          const stored = Promise.resolve(after)
            .then(() => cluster.get(ref))
            .then((live) => (live ? cluster.updateStatus({ ...live, status: { ...(live.status as object), artifact: { revision } } }) : undefined));
          routing.notifyRevision(ref, revision, stored);
        },
      }),
  };
  const wrap = options.wrap ?? ((r: Registration) => r);
  const supervisor = new Supervisor({ cluster, clock, random: () => 0.5, registrations: [wrap(withArtifact), wrap(createController(ks, deps))],
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  await supervisor.start();
  return { clock, cluster, supervisor, runs, flush: () => settle(10) };
}

export const readyOf = async (cluster: MemoryCluster, kind: 'GitRepository' | 'Kustomization', name: string): Promise<{ status?: string; reason?: string; message?: string } | undefined> => {
  const apiVersion = kind === 'GitRepository' ? 'source.toolkit.fluxcd.io/v1' : 'kustomize.toolkit.fluxcd.io/v1';
  const obj = await cluster.get({ apiVersion, kind, name, namespace: 'flux-system' });
  return ((obj?.status as { conditions?: { type: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready') as never;
};
