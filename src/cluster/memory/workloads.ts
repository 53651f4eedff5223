/**
 * Built-in controllers of the simulator, so health checks mean something: workloads roll out
 * after `rolloutDelayMs` of clock time, Jobs complete, PVCs bind, Services get a clusterIP, CRDs
 * become Established. The failure rule: a pod template with a container image whose name
 * contains `fail` never becomes ready (see docs/simulator.md).
 */
import type { KubeObject } from '../../api/meta.js';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

export const WORKLOAD_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', '/Pod']);

/** A Pod that runs to completion (restartPolicy Never or OnFailure), as test hooks do. */
const runsToCompletion = (obj: KubeObject): boolean => obj.kind === 'Pod' && ['Never', 'OnFailure'].includes(String(rec(obj.spec).restartPolicy ?? 'Always'));

/** True when any container of the pod template (or of the Pod) uses an image whose name contains `fail`. */
export function templateFails(obj: KubeObject): boolean {
  const spec = obj.kind === 'Pod' ? rec(obj.spec) : rec(rec(rec(obj.spec).template).spec);
  const containers = [...((spec.containers as unknown[]) ?? []), ...((spec.initContainers as unknown[]) ?? [])];
  return containers.some((c) => String(rec(c).image ?? '').includes('fail'));
}

function replicasOf(obj: KubeObject): number {
  const r = rec(obj.spec).replicas;
  return typeof r === 'number' ? r : 1;
}

function cond(type: string, status: string, reason: string, message: string, now: string): Json {
  return { type, status, reason, message, lastTransitionTime: now, lastUpdateTime: now };
}

/** Status right after a spec change: the controller has seen it, nothing is ready yet. */
export function progressingStatus(obj: KubeObject, now: string): Json | undefined {
  const gen = obj.metadata.generation ?? 1;
  const replicas = replicasOf(obj);
  const old = rec(obj.status);
  switch (obj.kind) {
    case 'Deployment':
      return {
        observedGeneration: gen,
        replicas,
        updatedReplicas: 0,
        readyReplicas: Math.min(Number(old.readyReplicas ?? 0), replicas),
        availableReplicas: Math.min(Number(old.availableReplicas ?? 0), replicas),
        unavailableReplicas: replicas,
        conditions: [
          cond('Available', old.availableReplicas ? 'True' : 'False', old.availableReplicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now),
          cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${obj.metadata.name}" is progressing.`, now),
        ],
      };
    case 'StatefulSet':
      return { observedGeneration: gen, replicas, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, currentRevision: `${obj.metadata.name}-${gen - 1}`, updateRevision: `${obj.metadata.name}-${gen}` };
    case 'DaemonSet':
      return { observedGeneration: gen, desiredNumberScheduled: 1, currentNumberScheduled: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberReady: 0, numberMisscheduled: 0 };
    case 'ReplicaSet':
      return { observedGeneration: gen, replicas, fullyLabeledReplicas: replicas, readyReplicas: 0, availableReplicas: 0 };
    case 'Job':
      return { startTime: now, active: 1 };
    case 'Pod':
      return { phase: 'Pending', startTime: now, conditions: [cond('PodScheduled', 'True', '', '', now)] };
    default:
      return undefined;
  }
}

/** Status once the rollout is done. */
export function readyStatus(obj: KubeObject, now: string): Json | undefined {
  const gen = obj.metadata.generation ?? 1;
  const replicas = replicasOf(obj);
  switch (obj.kind) {
    case 'Deployment':
      return {
        observedGeneration: gen,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now),
          cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${obj.metadata.name}" has successfully progressed.`, now),
        ],
      };
    case 'StatefulSet':
      return { observedGeneration: gen, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas, currentRevision: `${obj.metadata.name}-${gen}`, updateRevision: `${obj.metadata.name}-${gen}` };
    case 'DaemonSet':
      return { observedGeneration: gen, desiredNumberScheduled: 1, currentNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberReady: 1, numberMisscheduled: 0 };
    case 'ReplicaSet':
      return { observedGeneration: gen, replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
    case 'Job':
      return {
        startTime: rec(obj.status).startTime ?? now,
        completionTime: now,
        succeeded: Number(rec(obj.spec).completions ?? 1),
        conditions: [cond('Complete', 'True', 'Completed', 'Job completed', now)],
      };
    case 'Pod':
      return runsToCompletion(obj)
        ? { phase: 'Succeeded', startTime: rec(obj.status).startTime ?? now, conditions: [cond('PodScheduled', 'True', '', '', now), cond('Ready', 'False', 'PodCompleted', '', now)] }
        : { phase: 'Running', startTime: rec(obj.status).startTime ?? now, conditions: [cond('PodScheduled', 'True', '', '', now), cond('Ready', 'True', '', '', now)] };
    default:
      return undefined;
  }
}

/** Status of a workload that cannot become ready (the `fail` image rule), after its deadline. */
export function failedStatus(obj: KubeObject, now: string): Json | undefined {
  const gen = obj.metadata.generation ?? 1;
  const replicas = replicasOf(obj);
  switch (obj.kind) {
    case 'Deployment':
      return {
        observedGeneration: gen,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: 0,
        availableReplicas: 0,
        unavailableReplicas: replicas,
        conditions: [
          cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now),
          cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${obj.metadata.name}" has timed out progressing.`, now),
        ],
      };
    case 'Job':
      return {
        startTime: rec(obj.status).startTime ?? now,
        failed: 1,
        conditions: [cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now)],
      };
    case 'Pod':
      return runsToCompletion(obj)
        ? { phase: 'Failed', startTime: rec(obj.status).startTime ?? now, conditions: [cond('PodScheduled', 'True', '', '', now), cond('Ready', 'False', 'PodFailed', '', now)] }
        : { phase: 'Running', startTime: rec(obj.status).startTime ?? now, conditions: [cond('PodScheduled', 'True', '', '', now), cond('Ready', 'False', 'ContainersNotReady', 'containers with unready status', now)] };
    default:
      return undefined;
  }
}

/** How long a failing workload takes to be declared failed (Deployment `progressDeadlineSeconds`, default 600). */
export function failureDeadlineMs(obj: KubeObject): number {
  if (obj.kind === 'Deployment') {
    const s = rec(obj.spec).progressDeadlineSeconds;
    return (typeof s === 'number' ? s : 600) * 1000;
  }
  return 0;
}

/** Deterministic cluster IPs from 10.96.0.0/12, skipping .0 and .1 (the API server's). */
export function clusterIpFor(n: number): string {
  const i = n + 10;
  return `10.96.${Math.floor(i / 250) % 256}.${(i % 250) + 2}`;
}
