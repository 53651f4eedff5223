/**
 * A Helm repository's `index.yaml`: parsed and checked as Helm loads it (apiVersion required,
 * invalid entries dropped, versions sorted newest first), and chart versions resolved against a
 * Masterminds/semver constraint as source-controller does: an exact version wins, else the
 * highest version the constraint accepts; pre-releases only when the constraint names one.
 */
import { parse } from 'yaml';
import { isCompatibleRange, parseVersion } from '../../helm/chart/semver.js';
import semver from 'semver';

export interface ChartVersionEntry {
  name: string;
  version: string;
  apiVersion?: string;
  appVersion?: string;
  description?: string;
  /** Where to download the packaged chart; relative URLs are relative to the repository URL. */
  urls: string[];
  /** sha256 hex of the .tgz, when the index has it. */
  digest?: string;
  created?: string;
  type?: string;
  deprecated?: boolean;
}

export interface HelmIndex {
  apiVersion: string;
  generated?: string;
  /** Chart name → versions, newest first. */
  entries: Map<string, ChartVersionEntry[]>;
}

export class IndexError extends Error {}

const compareDesc = (a: ChartVersionEntry, b: ChartVersionEntry): number => {
  const va = parseVersion(a.version);
  const vb = parseVersion(b.version);
  if (va && vb) return semver.rcompare(va, vb);
  // Versions that do not parse sort after those that do, as Helm's SortEntries leaves them.
  return va ? -1 : vb ? 1 : 0;
};

/** Parses index.yaml; throws IndexError naming what is wrong. */
export function parseIndex(text: string | Buffer): HelmIndex {
  let doc: unknown;
  try {
    doc = parse(typeof text === 'string' ? text : text.toString('utf8'), { maxAliasCount: 10_000 });
  } catch (err) {
    throw new IndexError(`failed to load index: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new IndexError('failed to load index: not a YAML mapping');
  const d = doc as Record<string, unknown>;
  if (typeof d.apiVersion !== 'string' || d.apiVersion === '') throw new IndexError('failed to load index: no API version specified');
  const entries = new Map<string, ChartVersionEntry[]>();
  const raw = d.entries && typeof d.entries === 'object' ? (d.entries as Record<string, unknown>) : {};
  for (const [name, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) continue;
    const versions: ChartVersionEntry[] = [];
    for (const v of list) {
      // Helm skips (and logs) entries that are null or lack a name or version.
      if (!v || typeof v !== 'object') continue;
      const e = v as Record<string, unknown>;
      if (typeof e.version !== 'string' && typeof e.version !== 'number') continue;
      const entry: ChartVersionEntry = {
        name: typeof e.name === 'string' ? e.name : name,
        version: String(e.version),
        urls: Array.isArray(e.urls) ? e.urls.filter((u): u is string => typeof u === 'string') : [],
      };
      for (const key of ['apiVersion', 'appVersion', 'description', 'digest', 'created', 'type'] as const) if (typeof e[key] === 'string') entry[key] = e[key] as string;
      if (e.deprecated === true) entry.deprecated = true;
      versions.push(entry);
    }
    versions.sort(compareDesc);
    entries.set(name, versions);
  }
  return { apiVersion: d.apiVersion, ...(typeof d.generated === 'string' ? { generated: d.generated } : {}), entries };
}

/** The chart version `constraint` selects (`*` or '' = the latest stable). */
export function resolveChartVersion(index: HelmIndex, name: string, constraint: string | undefined): ChartVersionEntry {
  const versions = index.entries.get(name);
  if (!versions?.length) throw new IndexError(`no chart name found: '${name}' is not in the repository index`);
  const wanted = (constraint ?? '').trim();
  if (wanted !== '' && wanted !== '*') {
    const exact = versions.find((v) => v.version === wanted);
    if (exact) return exact;
  }
  for (const v of versions) if (parseVersion(v.version) && isCompatibleRange(wanted === '' ? '*' : wanted, v.version)) return v;
  throw new IndexError(`no '${name}' chart with version matching '${wanted || '*'}' found`);
}

/** The absolute download URL of a chart version (its first URL, resolved against the repository URL). */
export function chartUrl(repositoryUrl: string, entry: ChartVersionEntry): string {
  const first = entry.urls[0];
  if (!first) throw new IndexError(`chart '${entry.name}' version '${entry.version}' has no downloadable URLs`);
  const base = repositoryUrl.endsWith('/') ? repositoryUrl : `${repositoryUrl}/`;
  return new URL(first, base).toString();
}
