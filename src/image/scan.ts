/**
 * ImageRepository scanning as image-reflector-controller does it: parse the image name the way
 * go-containerregistry does (Docker Hub and `library/` defaulting), list the tags, drop those an
 * exclusion pattern matches, and summarise the result (count, the 10 latest in reverse byte
 * order, a checksum that moves when the tag set moves). The tags themselves go to a TagDatabase
 * that the ImagePolicy controller reads, as Flux's badger database is shared by both reconcilers.
 */
import { createHash } from 'node:crypto';
import type { OciRepositoryRef } from '../sources/oci/registry.js';
import { compareBytes, compileGoRegexp } from './policy.js';

export const DEFAULT_EXCLUSION_LIST = ['^.*\\.sig$'] as const;
export const LATEST_TAGS_COUNT = 10;
const DOCKER_HUB = 'index.docker.io';

/** A parsed `spec.image`: registry host, repository path, and the canonical name Flux reports. */
export interface ImageName {
  /** `host[:port]` as the registry is reached. */
  registry: string;
  repository: string;
  /** `registry/repository`, e.g. `index.docker.io/library/alpine` (status.canonicalImageName). */
  canonical: string;
  /** `http` for insecure registries and local ones (localhost, 127.0.0.1, ::1, *.local), else `https`. */
  scheme: 'http' | 'https';
}

/** The image name refused, with go-containerregistry's reasons, or the parsed name. */
export function parseImageName(image: string, insecure = false): ImageName {
  const s = image.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new Error(`.spec.image value should not start with URL scheme; remove '${s.split('://')[0]}://'`);
  if (s.includes('@')) throw new Error(`.spec.image value should not contain a digest; remove '@${s.split('@')[1]}'`);
  const parts = s.split('/');
  const last = parts.at(-1) ?? '';
  if (last.includes(':')) throw new Error(`.spec.image value should not contain a tag; remove ':${last.split(':')[1]}'`);
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : DOCKER_HUB;
  if (registry === 'docker.io') registry = DOCKER_HUB;
  let repository = (hasRegistry ? parts.slice(1) : parts).join('/');
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw new Error(`repository can only contain the characters \`abcdefghijklmnopqrstuvwxyz0123456789_-./\`: ${repository}`);
  }
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host === '127.0.0.1' || host === '::1' || host.endsWith('.local');
  return { registry, repository, canonical: `${registry}/${repository}`, scheme: insecure || local ? 'http' : 'https' };
}

/** The registry client's view of an image name. */
export function registryRefOf(name: ImageName): OciRepositoryRef {
  return { base: `${name.scheme}://${name.registry}`, host: name.registry, repository: name.repository };
}

/** Compiles the exclusion patterns (Go syntax); a bad one names its index. */
export function compileExclusions(patterns: readonly string[]): RegExp[] {
  return patterns.map((p, i) => {
    try {
      return compileGoRegexp(p);
    } catch (err) {
      throw new Error(`spec.exclusionList[${i}]: failed to compile regex ${p}: ${(err as Error).message}`);
    }
  });
}

/** What a scan found: the tags kept and status.lastScanResult's summary of them. */
export interface ScanResult {
  tags: string[];
  tagCount: number;
  /** At most 10 tags, greatest first in byte order (Flux's "latest" here is reverse-sorted, not newest). */
  latestTags: string[];
  /** Moves exactly when the set of tags moves. */
  revision: string;
}

/** Drops excluded tags and summarises the rest. */
export function summariseTags(listed: readonly string[], exclusions: readonly RegExp[]): ScanResult {
  const tags = listed.filter((t) => !exclusions.some((re) => re.test(t)));
  const sorted = [...tags].sort((a, b) => -compareBytes(a, b));
  const unique = [...new Set(sorted)];
  const revision = createHash('sha256').update(unique.join('\n')).digest('hex').slice(0, 16);
  return { tags, tagCount: tags.length, latestTags: sorted.slice(0, LATEST_TAGS_COUNT), revision };
}

/** The tags of every scanned image by canonical name: written by ImageRepositories, read by ImagePolicies. */
export class TagDatabase {
  private readonly tags = new Map<string, string[]>();

  set(canonical: string, tags: readonly string[]): void {
    this.tags.set(canonical, [...tags]);
  }

  get(canonical: string): string[] {
    return [...(this.tags.get(canonical) ?? [])];
  }

  has(canonical: string): boolean {
    return (this.tags.get(canonical)?.length ?? 0) > 0;
  }
}
