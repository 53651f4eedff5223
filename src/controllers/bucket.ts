/**
 * The Bucket controller: the Bucket machine with source-controller's effects — index the
 * bucket's objects, download them when the index digest moved, store the artifact — plus its
 * status fields (artifact, url, observedIgnore) and conditions (ArtifactInStorage, FetchFailed).
 * Only S3-compatible access with static keys (or anonymous) is served; what needs cloud
 * identity, STS or a proxy stalls the object with a message naming the field.
 */
import { parseDuration } from '../api/duration.js';
import { StalledError, TransientError } from '../api/errors.js';
import type { Bucket } from '../api/kinds/bucket.js';
import type { KubeObject } from '../api/meta.js';
import { SourceReasons } from '../api/reasons.js';
import { bucketMachine } from '../../machines/index.js';
import type { LifecycleContext } from '../../machines/lifecycle.js';
import type { BucketIndex, BucketSourceDeps, DownloadedObjects, StoredBucketArtifact } from '../sources/bucket.js';
import { downloadBucket, effectiveBucketEndpoint, indexBucket, storeBucketArtifact } from '../sources/bucket.js';
import type { S3ClientOptions } from '../sources/bucket/s3-client.js';
import { S3Client, S3Error } from '../sources/bucket/s3-client.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { sourceConditions } from './source-conditions.js';
import { secretData } from './secrets.js';

const FETCH_REASONS = new Set<string>([SourceReasons.BucketOperationFailed, SourceReasons.AuthenticationFailed, SourceReasons.URLInvalid, SourceReasons.InvalidSTSConfiguration]);

/**
 * The S3 client source-controller's generic (minio) provider would build: static keys from
 * `secretRef` (`accesskey`, `secretkey`; anonymous when either is empty), TLS material from
 * `certSecretRef`. Cloud identity, STS and proxies are refused by name.
 */
export async function bucketClient(obj: Bucket, ctx: Pick<EffectContext, 'cluster'>, overrides?: Record<string, string>, extra: Partial<S3ClientOptions> = {}): Promise<S3Client> {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = obj.spec;
  const provider = spec.provider ?? 'generic';
  if (provider === 'gcp' || provider === 'azure') throw new StalledError(SourceReasons.AuthenticationFailed, `spec.provider '${provider}': fluxion reaches S3-compatible storage only (provider 'generic', or 'aws' with spec.secretRef); ${provider === 'gcp' ? 'GCS' : 'Azure Blob Storage'} is not supported`);
  if (spec.serviceAccountName) throw new StalledError(SourceReasons.AuthenticationFailed, `spec.serviceAccountName: fluxion has no ${provider} workload identity; use spec.secretRef with static keys`);
  if (provider === 'aws' && !spec.secretRef) throw new StalledError(SourceReasons.AuthenticationFailed, "spec.provider 'aws' without spec.secretRef needs AWS workload identity (IRSA, EKS Pod Identity), which fluxion does not have; set spec.secretRef with accesskey and secretkey");
  if (spec.sts) throw new StalledError(SourceReasons.InvalidSTSConfiguration, `spec.sts: the '${spec.sts.provider}' STS provider is not supported by fluxion; use spec.secretRef with static keys`);
  if (spec.proxySecretRef) throw new StalledError(SourceReasons.AuthenticationFailed, 'spec.proxySecretRef: fluxion does not connect through proxies');
  const options: S3ClientOptions = { ...effectiveBucketEndpoint(obj, overrides), timeoutMs: parseDuration(spec.timeout ?? '60s'), ...extra };
  if (spec.region) options.region = spec.region;
  if (spec.secretRef) {
    const data = await secretData(ctx.cluster, ns, spec.secretRef.name, SourceReasons.AuthenticationFailed);
    if (data.accesskey === undefined || data.secretkey === undefined) throw new TransientError(SourceReasons.AuthenticationFailed, `invalid '${spec.secretRef.name}' secret data: required fields 'accesskey' and 'secretkey'`);
    if (data.accesskey && data.secretkey) options.credentials = { accessKeyId: data.accesskey, secretAccessKey: data.secretkey };
  }
  if (spec.certSecretRef && !options.insecure) {
    const data = await secretData(ctx.cluster, ns, spec.certSecretRef.name, SourceReasons.AuthenticationFailed);
    if ((data['tls.crt'] === undefined) !== (data['tls.key'] === undefined)) throw new TransientError(SourceReasons.AuthenticationFailed, `secret '${ns}/${spec.certSecretRef.name}': tls.crt and tls.key go together`);
    options.tls = { ...(data['ca.crt'] !== undefined ? { ca: data['ca.crt'] } : {}), ...(data['tls.crt'] !== undefined ? { cert: data['tls.crt'], key: data['tls.key'] } : {}) };
  }
  try {
    return new S3Client(options);
  } catch (err) {
    throw new StalledError(SourceReasons.URLInvalid, `spec.endpoint: ${err instanceof S3Error ? err.message : String(err)}`, { cause: err });
  }
}

const storedMessage = (revision: string): string => `stored artifact: revision '${revision}'`;

export function bucketController(source: BucketSourceDeps & { client?: Partial<S3ClientOptions> }, deps: ControllerDeps): Registration {
  const clientFor = (obj: Bucket, ctx: EffectContext) => bucketClient(obj, ctx, source.overrides, source.client);
  return createController(
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'Bucket',
      machine: bucketMachine,
      reportingController: 'source-controller',
      isSource: true,
      steps: {
        listObjects: async ({ object }, ctx) => {
          const obj = object as Bucket;
          const listed = await indexBucket(obj, await clientFor(obj, ctx), source.storage);
          const data: Record<string, unknown> = { listed };
          if (listed.unchanged && obj.status?.artifact) data.stored = { artifact: obj.status.artifact, files: -1 } satisfies StoredBucketArtifact;
          return { revision: listed.revision, unchanged: listed.unchanged, ...(listed.unchanged ? { message: storedMessage(listed.revision) } : {}), data };
        },
        download: async ({ object, data }, ctx) => {
          const obj = object as Bucket;
          return { data: { downloaded: await downloadBucket(obj, data.listed as BucketIndex, await clientFor(obj, ctx)) } };
        },
        storeArtifact: async ({ object, data }) => {
          const stored = await storeBucketArtifact(object as Bucket, data.downloaded as DownloadedObjects, source);
          return { revision: stored.artifact.revision, message: storedMessage(stored.artifact.revision), data: { stored } };
        },
      },
      finalize: async (object: KubeObject) => {
        await source.storage.remove('Bucket', object.metadata.namespace ?? 'default', object.metadata.name);
      },
      // source-controller's event names the number of files and the bucket.
      newArtifactMessage: (context) => {
        const stored = context.data.stored as StoredBucketArtifact | undefined;
        return stored && stored.files >= 0 ? `stored artifact with ${stored.files} fetched files from '${(context.object as Bucket).spec.bucketName}' bucket` : undefined;
      },
      statusFrom: (data) => {
        const stored = data.stored as StoredBucketArtifact | undefined;
        return stored ? { artifact: stored.artifact, url: stored.artifact.url } : undefined;
      },
      decorate: (status, context: LifecycleContext, now) => {
        const obj = context.object as Bucket;
        status.conditions = sourceConditions(status, context, now, { fetchReasons: FETCH_REASONS, stored: storedMessage });
        if (context.data.stored && context.data.downloaded) {
          if (obj.spec.ignore !== undefined) status.observedIgnore = obj.spec.ignore;
          else delete status.observedIgnore;
        }
      },
    },
    deps,
  );
}
