/**
 * The Flux kinds as the `flux` CLI names them on the command line (`source git`, `kustomization`,
 * `hr`…), with what `get`, `reconcile`, `resume` and `export` print for each.
 */
import type { KubeObject } from '../../api/meta.js';
import type { Condition } from '../../api/conditions.js';
import { goRFC3339Local, truncateHex } from './time.js';

export interface CliKind {
  kind: string;
  apiVersion: string;
  /** `source git`, `kustomization`: how flux names the kind in messages. */
  humanKind: string;
  /** The `get` REVISION column. */
  revision(obj: KubeObject): string;
  /** What `reconcile`/`resume` print once the object is Ready. */
  successMessage(obj: KubeObject): string;
  /** Plain `reconcile` quotes the failure message; `reconcile` with a source does not. */
  withSource: boolean;
  /** The `get` READY and MESSAGE columns (flux shortens hex digests in messages, except a HelmRelease's). */
  readyColumns(obj: KubeObject): [string, string];
  /** The `get` table's REVISION and SUSPENDED columns (both, unless said otherwise). */
  columns?: { revision: boolean; suspended: boolean };
  /**
   * A kind no controller reconciles (flux's `isStatic`: Alert, Provider): `get` always shows
   * it Ready, `--status-selector` matches only `ready=true`, and `resume` waits only for kstatus.
   */
  isStatic?: boolean;
  /**
   * The `get` columns between NAME and READY, in place of REVISION and SUSPENDED (flux's image
   * tables: `LAST SCAN SUSPENDED`, `IMAGE TAG`).
   */
  table?: { headers: readonly string[]; cells(obj: KubeObject): string[] };
}

type Json = Record<string, unknown>;
const status = (o: KubeObject): Json => (o.status && typeof o.status === 'object' ? (o.status as Json) : {});
const spec = (o: KubeObject): Json => (o.spec && typeof o.spec === 'object' ? (o.spec as Json) : {});
const artifactRevision = (o: KubeObject): string => String(((status(o).artifact ?? {}) as Json).revision ?? '');

/** `status.history[0].chartVersion`, else `lastAttemptedRevision` (flux's getHelmReleaseRevision). */
export function helmReleaseRevision(o: KubeObject): string {
  const history = status(o).history;
  if (Array.isArray(history) && history.length > 0) return String((history[0] as Json).chartVersion ?? '');
  return String(status(o).lastAttemptedRevision ?? '');
}

export const GIT: CliKind = {
  kind: 'GitRepository',
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  humanKind: 'source git',
  revision: (o) => truncateHex(artifactRevision(o)),
  successMessage: (o) => `fetched revision ${artifactRevision(o)}`,
  withSource: false,
  readyColumns: (o) => truncatedStatus(o),
};
export const OCI: CliKind = {
  kind: 'OCIRepository',
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  humanKind: 'source oci',
  revision: (o) => truncateHex(artifactRevision(o)),
  successMessage: (o) => `fetched revision ${artifactRevision(o)}`,
  withSource: false,
  readyColumns: (o) => truncatedStatus(o),
};
/** `fluxion get/suspend/resume/reconcile source bucket`: S3-compatible Buckets, served by fluxion (see docs/bucket.md). */
export const BUCKET: CliKind = {
  kind: 'Bucket',
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  humanKind: 'source bucket',
  revision: (o) => truncateHex(artifactRevision(o)),
  successMessage: (o) => `fetched revision ${artifactRevision(o)}`,
  withSource: false,
  readyColumns: (o) => truncatedStatus(o),
};
export const HELM_REPO: CliKind = {
  kind: 'HelmRepository',
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  humanKind: 'source helm',
  revision: (o) => truncateHex(artifactRevision(o)),
  successMessage: (o) => (spec(o).type === 'oci' ? (readyCondition(o)?.message ?? '') : `fetched revision ${artifactRevision(o)}`),
  withSource: false,
  // An OCI HelmRepository holds no artifact and is always Ready.
  readyColumns: (o) => (spec(o).type === 'oci' ? ['True', 'Helm repository is Ready'] : truncatedStatus(o)),
};
export const HELM_CHART: CliKind = {
  kind: 'HelmChart',
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  humanKind: 'source chart',
  // A chart revision is a SemVer: never shortened.
  revision: artifactRevision,
  successMessage: (o) => `fetched revision ${artifactRevision(o)}`,
  withSource: true,
  readyColumns: (o) => truncatedStatus(o),
};
export const KUSTOMIZATION: CliKind = {
  kind: 'Kustomization',
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  humanKind: 'kustomization',
  revision: (o) => truncateHex(String(status(o).lastAppliedRevision ?? '')),
  successMessage: (o) => `applied revision ${String(status(o).lastAppliedRevision ?? '')}`,
  withSource: true,
  readyColumns: (o) => truncatedStatus(o),
};
export const HELM_RELEASE: CliKind = {
  kind: 'HelmRelease',
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  humanKind: 'helmrelease',
  revision: helmReleaseRevision,
  successMessage: (o) => `applied revision ${helmReleaseRevision(o)}`,
  withSource: true,
  readyColumns: (o) => statusAndMessage(o),
};

