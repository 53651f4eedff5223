/**
 * Pushing a Flux artifact, as `flux push artifact` makes one: the files as one deterministic
 * tar+gzip layer (`application/vnd.cncf.flux.content.v1.tar+gzip`), an empty config of media type
 * `application/vnd.cncf.flux.config.v1+json`, and the origin in the manifest's annotations
 * (`org.opencontainers.image.source`, `.revision`, `.created`), which an OCIRepository copies into
 * its artifact's metadata.
 */
import type { TarFile } from '../artifact/tarball.js';
import { tarGz } from '../artifact/tarball.js';
import type { RegistryClient } from './registry.js';
import { OCI_MANIFEST } from './registry.js';

export const FLUX_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.flux.config.v1+json';
export const FLUX_CONTENT_MEDIA_TYPE = 'application/vnd.cncf.flux.content.v1.tar+gzip';

export const OciAnnotations = {
  created: 'org.opencontainers.image.created',
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
} as const;

export interface PushOptions {
  /** Where the content came from (`org.opencontainers.image.source`). */
  source?: string;
  /** Its revision there (`org.opencontainers.image.revision`), e.g. `main@sha1:…`. */
  revision?: string;
  /** RFC 3339 time for `org.opencontainers.image.created`. */
  created?: string;
  /** More manifest annotations. */
  annotations?: Record<string, string>;
  /** Layer media type; Flux's content type by default. */
  layerMediaType?: string;
  configMediaType?: string;
}

export interface Pushed {
  /** The manifest digest. */
  digest: string;
  /** `<tag>@<digest>`: what an OCIRepository following the tag will report. */
  revision: string;
  layerDigest: string;
  size: number;
}

/** Pushes `content` (files, or an already packed tar+gzip layer) under `tag`. */
export async function pushArtifact(client: RegistryClient, tag: string, content: readonly TarFile[] | Buffer, options: PushOptions = {}): Promise<Pushed> {
  const layer = Buffer.isBuffer(content) ? content : tarGz(content).bytes;
  const config = Buffer.from('{}');
  const configBlob = await client.pushBlob(config);
  const layerBlob = await client.pushBlob(layer);
  const annotations: Record<string, string> = {
    ...(options.created ? { [OciAnnotations.created]: options.created } : {}),
    ...(options.source ? { [OciAnnotations.source]: options.source } : {}),
    ...(options.revision ? { [OciAnnotations.revision]: options.revision } : {}),
    ...(options.annotations ?? {}),
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: options.configMediaType ?? FLUX_CONFIG_MEDIA_TYPE, digest: configBlob.digest, size: config.length },
      layers: [{ mediaType: options.layerMediaType ?? FLUX_CONTENT_MEDIA_TYPE, digest: layerBlob.digest, size: layer.length }],
      ...(Object.keys(annotations).length ? { annotations } : {}),
    }),
  );
  const digest = await client.pushManifest(tag, manifest);
  return { digest, revision: `${tag}@${digest}`, layerDigest: layerBlob.digest, size: layer.length };
}
