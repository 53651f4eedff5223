/**
 * A Helm 3 release, shaped like Helm's `release.Release` so that what fluxion stores is what the
 * `helm` CLI reads (`helm list`, `helm history`, `helm get manifest`) and the other way round.
 */
import type { GoMap } from '../template/values.js';
import type { ChartDependency, ChartMetadata } from '../chart/types.js';

/** Helm's release statuses (`helm list --all` shows them). */
export type ReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** A pending status left behind by a crashed run: the release is locked until it is unlocked. */
export const PENDING_STATUSES: readonly ReleaseStatus[] = ['pending-install', 'pending-upgrade', 'pending-rollback'];

export type HookEvent = 'pre-install' | 'post-install' | 'pre-delete' | 'post-delete' | 'pre-upgrade' | 'post-upgrade' | 'pre-rollback' | 'post-rollback' | 'test';
export type HookDeletePolicy = 'hook-succeeded' | 'hook-failed' | 'before-hook-creation';
export type HookPhase = 'Unknown' | 'Running' | 'Succeeded' | 'Failed';

export interface HookExecution {
  /** Epoch milliseconds; undefined when never started. */
  startedAt?: number;
  completedAt?: number;
  phase: HookPhase | '';
}

export interface ReleaseHook {
  name: string;
  kind: string;
  /** Chart-relative path of the template, e.g. `podinfo/templates/tests/jwt.yaml`. */
  path: string;
  manifest: string;
  events: HookEvent[];
  lastRun: HookExecution;
  weight: number;
  deletePolicies: HookDeletePolicy[];
}

export interface ReleaseInfo {
  /** Epoch milliseconds. */
  firstDeployed?: number;
  lastDeployed?: number;
  deleted?: number;
  description: string;
  status: ReleaseStatus;
  notes?: string;
}

/** The chart as a release records it: the root chart only (Helm does not store subcharts). */
export interface ReleaseChart {
  metadata: ChartMetadata;
  lock?: { generated?: number; digest: string; dependencies: ChartDependency[] };
  templates: { name: string; data: Uint8Array }[];
  values: GoMap;
  schema?: Uint8Array;
  files: { name: string; data: Uint8Array }[];
}

export interface Release {
  name: string;
  namespace: string;
  /** The revision, from 1. */
  version: number;
  info: ReleaseInfo;
  chart: ReleaseChart;
  /** The user-supplied values (Helm's `config`). */
  config: GoMap;
  /** The rendered non-hook manifests, as one YAML stream with `# Source:` headers. */
  manifest: string;
  hooks: ReleaseHook[];
  /** Custom labels of the storage object (never the system labels). */
  labels?: Record<string, string>;
}