const NOTIFICATION_API = 'notification.toolkit.fluxcd.io/v1beta3';

/** `fluxion get/export/suspend/resume/delete alert`: a static object, always shown Ready. */
export const ALERT: CliKind = {
  kind: 'Alert',
  apiVersion: NOTIFICATION_API,
  humanKind: 'alert',
  revision: () => '',
  successMessage: () => 'Alert reconciliation completed',
  withSource: false,
  readyColumns: () => ['True', 'Alert is Ready'],
  columns: { revision: false, suspended: true },
  isStatic: true,
};
/** `fluxion … alert-provider`: a static object; flux's table has no SUSPENDED column for it. */
export const ALERT_PROVIDER: CliKind = {
  kind: 'Provider',
  apiVersion: NOTIFICATION_API,
  humanKind: 'alert provider',
  revision: () => '',
  successMessage: () => 'Provider reconciliation completed',
  withSource: false,
  readyColumns: () => ['True', 'Provider is Ready'],
  columns: { revision: false, suspended: false },
  isStatic: true,
};
/** `fluxion … receiver`: reconciled by the notification controller (its Ready condition, untruncated). */
export const RECEIVER: CliKind = {
  kind: 'Receiver',
  apiVersion: 'notification.toolkit.fluxcd.io/v1',
  humanKind: 'receiver',
  revision: () => '',
  successMessage: () => 'Receiver reconciliation completed',
  withSource: false,
  readyColumns: (o) => statusAndMessage(o),
  columns: { revision: false, suspended: true },
};

const IMAGE_API = 'image.toolkit.fluxcd.io/v1';

/** `status.latestRef` of an ImagePolicy (fluxion writes `name`; Flux's JSON field is `image`). */
function latestRef(o: KubeObject): { image: string; tag: string; digest: string } {
  const r = (status(o).latestRef ?? {}) as Json;
  return { image: String(r.name ?? r.image ?? ''), tag: String(r.tag ?? ''), digest: String(r.digest ?? '') };
}

/** `fluxion … image repository`: LAST SCAN is `lastScanResult.scanTime` in RFC 3339, local time. */
export const IMAGE_REPOSITORY: CliKind = {
  kind: 'ImageRepository',
  apiVersion: IMAGE_API,
  humanKind: 'image repository',
  revision: () => '',
  successMessage: (o) => `scan fetched ${Number(((status(o).lastScanResult ?? {}) as Json).tagCount ?? 0)} tags`,
  withSource: false,
  readyColumns: (o) => statusAndMessage(o),
  table: {
    headers: ['Last scan', 'Suspended'],
    cells: (o) => {
      const scan = status(o).lastScanResult as Json | undefined;
      return [scan ? goRFC3339Local(scan.scanTime as string | undefined) : '', titleBool(isSuspendedObject(o))];
    },
  },
};
/** `fluxion … image policy`: IMAGE and TAG are `status.latestRef`'s; flux shows no SUSPENDED column. */
export const IMAGE_POLICY: CliKind = {
  kind: 'ImagePolicy',
  apiVersion: IMAGE_API,
  humanKind: 'image policy',
  revision: () => '',
  successMessage: (o) => {
    const r = latestRef(o);
    return `selected ref ${r.image}:${r.tag}${r.digest ? `@${r.digest}` : ''}`;
  },
  withSource: false,
  readyColumns: (o) => statusAndMessage(o),
  table: {
    headers: ['Image', 'Tag'],
    cells: (o) => {
      const r = latestRef(o);
      return [r.image, r.tag];
    },
  },
};

/** In `flux get images all` order (ImageUpdateAutomation is not served). */
export const IMAGE_KINDS: readonly CliKind[] = [IMAGE_REPOSITORY, IMAGE_POLICY];

/** In `flux get all` order, after the Kustomizations. */
export const NOTIFICATION_KINDS: readonly CliKind[] = [RECEIVER, ALERT_PROVIDER, ALERT];

