/**
 * Which files of a source go into its artifact: `.sourceignore` files (gitignore syntax, each
 * applying below its own directory), `spec.ignore`, and Flux's default exclusions. As in Flux,
 * the defaults other than the VCS ones apply only when no pattern is given at all.
 */
import ignore from 'ignore';

export const VCS_PATTERNS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];
export const DEFAULT_EXCLUDES = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
];

/** Splits gitignore text into patterns (comments and blank lines dropped, trailing spaces trimmed). */
export function parsePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/(?<!\\)\s+$/, ''))
    .filter((l) => l && !l.startsWith('#'));
}

/** Re-roots a pattern from `dir/.sourceignore` so it applies below `dir` only. */
export function rootPattern(pattern: string, dir: string): string {
  if (!dir) return pattern;
  const negated = pattern.startsWith('!');
  let p = negated ? pattern.slice(1) : pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.startsWith('/') ? p.slice(1) : p;
  const rooted = anchored ? `${dir}/${p}` : `${dir}/**/${p}`;
  return negated ? `!${rooted}` : rooted;
}

export interface IgnoreRules {
  /** True when `path` (relative, `/`-separated) is excluded from the artifact. */
  ignores(path: string): boolean;
  /** The patterns in effect, in order (for status and debugging). */
  patterns: string[];
}

/**
 * @param sourceignores `.sourceignore` files found in the tree: directory (relative, '' for root) → content.
 * @param specIgnore `spec.ignore` of the source, if set.
 */
export function ignoreRules(sourceignores: Map<string, string>, specIgnore: string | undefined): IgnoreRules {
  const user: string[] = [];
  for (const dir of [...sourceignores.keys()].sort()) for (const p of parsePatterns(sourceignores.get(dir) ?? '')) user.push(rootPattern(p, dir));
  if (specIgnore !== undefined) user.push(...parsePatterns(specIgnore));
  const patterns = user.length ? [...VCS_PATTERNS, ...user] : [...VCS_PATTERNS, ...DEFAULT_EXCLUDES];
  const matcher = ignore({ allowRelativePaths: true }).add(patterns);
  return { patterns, ignores: (path) => matcher.ignores(path) };
}
