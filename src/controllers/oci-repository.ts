/**
 * The OCIRepository controller: the OCIRepository machine with source-controller's effects —
 * resolve the reference to a digest, pull the selected layer when it moved, store the artifact —
 * plus its status fields (artifact, url, observedIgnore, observedLayerSelector) and conditions
 * (ArtifactInStorage, FetchFailed).
 */
import { removeCondition, setCondition } from '../api/conditions.js';
import { StalledError, TransientError } from '../api/errors.js';
import type { OCIRepository } from '../api/kinds/oci-repository.js';
import type { KubeObject } from '../api/meta.js';
import { SourceReasons } from '../api/reasons.js';
import { ociRepositoryMachine } from '../../machines/index.js';
import type { LifecycleContext } from '../../machines/lifecycle.js';
import type { HttpCredentials } from '../sources/helm/http.js';
import { parseOciUrl } from '../sources/oci/registry.js';
import { OciAnnotations } from '../sources/oci/push.js';
import type { OciCheck, OciSourceDeps, PulledLayer, StoredOciArtifact } from '../sources/oci-repository.js';
import { checkOciRemote, effectiveOciUrl, ociClient, pullOciArtifact, storeOciArtifact } from '../sources/oci-repository.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { registryCredentials } from './registry-credentials.js';
import { sourceConditions } from './source-conditions.js';

const FETCH_REASONS = new Set<string>([SourceReasons.OCIArtifactPullFailed, SourceReasons.OCIArtifactLayerOperationFailed, SourceReasons.AuthenticationFailed, SourceReasons.URLInvalid, SourceReasons.ReadOperationFailed]);

/**
 * Registry credentials as source-controller finds them: a `kubernetes.io/dockerconfigjson`
 * Secret (`secretRef`), else the image pull secrets of `serviceAccountName`; TLS material from
 * `certSecretRef` (`ca.crt`, `tls.crt` + `tls.key`). Features fluxion cannot honour stall the
 * object rather than being skipped silently.
 */
async function credentials(obj: OCIRepository, overrides: Record<string, string> | undefined, ctx: EffectContext): Promise<HttpCredentials | undefined> {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = obj.spec;
  if (spec.provider && spec.provider !== 'generic') throw new StalledError(SourceReasons.AuthenticationFailed, `spec.provider '${spec.provider}': fluxion has no ${spec.provider} workload identity; use provider 'generic' with spec.secretRef or spec.serviceAccountName`);
  if (spec.verify) throw new StalledError(SourceReasons.VerificationError, `spec.verify: ${spec.verify.provider} signature verification is not supported by fluxion; the artifact is not pulled unverified`);
  if (spec.proxySecretRef) throw new StalledError(SourceReasons.AuthenticationFailed, `spec.proxySecretRef: fluxion does not connect through proxies`);
  let host: string;
  try {
    host = parseOciUrl(effectiveOciUrl(obj, overrides)).host;
  } catch (err) {
    throw new StalledError(SourceReasons.URLInvalid, `URL validation failed for '${spec.url}': ${(err as Error).message}`);
  }
  return registryCredentials(ctx, ns, host, spec, {
    serviceAccountWithSecret: false,
    fail: (message, missing) => (missing ? new TransientError(SourceReasons.AuthenticationFailed, message) : new StalledError(SourceReasons.AuthenticationFailed, message)),
  });
}

export function ociRepositoryController(source: OciSourceDeps, deps: ControllerDeps): Registration {
  const clientFor = async (obj: OCIRepository, ctx: EffectContext) => ociClient(obj, await credentials(obj, source.overrides, ctx), source);
  return createController(
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      machine: ociRepositoryMachine,
      reportingController: 'source-controller',
      isSource: true,
      steps: {
        checkRemote: async ({ object }, ctx) => {
          const obj = object as OCIRepository;
          const check = await checkOciRemote(obj, await clientFor(obj, ctx), source.storage);
          const data: Record<string, unknown> = { check };
          if (check.unchanged && obj.status?.artifact) data.stored = { artifact: obj.status.artifact, files: -1 } satisfies StoredOciArtifact;
          return { revision: check.revision, unchanged: check.unchanged, ...(check.unchanged ? { message: `stored artifact for digest '${check.revision}'` } : {}), data };
        },
        pull: async ({ object, data }, ctx) => {
          const obj = object as OCIRepository;
          return { data: { pulled: await pullOciArtifact(obj, data.check as OciCheck, await clientFor(obj, ctx)) } };
        },
        storeArtifact: async ({ object, data }) => {
          const obj = object as OCIRepository;
          const stored = await storeOciArtifact(obj, data.check as OciCheck, data.pulled as PulledLayer, source);
          return { revision: stored.artifact.revision, message: `stored artifact for digest '${stored.artifact.revision}'`, data: { stored } };
        },
      },
      finalize: async (object: KubeObject) => {
        await source.storage.remove('OCIRepository', object.metadata.namespace ?? 'default', object.metadata.name);
      },
      // source-controller's event: the revision, the URL, and the origin the artifact's annotations name.
      newArtifactMessage: (context) => {
        const stored = context.data.stored as StoredOciArtifact | undefined;
        if (!stored) return undefined;
        const meta = stored.artifact.metadata ?? {};
        const origin = meta[OciAnnotations.source] && meta[OciAnnotations.revision] ? `, origin source '${meta[OciAnnotations.source]}', origin revision '${meta[OciAnnotations.revision]}'` : '';
        return `stored artifact with revision '${stored.artifact.revision}' from '${(context.object as OCIRepository).spec.url}'${origin}`;
      },
      statusFrom: (data) => {
        const stored = data.stored as StoredOciArtifact | undefined;
        return stored ? { artifact: stored.artifact, url: stored.artifact.url } : undefined;
      },
      decorate: (status, context: LifecycleContext, now) => {
        const obj = context.object as OCIRepository;
        let conditions = sourceConditions(status, context, now, { fetchReasons: FETCH_REASONS, stored: (revision) => `stored artifact for digest '${revision}'` });
        const f = context.failure;
        if (f?.reason === SourceReasons.VerificationError) conditions = setCondition(conditions, { type: 'SourceVerified', status: 'False', reason: f.reason, message: f.message }, now, context.generation);
        else if (!obj.spec.verify) conditions = removeCondition(conditions, 'SourceVerified');
        status.conditions = conditions;
        if (context.data.stored) {
          if (obj.spec.ignore !== undefined) status.observedIgnore = obj.spec.ignore;
          else delete status.observedIgnore;
          if (obj.spec.layerSelector) status.observedLayerSelector = obj.spec.layerSelector;
          else delete status.observedLayerSelector;
        }
      },
    },
    deps,
  );
}
