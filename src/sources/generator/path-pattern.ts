/**
 * An ArtifactGenerator's `spec.pathPattern` (directory discovery), as source-watcher expands it:
 * `@alias/apps/{app}/envs/{env}` is matched against every directory of that source; each match
 * renders every `spec.artifacts` entry with the captured values — lowercased in artifact names
 * and labels, as found in `copy` paths — and the ExternalArtifact gets the captures as labels.
 * Without a pattern the entries are taken as they are.
 */
import type { CopyOperation } from './copy.js';
import type { FileTree } from './glob.js';
import { byteOrder } from './glob.js';

/** One output artifact entry (a template when a path pattern is set). */
export interface ArtifactTemplate {
  name: string;
  revision?: string;
  originRevision?: string;
  copy: CopyOperation[];
}

/** An artifact to build: the rendered entry, the index of the entry it came from, its labels. */
export interface ArtifactRequest {
  artifact: ArtifactTemplate;
  index: number;
  labels?: Record<string, string>;
}

/** A pattern or rendered name that no build can get past (the spec must change). */
export class PathPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathPatternError';
  }
}

const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `{name}` placeholders substituted from `values`; unbalanced braces and unknown names are errors. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c === '}') throw new Error(`invalid template "${template}": capture ending at offset ${i} is missing opening brace`);
    if (c !== '{') {
      out += c;
      continue;
    }
    const end = template.indexOf('}', i + 1);
    if (end < 0) throw new Error(`invalid template "${template}": capture starting at offset ${i} is missing closing brace`);
    const name = template.slice(i + 1, end);
    if (!name) throw new Error(`invalid template "${template}": empty capture variable`);
    if (!CAPTURE_NAME.test(name)) throw new Error(`invalid template "${template}": capture variable "${name}" must be a valid capture name matching [A-Za-z_][A-Za-z0-9_]*`);
    const value = values[name];
    if (value === undefined) throw new Error(`invalid template "${template}": capture variable "${name}" is not defined by pathPattern`);
    out += value;
    i = end;
  }
  return out;
}

/** The capture names of a pattern, checked: balanced braces, valid and unique names. */
function captures(pathPattern: string, pattern: string): string[] {
  const names: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '}') throw new PathPatternError(`pathPattern "${pathPattern}": invalid capture ending at offset ${i}: missing opening brace`);
    if (c !== '{') continue;
    const end = pattern.indexOf('}', i + 1);
    if (end < 0) throw new PathPatternError(`pathPattern "${pathPattern}": invalid capture starting at offset ${i}: missing closing brace`);
    const name = pattern.slice(i + 1, end);
    if (!name) throw new PathPatternError(`pathPattern "${pathPattern}": empty capture variable`);
    if (!CAPTURE_NAME.test(name)) throw new PathPatternError(`pathPattern "${pathPattern}": capture variable "${name}" must be a valid capture name matching [A-Za-z_][A-Za-z0-9_]*`);
    if (names.includes(name)) throw new PathPatternError(`pathPattern "${pathPattern}": duplicate capture variable "${name}"`);
    if (name.length > 63 || !LABEL_KEY.test(name)) throw new PathPatternError(`pathPattern "${pathPattern}": capture variable "${name}" is not a valid Kubernetes label key`);
    names.push(name);
    i = end;
  }
  return names;
}

/** Every directory of the tree below its root, in the order a depth-first walk visits them. */
function directories(tree: FileTree): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of tree.readDir(dir).sort(byteOrder)) {
      const p = dir === '.' ? name : `${dir}/${name}`;
      if (!tree.isDir(p)) continue;
      out.push(p);
      visit(p);
    }
  };
  visit('.');
  return out;
}

/** The artifacts to build: the entries as they are, or rendered once per matching directory. */
export function expandArtifacts(pathPattern: string | undefined, artifacts: readonly ArtifactTemplate[], sources: ReadonlyMap<string, FileTree>): ArtifactRequest[] {
  if (!pathPattern) return artifacts.map((artifact, index) => ({ artifact, index }));
  const slash = pathPattern.indexOf('/');
  if (!pathPattern.startsWith('@') || slash < 0) throw new PathPatternError(`invalid pathPattern format: ${pathPattern}`);
  const alias = pathPattern.slice(1, slash);
  const pattern = pathPattern.slice(slash + 1);
  const tree = sources.get(alias);
  if (!tree) throw new PathPatternError(`pathPattern "${pathPattern}": source alias ${alias} not found in local sources`);
  const names = captures(pathPattern, pattern);
  const literal = pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const matcher = new RegExp(`^${literal.replace(/\\\{([A-Za-z0-9_]+)\\\}/g, '(?<$1>[^/]+)')}$`, 'su');
  const requests: ArtifactRequest[] = [];
  const seen = new Map<string, string>();
  for (const dir of directories(tree)) {
    const m = matcher.exec(dir);
    if (!m) continue;
    const raw: Record<string, string> = {};
    const lower: Record<string, string> = {};
    for (const n of names) {
      raw[n] = m.groups?.[n] ?? '';
      lower[n] = raw[n].toLowerCase();
      if (lower[n].length > 63 || !LABEL_VALUE.test(lower[n])) {
        throw new PathPatternError(`pathPattern "${pathPattern}": captured value "${lower[n]}" for variable "${n}" is not a valid Kubernetes label value`);
      }
    }
    artifacts.forEach((a, index) => {
      let rendered: ArtifactTemplate;
      try {
        rendered = {
          ...a,
          name: renderTemplate(a.name, lower),
          copy: a.copy.map((op) => ({ ...op, from: renderTemplate(op.from, raw), to: renderTemplate(op.to, raw) })),
        };
      } catch (err) {
        throw new PathPatternError(`pathPattern "${pathPattern}": failed to render artifact ${a.name} for match ${dir}: ${(err as Error).message}`);
      }
      if (rendered.name.length > 253 || !DNS1123_SUBDOMAIN.test(rendered.name)) {
        throw new PathPatternError(`pathPattern "${pathPattern}": rendered artifact name "${rendered.name}" is not a valid Kubernetes object name`);
      }
      const before = seen.get(rendered.name);
      if (before !== undefined) throw new PathPatternError(`pathPattern "${pathPattern}": directories "${before}" and "${dir}" both resolve to artifact name "${rendered.name}"`);
      seen.set(rendered.name, dir);
      requests.push({ artifact: rendered, index, labels: { ...lower } });
    });
  }
  return requests;
}
