/**
 * Helm charts from an OCI registry, as Helm's registry client pulls them: a HelmRepository of
 * `type: oci` names `oci://HOST/PATH`; chart `NAME` lives at the repository `PATH/NAME`, its
 * versions are the tags (`+` written as `_`), and a version's manifest has one layer of media type
 * `application/vnd.cncf.helm.chart.content.v1.tar+gzip`: the packaged chart.
 */
import { createHash } from 'node:crypto';
import { isCompatibleRange, parseVersion } from '../../helm/chart/semver.js';
import semver from 'semver';
import { HttpStatusError, httpGet } from './http.js';
import type { HttpCredentials } from './http.js';

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

export class OciError extends Error {}

interface OciRef {
  /** `https://host` (or `http://host` with plainHttp). */
  base: string;
  /** Repository path in the registry, e.g. `charts/podinfo`. */
  repository: string;
}

/** The registry repository holding chart `name` of the HelmRepository at `url` (`oci://host/path`). */
export function chartRepository(url: string, name: string, plainHttp: boolean): OciRef {
  const m = /^oci:\/\/([^/]+)(\/.*)?$/.exec(url.replace(/\/+$/, ''));
  if (!m) throw new OciError(`invalid OCI repository URL '${url}': want oci://HOST/PATH`);
  const path = `${(m[2] ?? '').replace(/^\/+/, '')}${m[2] ? '/' : ''}${name}`;
  return { base: `${plainHttp ? 'http' : 'https'}://${m[1]}`, repository: path };
}

/** Registry tokens by registry host, reused until the registry refuses one. */
const tokens = new Map<string, string>();

function challengeParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Bearer\s+/i, '').matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!.toLowerCase()] = m[2]!;
  return out;
}

/**
 * A GET to the registry with its token flow, as Docker and Helm clients do: a 401 with a
 * `Bearer realm=…,service=…,scope=…` challenge is answered by asking the realm for a token (with
 * the basic credentials, if any; anonymously otherwise) and retrying with it.
 */
async function registryGet(url: string, credentials: HttpCredentials | undefined, options: { accept?: string; maxBytes: number }): Promise<Buffer> {
  const base = { ...(credentials ? { credentials } : {}), timeoutMs: 60_000, maxBytes: options.maxBytes, ...(options.accept ? { accept: options.accept } : {}) };
  // The last token this registry gave: good again as long as the scope is the same.
  const key = new URL(url).host;
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = tokens.get(key);
    try {
      return await httpGet(url, { ...base, ...(token ? { bearer: token } : {}) });
    } catch (err) {
      if (!(err instanceof HttpStatusError) || err.status !== 401 || !err.authenticate || !/^Bearer\s/i.test(err.authenticate) || attempt > 0) throw err;
      const p = challengeParams(err.authenticate);
      if (!p.realm) throw err;
      const realm = new URL(p.realm);
      if (p.service) realm.searchParams.set('service', p.service);
      if (p.scope) realm.searchParams.set('scope', p.scope);
      const answer = JSON.parse((await httpGet(realm.toString(), { ...(credentials ? { credentials: { ...credentials, passCredentials: true } } : {}), timeoutMs: 60_000, maxBytes: 1024 * 1024 })).toString('utf8')) as { token?: string; access_token?: string };
      const fresh = answer.token ?? answer.access_token;
      if (!fresh) throw new OciError(`the registry's token service ${p.realm} answered without a token`);
      tokens.set(key, fresh);
    }
  }
  throw new OciError(`failed to fetch ${url}`);
}

async function getJson(url: string, credentials: HttpCredentials | undefined, accept?: string): Promise<{ body: Buffer; json: Record<string, unknown> }> {
  const body = await registryGet(url, credentials, { maxBytes: 16 * 1024 * 1024, ...(accept ? { accept } : {}) });
  try {
    return { body, json: JSON.parse(body.toString('utf8')) as Record<string, unknown> };
  } catch (err) {
    throw new OciError(`${url}: not JSON: ${(err as Error).message}`);
  }
}

/** The chart's versions in the registry (tags that are semver, `_` read as `+`), newest first. */
export async function listChartVersions(ref: OciRef, credentials?: HttpCredentials): Promise<string[]> {
  let tags: unknown[];
  try {
    tags = ((await getJson(`${ref.base}/v2/${ref.repository}/tags/list`, credentials)).json.tags as unknown[]) ?? [];
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404) return [];
    throw err;
  }
  return tags
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.replace(/_/g, '+'))
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

/** Pulls the packaged chart of `version`, checking the layer's digest. */
export async function pullChart(ref: OciRef, version: string, credentials?: HttpCredentials): Promise<{ bytes: Buffer; digest: string }> {
  const tag = version.replace(/\+/g, '_');
  const { json } = await getJson(`${ref.base}/v2/${ref.repository}/manifests/${tag}`, credentials, MANIFEST_TYPES.join(', '));
  const layers = (json.layers as { mediaType?: string; digest?: string }[] | undefined) ?? [];
  const layer = layers.find((l) => l.mediaType === HELM_CHART_LAYER);
  if (!layer?.digest) throw new OciError(`${ref.repository}:${tag} is not a Helm chart: no layer of type ${HELM_CHART_LAYER}`);
  const bytes = await registryGet(`${ref.base}/v2/${ref.repository}/blobs/${layer.digest}`, credentials, { maxBytes: 100 * 1024 * 1024 });
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== layer.digest) throw new OciError(`${ref.repository}:${tag}: layer digest mismatch: got ${digest}, the manifest says ${layer.digest}`);
  return { bytes, digest };
}