/** In `flux get sources all` order. */
export const SOURCE_KINDS: readonly CliKind[] = [GIT, OCI, HELM_REPO, HELM_CHART, BUCKET];
export const ALL_KINDS: readonly CliKind[] = [GIT, OCI, HELM_REPO, HELM_CHART, BUCKET, KUSTOMIZATION, HELM_RELEASE];

const SOURCE_WORDS: Record<string, CliKind> = { git: GIT, oci: OCI, helm: HELM_REPO, chart: HELM_CHART, bucket: BUCKET };
const IMAGE_WORDS: Record<string, CliKind> = { repository: IMAGE_REPOSITORY, policy: IMAGE_POLICY };
const WORDS: Record<string, CliKind> = {
  kustomization: KUSTOMIZATION,
  kustomizations: KUSTOMIZATION,
  ks: KUSTOMIZATION,
  helmrelease: HELM_RELEASE,
  helmreleases: HELM_RELEASE,
  hr: HELM_RELEASE,
  alert: ALERT,
  alerts: ALERT,
  'alert-provider': ALERT_PROVIDER,
  'alert-providers': ALERT_PROVIDER,
  receiver: RECEIVER,
  receivers: RECEIVER,
};

export class KindError extends Error {}

/**
 * Reads a kind from the start of the positional arguments: `source git`, `sources helm`,
 * `kustomization`, `ks`, `hr`… Returns the kind and the arguments after it.
 */
export function parseKindArgs(args: readonly string[], command: string): { kind: CliKind; rest: string[] } {
  const [first, second, ...more] = args;
  if (!first) throw new KindError(`a kind is required: fluxion ${command} source git|source oci|source helm|source chart|source bucket|kustomization|helmrelease|alert|alert-provider|receiver|image repository|image policy`);
  if (first === 'source' || first === 'sources') {
    const kind = second ? SOURCE_WORDS[second] : undefined;
    if (!kind) throw new KindError(second ? `unknown source kind "${second}" for "fluxion ${command} ${first}": one of git, oci, helm, chart, bucket` : `a source kind is required: fluxion ${command} ${first} git|oci|helm|chart|bucket`);
    return { kind, rest: more };
  }
  if (first === 'image' || first === 'images') {
    const kind = second ? IMAGE_WORDS[second] : undefined;
    if (!kind) throw new KindError(second ? `unknown image kind "${second}" for "fluxion ${command} ${first}": one of repository, policy` : `an image kind is required: fluxion ${command} ${first} repository|policy`);
    return { kind, rest: more };
  }
  const kind = WORDS[first];
  if (!kind) throw new KindError(`unknown kind "${first}" for "fluxion ${command}": one of source git, source oci, source helm, source chart, source bucket, kustomization, helmrelease, alert, alert-provider, receiver, image repository, image policy`);
  return { kind, rest: second === undefined ? [] : [second, ...more] };
}

/** A Flux kind by its Kind name, case-insensitive (`Kustomization`, `gitrepository`). */
export function kindByName(name: string): CliKind | undefined {
  return ALL_KINDS.find((k) => k.kind.toLowerCase() === name.toLowerCase());
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const c = status(obj).conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function readyCondition(obj: KubeObject): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === 'Ready');
}

/** flux's `statusAndMessage`: Ready's status and message, or `False`/`waiting to be reconciled`. */
export function statusAndMessage(obj: KubeObject): [string, string] {
  const c = readyCondition(obj);
  return c ? [c.status, c.message] : ['False', 'waiting to be reconciled'];
}

export function isSuspendedObject(obj: KubeObject): boolean {
  return spec(obj).suspend === true;
}

function truncatedStatus(obj: KubeObject): [string, string] {
  const [s, m] = statusAndMessage(obj);
  return [s, truncateHex(m)];
}

/** Go's `strconv.FormatBool` title-cased: `True`/`False`. */
export const titleBool = (b: boolean): string => (b ? 'True' : 'False');

export function specOf(obj: KubeObject): Json {
  return spec(obj);
}

export function statusOf(obj: KubeObject): Json {
  return status(obj);
}

/** The API server's NotFound message, as flux relays it: `kustomizations.kustomize.toolkit.fluxcd.io "x" not found`. */
export function notFound(kind: CliKind, name: string): string {
  const singular = kind.kind.toLowerCase();
  // The CRDs' plurals: `gitrepositories`, `imagepolicies`, `kustomizations`.
  const plural = singular.endsWith('y') ? `${singular.slice(0, -1)}ies` : `${singular}s`;
  return `${plural}.${kind.apiVersion.split('/')[0]} "${name}" not found`;
}
