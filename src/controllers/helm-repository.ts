/**
 * The HelmRepository controller: the HelmRepository machine with source-controller's effects —
 * fetch the index, store it when its digest moved — plus its status fields (artifact, url) and
 * conditions (ArtifactInStorage, FetchFailed). A repository of `type: oci` has no index: charts
 * are pulled from the registry by the HelmCharts that use it.
 */
import type { Artifact } from '../api/kinds/common.js';
import type { HelmRepository } from '../api/kinds/helm-repository.js';
import type { KubeObject } from '../api/meta.js';
import { SourceReasons } from '../api/reasons.js';
import { helmRepositoryMachine } from '../../machines/index.js';
import type { LifecycleContext } from '../../machines/lifecycle.js';
import type { ArtifactStorage } from '../sources/artifact/storage.js';
import type { HttpCredentials } from '../sources/helm/http.js';
import type { FetchedIndex } from '../sources/helm-repository.js';
import { fetchHelmIndex, storeHelmIndex } from '../sources/helm-repository.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { sourceConditions } from './source-conditions.js';
import { secretData } from './secrets.js';

const FETCH_REASONS = new Set<string>([SourceReasons.IndexationFailed, SourceReasons.AuthenticationFailed, SourceReasons.URLInvalid]);

/** Basic auth from `secretRef`; CA, client certificate and key from `certSecretRef` (or, deprecated, `secretRef`). */
export async function helmCredentials(repo: HelmRepository, ctx: EffectContext): Promise<HttpCredentials | undefined> {
  const ns = repo.metadata.namespace ?? 'default';
  const creds: HttpCredentials = {};
  if (repo.spec.secretRef) {
    const data = await secretData(ctx.cluster, ns, repo.spec.secretRef.name, SourceReasons.AuthenticationFailed);
    if (data.username !== undefined) creds.username = data.username;
    if (data.password !== undefined) creds.password = data.password;
    if (data.caFile !== undefined) creds.ca = data.caFile;
    if (data.certFile !== undefined) creds.cert = data.certFile;
    if (data.keyFile !== undefined) creds.key = data.keyFile;
  }
  if (repo.spec.certSecretRef) {
    const data = await secretData(ctx.cluster, ns, repo.spec.certSecretRef.name, SourceReasons.AuthenticationFailed);
    if (data['ca.crt'] !== undefined) creds.ca = data['ca.crt'];
    if (data['tls.crt'] !== undefined) creds.cert = data['tls.crt'];
    if (data['tls.key'] !== undefined) creds.key = data['tls.key'];
  }
  if (repo.spec.passCredentials) creds.passCredentials = true;
  if (repo.spec.insecure) creds.insecureSkipVerify = true;
  return Object.keys(creds).length ? creds : undefined;
}

export function helmRepositoryController(source: { storage: ArtifactStorage; overrides?: Record<string, string> }, deps: ControllerDeps): Registration {
  return createController(
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      machine: helmRepositoryMachine,
      reportingController: 'source-controller',
      isSource: true,
      steps: {
        fetchIndex: async ({ object }, ctx) => {
          const repo = object as HelmRepository;
          if (repo.spec.type === 'oci') return { unchanged: true, message: `Helm repository of type 'oci' needs no index: charts are pulled from ${repo.spec.url}` };
          const fetched = await fetchHelmIndex(repo, await helmCredentials(repo, ctx), source.overrides);
          const stored = repo.status?.artifact;
          if (stored?.revision === fetched.revision && (await source.storage.exists(stored))) {
            return { revision: fetched.revision, unchanged: true, message: `stored artifact: revision '${fetched.revision}'`, data: { artifact: stored } };
          }
          return { revision: fetched.revision, data: { fetched } };
        },
        storeArtifact: async ({ object, data }) => {
          const fetched = data.fetched as FetchedIndex;
          const artifact = await storeHelmIndex(object as HelmRepository, fetched, source.storage);
          const charts = fetched.index.entries.size;
          return { revision: artifact.revision, message: `stored fetched index of size ${fetched.bytes.length} bytes (${charts} chart${charts === 1 ? '' : 's'}) from '${artifact.revision}'`, data: { artifact } };
        },
      },
      finalize: async (object: KubeObject) => {
        await source.storage.remove('HelmRepository', object.metadata.namespace ?? 'default', object.metadata.name);
      },
      statusFrom: (data) => {
        const artifact = data.artifact as Artifact | undefined;
        return artifact ? { artifact, url: artifact.url } : undefined;
      },
      decorate: (status, context: LifecycleContext, now) => {
        status.conditions = sourceConditions(status, context, now, { fetchReasons: FETCH_REASONS, stored: (revision) => `stored artifact: revision '${revision}'` });
      },
    },
    deps,
  );
}
