/**
 * `.Files` as templates see it: a Go map of path → bytes (so `range` and `index` work) with
 * Helm's methods Get, GetBytes, Glob, AsConfig, AsSecrets, Lines. The methods are
 * non-enumerable properties of a null-prototype object, so the map's keys stay the file paths.
 */
import type { ChartFile } from './types.js';
import { gobwasGlob } from './glob.js';

export type ToYaml = (v: unknown) => string;

export interface Files {
  [path: string]: Uint8Array;
}

const decoder = new TextDecoder();

function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return trimmed === '' ? '/' : trimmed.slice(i + 1);
}

/** Builds a Files map; `toYaml` is Helm's toYAML (used by AsConfig/AsSecrets). */
export function newFiles(entries: Iterable<readonly [string, Uint8Array]>, toYaml: ToYaml): Files {
  const f = Object.create(null) as Files;
  for (const [k, v] of entries) f[k] = v;
  const methods: Record<string, (...args: never[]) => unknown> = {
    GetBytes: (name: string): Uint8Array => (Object.hasOwn(f, name) ? f[name]! : new Uint8Array()),
    Get: (name: string): string => (Object.hasOwn(f, name) ? decoder.decode(f[name]) : ''),
    Glob: (pattern: string): Files => {
      const re = gobwasGlob(pattern);
      return newFiles(
        Object.keys(f)
          .filter((k) => re.test(k))
          .map((k) => [k, f[k]!] as const),
        toYaml,
      );
    },
    AsConfig: (): string => {
      const m: Record<string, string> = {};
      for (const k of Object.keys(f)) m[baseName(k)] = decoder.decode(f[k]);
      return toYaml(m);
    },
    AsSecrets: (): string => {
      const m: Record<string, string> = {};
      for (const k of Object.keys(f)) m[baseName(k)] = Buffer.from(f[k]!).toString('base64');
      return toYaml(m);
    },
    Lines: (name: string): string[] => {
      if (!Object.hasOwn(f, name)) return [];
      let s = decoder.decode(f[name]);
      // Helm indexes the last byte unguarded; an empty file makes it panic, we return [''] instead.
      if (s.endsWith('\n')) s = s.slice(0, -1);
      return s.split('\n');
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(f, name, { value: fn, enumerable: false });
  }
  return f;
}

/** Files of a chart as `.Files` sees them. */
export function chartFiles(files: ChartFile[], toYaml: ToYaml): Files {
  return newFiles(
    files.map((x) => [x.name, x.data] as const),
    toYaml,
  );
}
