/**
 * `.helmignore` as Helm reads it (not gitignore): one `filepath.Match` pattern a line; a pattern
 * with a `/` matches the whole relative path, one without matches the base name, a leading `/`
 * anchors, a trailing `/` matches directories only, `**` is an error, and `templates/.?*` is
 * always added. A negated pattern ignores every path it does NOT match (Helm's rule).
 */
import { goMatchRegExp } from './glob.js';
import { HelmError } from './errors.js';

interface Rule {
  negate: boolean;
  mustDir: boolean;
  match: (path: string) => boolean;
}

export class HelmIgnore {
  private readonly rules: Rule[] = [];

  /** Parses .helmignore text; throws HelmError on `**` or a malformed pattern. */
  static parse(text: string): HelmIgnore {
    const r = new HelmIgnore();
    for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) r.add(line);
    return r;
  }

  /** Helm's defaults only. */
  static defaults(): HelmIgnore {
    return new HelmIgnore().withDefaults();
  }

  withDefaults(): this {
    this.add('templates/.?*');
    return this;
  }

  add(line: string): void {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**')) throw new HelmError('double-star (**) syntax is not supported');
    try {
      goMatchRegExp(rule);
    } catch {
      throw new HelmError('syntax error in pattern');
    }
    const negate = rule.startsWith('!');
    if (negate) rule = rule.slice(1);
    const mustDir = rule.endsWith('/');
    if (mustDir) rule = rule.slice(0, -1);
    let match: (p: string) => boolean;
    const safe = (pattern: string): ((p: string) => boolean) => {
      try {
        const re = goMatchRegExp(pattern);
        return (p) => re.test(p);
      } catch {
        return () => false;
      }
    };
    if (rule.startsWith('/')) match = safe(rule.slice(1));
    else if (rule.includes('/')) match = safe(rule);
    else {
      const m = safe(rule);
      match = (p) => m(p.slice(p.lastIndexOf('/') + 1));
    }
    this.rules.push({ negate, mustDir, match });
  }

  /** Whether the relative path (of a directory when `isDir`) is ignored. */
  ignores(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    for (const r of this.rules) {
      if (r.negate) {
        if (r.mustDir && !isDir) return true;
        if (!r.match(path)) return true;
        continue;
      }
      if (r.mustDir && !isDir) continue;
      if (r.match(path)) return true;
    }
    return false;
  }
}
