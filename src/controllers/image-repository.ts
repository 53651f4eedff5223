/**
 * The ImageRepository controller (image-reflector-controller): scan the image's tags in its
 * registry, drop the excluded ones, keep them in the TagDatabase for the ImagePolicies, and write
 * status.canonicalImageName, lastScanResult and observedExclusionList. The scan's checksum is the
 * object's revision, so the policies that reference it hear of a new tag set at once.
 */
import { StalledError, TransientError } from '../api/errors.js';
import { parseDuration } from '../api/duration.js';
import type { ImageRepository, ScanResultStatus } from '../api/kinds/image-repository.js';
import { ImageReasons } from '../api/reasons.js';
import { imageRepositoryMachine } from '../../machines/index.js';
import type { HttpCredentials } from '../sources/helm/http.js';
import { RegistryClient } from '../sources/oci/registry.js';
import type { ImageName } from '../image/scan.js';
import { DEFAULT_EXCLUSION_LIST, TagDatabase, compileExclusions, parseImageName, registryRefOf, summariseTags } from '../image/scan.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { registryCredentials } from './registry-credentials.js';

export interface ImageDeps {
  /** Shared with the ImagePolicy controller. */
  tags: TagDatabase;
}

/** `spec.image` parsed, or Stalled(ImageURLInvalid): a bad name will not fix itself. */
export function imageNameOf(repo: ImageRepository): ImageName {
  try {
    return parseImageName(repo.spec.image, repo.spec.insecure === true);
  } catch (err) {
    throw new StalledError(ImageReasons.ImageURLInvalid, (err as Error).message);
  }
}

/** `spec.timeout`, else `spec.interval`, at least one second (Flux's GetTimeout). */
function scanTimeoutMs(repo: ImageRepository): number {
  return Math.max(1000, parseDuration(repo.spec.timeout ?? repo.spec.interval));
}

const authFailed = (message: string): TransientError => new TransientError(ImageReasons.AuthenticationFailed, `failed to configure authentication options: ${message}`);

/**
 * Registry credentials as image-reflector-controller finds them: a `kubernetes.io/dockerconfigjson`
 * Secret (`secretRef`), the image pull secrets of `serviceAccountName`, TLS material from
 * `certSecretRef`. Cloud providers and proxies stall the object, naming the field.
 */
export async function imageCredentials(repo: ImageRepository, name: ImageName, ctx: EffectContext): Promise<HttpCredentials | undefined> {
  const ns = repo.metadata.namespace ?? 'default';
  const spec = repo.spec;
  if (spec.provider && spec.provider !== 'generic') throw new StalledError(ImageReasons.AuthenticationFailed, `spec.provider '${spec.provider}': fluxion has no ${spec.provider} workload identity; use provider 'generic' with spec.secretRef or spec.serviceAccountName`);
  if (spec.proxySecretRef) throw new StalledError(ImageReasons.AuthenticationFailed, 'spec.proxySecretRef: fluxion does not connect through proxies');
  return registryCredentials(ctx, ns, name.registry, spec, { serviceAccountWithSecret: true, fail: (message) => authFailed(message) });
}

/** A registry client for the repository's image, with its credentials. */
export async function imageClient(repo: ImageRepository, ctx: EffectContext): Promise<{ name: ImageName; client: RegistryClient }> {
  const name = imageNameOf(repo);
  const credentials = await imageCredentials(repo, name, ctx);
  return { name, client: new RegistryClient(registryRefOf(name), { ...(credentials ? { credentials } : {}), timeoutMs: scanTimeoutMs(repo) }) };
}

/** Go's metav1.Time: RFC 3339 to the second. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function imageRepositoryController(image: ImageDeps, deps: ControllerDeps): Registration {
  return createController(
    {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageRepository',
      machine: imageRepositoryMachine,
      reportingController: 'image-reflector-controller',
      isSource: true,
      steps: {
        scan: async ({ object }, ctx) => {
          const repo = object as ImageRepository;
          const exclusionList = repo.spec.exclusionList ?? [...DEFAULT_EXCLUSION_LIST];
          let exclusions: RegExp[];
          try {
            exclusions = compileExclusions(exclusionList);
          } catch (err) {
            throw new StalledError(ImageReasons.ReadOperationFailed, (err as Error).message);
          }
          const { name, client } = await imageClient(repo, ctx);
          let listed: string[];
          try {
            listed = await client.listTags();
          } catch (err) {
            throw new TransientError(ImageReasons.ReadOperationFailed, `scan failed: ${(err as Error).message}`, { cause: err });
          }
          const result = summariseTags(listed, exclusions);
          image.tags.set(name.canonical, result.tags);
          const lastScanResult: ScanResultStatus = {
            revision: result.revision,
            tagCount: result.tagCount,
            scanTime: rfc3339(ctx.clock.now()),
            ...(result.latestTags.length ? { latestTags: result.latestTags } : {}),
          };
          return {
            revision: result.revision,
            message: `successful scan: found ${result.tagCount} tags with checksum ${result.revision}`,
            data: { scan: { canonicalImageName: name.canonical, lastScanResult, observedExclusionList: exclusionList } },
          };
        },
      },
      statusFrom: (data) => data.scan as Record<string, unknown> | undefined,
    },
    deps,
  );
}
