/**
 * kstatus, as Flux's fork of cli-utils computes it: Current, InProgress, Failed or Terminating,
 * with a reason, from an object's generation, conditions and kind-specific status fields.
 */
import type { KubeObject } from '../api/meta.js';
import { splitApiVersion } from '../api/meta.js';

export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound';

export interface Health {
  status: HealthStatus;
  reason: string;
  message: string;
}

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
const conds = (obj: KubeObject): Json[] => (Array.isArray(rec(obj.status).conditions) ? (rec(obj.status).conditions as Json[]) : []);
const cond = (obj: KubeObject, type: string): Json | undefined => conds(obj).find((c) => c.type === type);
const current = (message = 'Resource is current'): Health => ({ status: 'Current', reason: 'Current', message });
const progress = (reason: string, message: string): Health => ({ status: 'InProgress', reason, message });
const failed = (reason: string, message: string): Health => ({ status: 'Failed', reason, message });

export function computeHealth(obj: KubeObject | undefined, now = Date.now()): Health {
  if (!obj) return { status: 'NotFound', reason: 'NotFound', message: 'Resource not found' };
  if (obj.metadata.deletionTimestamp) return { status: 'Terminating', reason: 'Terminating', message: 'Resource scheduled for deletion' };
  const status = rec(obj.status);
  const gen = obj.metadata.generation;
  const observed = status.observedGeneration;
  if (typeof gen === 'number' && typeof observed === 'number' && gen !== observed) return progress('LatestGenerationNotObserved', `Resource generation ${gen} is not yet observed (${observed})`);
  if (cond(obj, 'Reconciling')?.status === 'True') return progress(String(cond(obj, 'Reconciling')?.reason ?? 'Reconciling'), String(cond(obj, 'Reconciling')?.message ?? ''));
  if (cond(obj, 'Stalled')?.status === 'True') return failed(String(cond(obj, 'Stalled')?.reason ?? 'Stalled'), String(cond(obj, 'Stalled')?.message ?? ''));
  const group = splitApiVersion(obj.apiVersion).group;
  const spec = rec(obj.spec);
  switch (`${group}/${obj.kind}`) {
    case 'apps/Deployment': {
      const p = cond(obj, 'Progressing');
      if (p?.reason === 'ProgressDeadlineExceeded') return failed('ProgressDeadlineExceeded', `Progress deadline exceeded`);
      const want = num(spec.replicas, 1);
      const progressing = spec.progressDeadlineSeconds === undefined || (p?.status === 'True' && p.reason === 'NewReplicaSetAvailable') || p?.status === 'True';
      const available = cond(obj, 'Available')?.status === 'True';
      if (want > num(status.replicas)) return progress('LessReplicas', `Replicas: ${num(status.replicas)}/${want}`);
      if (want > num(status.updatedReplicas)) return progress('LessUpdated', `Updated: ${num(status.updatedReplicas)}/${want}`);
      if (num(status.replicas) > want) return progress('ExtraPods', `Pending termination: ${num(status.replicas) - want}`);
      if (num(status.updatedReplicas) > num(status.availableReplicas)) return progress('LessAvailable', `Available: ${num(status.availableReplicas)}/${num(status.updatedReplicas)}`);
      if (want > num(status.readyReplicas)) return progress('LessReady', `Ready: ${num(status.readyReplicas)}/${want}`);
      if (!progressing) return progress('ReplicaSetNotAvailable', 'Rollout not complete');
      if (!available) return progress('DeploymentNotAvailable', 'Deployment not Available');
      return current(`Deployment is available. Replicas: ${num(status.replicas)}`);
    }
    case 'apps/StatefulSet': {
      if (rec(spec.updateStrategy).type === 'OnDelete') return current('StatefulSet is using the OnDelete strategy');
      const want = num(spec.replicas, 1);
      if (want > num(status.replicas)) return progress('LessReplicas', `Replicas: ${num(status.replicas)}/${want}`);
      if (want > num(status.readyReplicas)) return progress('LessReady', `Ready: ${num(status.readyReplicas)}/${want}`);
      if (num(status.replicas) > want) return progress('ExtraPods', `Pending termination: ${num(status.replicas) - want}`);
      const partition = rec(rec(spec.updateStrategy).rollingUpdate).partition;
      if (typeof partition === 'number') {
        if (num(status.updatedReplicas) < want - partition) return progress('PartitionRollout', 'Partition rollout in progress');
        return current('Partition rollout complete');
      }
      if (want > num(status.currentReplicas)) return progress('LessCurrent', `Current: ${num(status.currentReplicas)}/${want}`);
      if (status.currentRevision !== status.updateRevision) return progress('RevisionMismatch', 'Waiting for updated revision to match current');
      return current(`All replicas scheduled as expected. Replicas: ${num(status.replicas)}`);
    }
    case 'apps/DaemonSet': {
      if (gen === undefined) return progress('NoGeneration', 'Missing metadata.generation');
      if (observed === undefined) return progress('NoObservedGeneration', 'Missing status.observedGeneration');
      if (status.desiredNumberScheduled === undefined) return progress('NoDesiredNumber', 'Missing .status.desiredNumberScheduled');
      const desired = num(status.desiredNumberScheduled);
      if (desired > num(status.currentNumberScheduled)) return progress('LessCurrent', 'Fewer scheduled than desired');
      if (desired > num(status.updatedNumberScheduled)) return progress('LessUpdated', 'Fewer updated than desired');
      if (desired > num(status.numberAvailable)) return progress('LessAvailable', 'Fewer available than desired');
      if (desired > num(status.numberReady)) return progress('LessReady', 'Fewer ready than desired');
      return current(`All replicas scheduled as expected. Replicas: ${desired}`);
    }
    case 'apps/ReplicaSet': {
      if (cond(obj, 'ReplicaFailure')?.status === 'True') return progress('ReplicaFailure', 'Replica Failure condition. Check Pods');
      const want = num(spec.replicas, 1);
      if (want > num(status.fullyLabeledReplicas)) return progress('LessLabelled', 'Labelled fewer than desired');
      if (want > num(status.availableReplicas)) return progress('LessAvailable', 'Available fewer than desired');
      if (want > num(status.readyReplicas)) return progress('LessReady', 'Ready fewer than desired');
      if (num(status.replicas) > want) return progress('ExtraPods', 'Pending termination');
      return current(`ReplicaSet is available. Replicas: ${num(status.replicas)}`);
    }
    case '/Pod': {
      const phase = status.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return current(`Pod has completed (${String(phase)})`);
      if (phase === 'Running') {
        if (cond(obj, 'Ready')?.status === 'True') return current('Pod is Ready');
        const waiting = (Array.isArray(status.containerStatuses) ? (status.containerStatuses as Json[]) : []).some((c) => rec(rec(c.state).waiting).reason === 'CrashLoopBackOff');
        if (waiting) return failed('ContainerCrashLooping', 'Containers are crash looping');
        return progress('PodRunningNotReady', 'Pod is running but is not Ready');
      }
      if (phase === 'Pending') {
        const s = cond(obj, 'PodScheduled');
        if (s?.status === 'False' && s.reason === 'Unschedulable') {
          const created = Date.parse(obj.metadata.creationTimestamp ?? '');
          if (Number.isFinite(created) && now - created > 15_000) return failed('PodUnschedulable', 'Pod could not be scheduled');
          return progress('PodUnschedulable', 'Pod could not be scheduled');
        }
        return progress('PodPending', 'Pod is in the Pending phase');
      }
      return progress('PodNotObserved', 'Pod phase not available');
    }
    case 'batch/Job': {
      if (cond(obj, 'Complete')?.status === 'True') return current('Job Completed');
      if (cond(obj, 'Failed')?.status === 'True') return failed('JobFailed', 'Job Failed');
      if (status.startTime === undefined) return progress('JobNotStarted', 'Job not started');
      return current('Job in progress');
    }
    case '/PersistentVolumeClaim':
      return status.phase === 'Bound' ? current('PVC is Bound') : progress('NotBound', 'PVC is not Bound');
    case '/Service':
      if (spec.type === 'LoadBalancer' && !spec.clusterIP) return progress('NoIPAssigned', 'Service does not have an IP address');
      return current('Service is ready');
    case 'apiextensions.k8s.io/CustomResourceDefinition': {
      if (cond(obj, 'NamesAccepted')?.status === 'False') return failed('NamesNotAccepted', 'CRD names have not been accepted');
      const e = cond(obj, 'Established');
      if (e?.status === 'True') return current('CRD is established');
      if (e?.status === 'False' && e.reason !== 'Installing') return failed('NotEstablished', 'CRD is not established');
      return progress('Installing', 'Install in progress');
    }
  }
  // Flux's fork: a Ready condition decides for any other kind that has one.
  const ready = cond(obj, 'Ready');
  if (ready?.status === 'True') return current(String(ready.message ?? 'Resource is Ready'));
  if (ready) return progress(String(ready.reason ?? 'NotReady'), String(ready.message ?? 'Resource is not Ready'));
  return current();
}
