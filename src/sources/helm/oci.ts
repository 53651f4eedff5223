/**
 * Helm charts from an OCI registry, as Helm's registry client pulls them: a HelmRepository of
 * `type: oci` names `oci://HOST/PATH`; chart `NAME` lives at the repository `PATH/NAME`, its
 * versions are the tags (`+` written as `_`), and a version's manifest has one layer of media type
 * `application/vnd.cncf.helm.chart.content.v1.tar+gzip`: the packaged chart.
 */
import semver from 'semver';
import { isCompatibleRange, parseVersion } from '../../helm/chart/semver.js';
import type { HttpCredentials } from './http.js';
import type { OciRepositoryRef } from '../oci/registry.js';
import { OciError, RegistryClient } from '../oci/registry.js';

export { OciError } from '../oci/registry.js';

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** The registry repository holding chart `name` of the HelmRepository at `url` (`oci://host/path`). */
export function chartRepository(url: string, name: string, plainHttp: boolean): OciRepositoryRef {
  const m = /^oci:\/\/([^/]+)(\/.*)?$/.exec(url.replace(/\/+$/, ''));
  if (!m) throw new OciError(`invalid OCI repository URL '${url}': want oci://HOST/PATH`);
  const path = `${(m[2] ?? '').replace(/^\/+/, '')}${m[2] ? '/' : ''}${name}`;
  return { base: `${plainHttp ? 'http' : 'https'}://${m[1]}`, host: m[1]!, repository: path };
}

/** Helm's tag ↔ version mapping: `+` is not allowed in tags and `_` is not allowed in versions. */
export const tagToVersion = (tag: string): string => tag.replace(/_/g, '+');
export const versionToTag = (version: string): string => version.replace(/\+/g, '_');

/** The chart's versions in the registry (tags that are semver, `_` read as `+`), newest first. */
export async function listChartVersions(ref: OciRepositoryRef, credentials?: HttpCredentials): Promise<string[]> {
  const tags = await new RegistryClient(ref, credentials ? { credentials } : {}).listTags();
  return tags
    .map(tagToVersion)
    .filter((v) => parseVersion(v) !== undefined)
    .sort((a, b) => semver.rcompare(parseVersion(a)!, parseVersion(b)!));
}

/** The highest version `constraint` accepts (an exact tag always wins), as for HTTP repositories. */
export function resolveOciVersion(versions: readonly string[], name: string, constraint: string | undefined): string {
  const wanted = (constraint ?? '').trim();
  if (wanted && wanted !== '*' && versions.includes(wanted)) return wanted;
  const hit = versions.find((v) => isCompatibleRange(wanted === '' ? '*' : wanted, v));
  if (!hit) throw new OciError(`no '${name}' chart with version matching '${wanted || '*'}' found`);
  return hit;
}

/** Pulls the packaged chart of `version`; the client checks the layer's digest. */
export async function pullChart(ref: OciRepositoryRef, version: string, credentials?: HttpCredentials): Promise<{ bytes: Buffer; digest: string }> {
  const client = new RegistryClient(ref, credentials ? { credentials } : {});
  const tag = versionToTag(version);
  const manifest = await client.manifest(tag);
  const layer = manifest.layers.find((l) => l.mediaType === HELM_CHART_LAYER);
  if (!layer?.digest) throw new OciError(`${ref.repository}:${tag} is not a Helm chart: no layer of type ${HELM_CHART_LAYER}`);
  return { bytes: await client.blob(layer.digest, 100 * 1024 * 1024), digest: layer.digest };
}
