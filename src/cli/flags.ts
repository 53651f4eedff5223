/**
 * Command-line flags the way Flux's controllers and the `flux` CLI take them (Go's pflag):
 * `--name value`, `--name=value`, booleans as `--name`, `--name=true|false`, repeatable flags,
 * and `--` ending the flags. Unknown flags and bad values are errors naming the flag.
 */
import { parseDuration } from '../api/duration.js';

/** `strings` splits on commas (pflag's StringSlice); `stringArray` takes each value whole (StringArray). */
export type FlagType = 'string' | 'bool' | 'int' | 'float' | 'duration' | 'strings' | 'stringArray';

export interface FlagSpec {
  type: FlagType;
  /** One-letter alias, e.g. `n` for `--namespace`. */
  short?: string;
  /** Environment variable consulted when the flag is not given (e.g. `RUNTIME_NAMESPACE`). */
  env?: string;
  default?: string | boolean | number | string[];
  help: string;
}

export type FlagValues = Record<string, string | boolean | number | string[] | undefined>;

export class FlagError extends Error {}

function convert(name: string, spec: FlagSpec, raw: string): string | boolean | number {
  switch (spec.type) {
    case 'bool':
      if (/^(1|t|true|TRUE|True)$/.test(raw)) return true;
      if (/^(0|f|false|FALSE|False)$/.test(raw)) return false;
      throw new FlagError(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw new FlagError(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return Number(raw);
    case 'float':
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new FlagError(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseFloat: parsing "${raw}": invalid syntax`);
      return Number(raw);
    case 'duration':
      try {
        return parseDuration(raw);
      } catch {
        throw new FlagError(`invalid argument "${raw}" for "--${name}" flag: time: invalid duration "${raw}"`);
      }
    default:
      return raw;
  }
}

/**
 * Parses `argv` against `specs` (keyed by long name). Returns the values (defaults and environment
 * filled in; durations in milliseconds) and the positional arguments.
 */
export function parseFlags(argv: readonly string[], specs: Record<string, FlagSpec>, env: NodeJS.ProcessEnv = {}): { values: FlagValues; args: string[] } {
  const values: FlagValues = {};
  const args: string[] = [];
  const byShort = new Map(Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  const set = (name: string, spec: FlagSpec, raw: string): void => {
    if (spec.type === 'strings') {
      const prev = (values[name] as string[] | undefined) ?? [];
      values[name] = [...prev, ...raw.split(',').filter((s) => s !== '')];
    } else if (spec.type === 'stringArray') {
      values[name] = [...((values[name] as string[] | undefined) ?? []), raw];
    } else values[name] = convert(name, spec, raw);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!specs[name]) throw new FlagError(`unknown flag: --${name}`);
    } else if (a.startsWith('-') && a.length > 1) {
      const letter = a[1]!;
      name = byShort.get(letter);
      if (!name) throw new FlagError(`unknown shorthand flag: '${letter}' in ${a}`);
      inline = a.length > 2 ? a.slice(a[2] === '=' ? 3 : 2) : undefined;
    } else {
      args.push(a);
      continue;
    }
    const spec = specs[name]!;
    if (spec.type === 'bool') {
      values[name] = inline === undefined ? true : convert(name, spec, inline);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    set(name, spec, raw);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (values[name] !== undefined) continue;
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') set(name, spec, fromEnv);
    else if (spec.default !== undefined) values[name] = spec.type === 'duration' && typeof spec.default === 'string' ? parseDuration(spec.default) : spec.default;
  }
  return { values, args };
}

/** The `Flags:` section of a command's help, one line per flag, as cobra prints it. */
export function flagHelp(specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'bool' ? '' : ` ${s.type}`}`;
    const def = s.default === undefined || s.default === '' || s.default === false ? '' : ` (default ${Array.isArray(s.default) ? `[${s.default.join(',')}]` : String(s.default)})`;
    return [left, `${s.help}${def}${s.env ? ` [$${s.env}]` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 3;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}
