/**
 * A fast-check generator of random Helm templates with the values they read. Every template is
 * type-directed: each expression is built for a wanted type (string, int, float, bool, list, map,
 * any) from a scope that knows the type of `.`, `$`, every variable and every values path, so the
 * template executes without error in Helm (a Go template error aborts the whole `helm template`
 * run, and the conformance test renders hundreds of cases in one run).
 *
 * A case is one template file: its helpers (`define`) and a `main` template, rendered with the
 * case's own values subtree as `.`. See `caseFile` for how its output is kept valid YAML.
 */
import fc from 'fast-check';

type Elem = 'str' | 'int' | 'float' | 'any';
type Ty = 'str' | 'int' | 'float' | 'bool' | 'map' | 'any' | `list:${Elem}`;

/** One generated case: template file text, the values under `.Values.<name>`, features used. */
export interface TemplateCase {
  name: string;
  /** Helpers, then `main`; the file itself prints `out: <base64 of main>`. */
  helpers: string[];
  main: string;
  values: Record<string, unknown>;
  features: string[];
}

interface Rng {
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

interface Helper {
  name: string;
  arg: 'root' | Ty;
}

interface Scope {
  dot: Ty | 'root';
  /** `$` is the case's values root (paths are reachable from it). */
  dollarRoot: boolean;
  vars: { name: string; ty: Ty }[];
  inRange: boolean;
}

const LONG = 'The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs, again and again';
const STRINGS = [LONG, `${LONG}\n${LONG} `, 'line1\n  indented\nline3\n', 'trailing \n', ' leading\nx', 'a: b\n- c', '"quoted"', "'single'", '0777', '1e3', '+1', '.5', 'True', 'NO', 'y', 'é'.repeat(45), 'x\n\n\ny', '', 'a', 'abc', 'Hello World', 'x y  z', ' pad ', 'a,b,c', 'yes', 'null', '1', '3.5', '-', 'k: v', '#c', 'é ü', 'tab\there', 'two\nlines', 'q"t', "it's", 'ünïcödé', '日本', '0x1F', 'true', '~', '  ', 'a-b_c.d', '%d'];
const FLOATS = [0, 1, -1, 2, 3, 42, 1.5, -2.25, 0.1, 100, 1e6, 123456789, 1e21, 1e-7, 3.14159, 65536];
const TEXTS = ['', ' ', '\n', 'a', 'x: ', '  ', '\n  ', '-', ',', 'é', '|', ' = ', 'line\n', '\t'];
const VERBS = ['%v', '%s', '%d', '%q', '%x', '%5d', '%-4s|', '%05d', '%+d', '%t', '%T', '%.2f', '%8.3f', '%%', '%g', '%e', '%X', '%o', '%c', '%U', '%#v', '%6.2v', '%-8v|', '%3s'];

function jsonLit(s: string): string {
  return JSON.stringify(s);
}

/** Generates one case from fast-check's imperative generator. */
function generate(r: Rng, name: string): TemplateCase {
  const features = new Set<string>();
  const values = genValues(r);
  const paths = valuePaths(values);
  const helpers: Helper[] = [];
  const helperTexts: string[] = [];
  let varCount = 0;

  const varsOf = (sc: Scope, ty: Ty) => sc.vars.filter((v) => v.ty === ty || ty === 'any');
  const rootPrefix = (sc: Scope): string | undefined => (sc.dot === 'root' ? (r.chance(0.5) ? '.' : sc.dollarRoot ? '$.' : '.') : sc.dollarRoot ? '$.' : undefined);

  function path(sc: Scope, ty: Ty): string | undefined {
    const pre = rootPrefix(sc);
    if (pre === undefined) return undefined;
    const ok = paths.filter(([, t]) => t === ty || ty === 'any');
    if (ok.length === 0) return undefined;
    features.add('values-path');
    return pre + r.pick(ok)[0];
  }

  function dotOf(sc: Scope, ty: Ty): string | undefined {
    if (sc.dot === 'root') return ty === 'map' || ty === 'any' ? '.' : undefined;
    return sc.dot === ty || ty === 'any' ? '.' : undefined;
  }

  function strLit(): string {
    const s = r.pick(STRINGS);
    if (r.chance(0.15) && !s.includes('`')) return `\`${s}\``;
    return jsonLit(s);
  }

  function intLit(): string {
    return String(r.pick([0, 1, 2, 3, 5, 7, 10, -1, -3, 42, 100, 1000, 1000000]));
  }

  /** An operand: a literal, variable, path or parenthesised pipeline of type `ty`. */
  function expr(sc: Scope, ty: Ty, d: number): string {
    const leaf = (): string => {
      const cands: (() => string | undefined)[] = [
        () => path(sc, ty),
        () => {
          const vs = varsOf(sc, ty);
          if (vs.length === 0) return undefined;
          features.add('variable');
          return r.pick(vs).name;
        },
        () => dotOf(sc, ty),
        () => literal(ty),
      ];
      for (let i = 0; i < 6; i++) {
        const x = r.pick(cands)();
        if (x !== undefined) return x;
      }
      return literal(ty) ?? (ty === 'map' ? '(dict)' : '(list)');
    };
    if (d <= 0 || r.chance(0.35)) return leaf();
    const call = func(sc, ty, d - 1);
    return call === undefined ? leaf() : `(${call})`;
  }

  function literal(ty: Ty): string | undefined {
    switch (ty) {
      case 'str':
        return strLit();
      case 'int':
        return intLit();
      case 'float':
        return r.pick(['1.5', '0.25', '-2.5', '1e3', '2.0']);
      case 'bool':
        return r.pick(['true', 'false']);
      case 'any':
        return r.pick([strLit(), intLit(), 'true', 'nil', '1.5']);
      default:
        return undefined;
    }
  }

  const scalar = (): 'str' | 'int' | 'float' => r.pick(['str', 'int', 'float'] as const);
  const list = (): Ty => r.pick(['list:str', 'list:int', 'list:float', 'list:any'] as const);
  // Where Go names the type (typeOf, kindIs, %T, %!verb(type=…)): no ints, which may be int64 in
  // Go (Sprig's add, mul… return int64) while the value model has one int type (see KNOWN in the test).
  const notInt = (): Ty => r.pick(['str', 'float', 'bool', 'map', list()] as Ty[]);
  const notIntScalar = (): Ty => r.pick(['str', 'float', 'bool'] as Ty[]);

  /** A function call (no parentheses) producing `ty`. */
  function func(sc: Scope, ty: Ty, d: number): string | undefined {
    const e = (t: Ty) => expr(sc, t, d);
    const use = (f: string, text: string) => {
      features.add(f);
      return text;
    };
    switch (ty) {
      case 'str':
        return r.pick<() => string>([
          () => use('upper', r.chance(0.5) ? `upper ${e('str')}` : `${e('str')} | upper`),
          () => use('lower', `lower ${e('str')}`),
          () => use('trim', `trim ${e('str')}`),
          () => use('title', `title ${e('str')}`),
          () => use('quote', r.chance(0.5) ? `quote ${e('any')}` : `${e('any').replace(/^nil$/, '(print nil)')} | quote`),
          () => use('squote', `squote ${e('any')}`),
          () => use('toYaml', r.chance(0.5) ? `toYaml ${e(r.pick(['map', 'any', list()] as Ty[]))}` : `${e('map')} | toYaml`),
          () => use('toJson', `toJson ${e(r.pick(['map', 'any', list()] as Ty[]))}`),
          () => use('toString', `toString ${e('any')}`),
          () => use('printf', printf(sc, d)),
          () => use('print', `print ${e('any')} ${e('any')}`),
          () => use('replace', `replace ${jsonLit(r.pick(['a', ' ', ',', 'é', '']))} ${jsonLit(r.pick(['-', '', 'XY']))} ${e('str')}`),
          () => use('join', `join ${jsonLit(r.pick([',', ' ', '-', '']))} ${e(list())}`),
          () => use('indent', `indent ${r.int(0, 4)} ${e('str')}`),
          () => use('nindent', r.chance(0.5) ? `nindent ${r.int(0, 4)} ${e('str')}` : `${e('str')} | nindent ${r.int(0, 4)}`),
          () => use('ternary', `ternary ${e('str')} ${e('str')} ${e('bool')}`),
          () => use('default', r.chance(0.5) ? `default ${e('str')} ${e('str')}` : `${e('str')} | default ${strLit()}`),
          () => use('b64enc', `b64enc ${e('str')}`),
          () => use('sha256sum', `sha256sum ${e('str')}`),
          () => use('cat', `cat ${e('any')} ${e('any')}`),
          () => use('trunc', `trunc ${r.int(-3, 5)} ${e('str')}`),
          () => use('repeat', `repeat ${r.int(0, 3)} ${e('str')}`),
          // start 0: any other start panics in Sprig when it is past the end (a pinned case checks that)
          () => use('substr', `substr 0 ${r.int(-1, 6)} ${e('str')}`),
          () => use('kindOf', `kindOf ${e(notInt())}`),
          () => use('typeOf', `typeOf ${e(notInt())}`),
          () => use('snakecase', `snakecase ${e('str')}`),
          () => use('nospace', `nospace ${e('str')}`),
          () => use('b64dec', `b64dec (b64enc ${e('str')})`),
          () => use('trimSuffix', `trimSuffix ${jsonLit(r.pick(['c', ' ', 'd']))} ${e('str')}`),
          () => use('trimAll', `trimAll ${jsonLit(r.pick(['a', ' -', 'é']))} ${e('str')}`),
          () => use('toPrettyJson', `toPrettyJson ${e(r.pick(['map', 'any', list()] as Ty[]))}`),
          () => use('regexReplaceAll', `regexReplaceAll ${jsonLit(r.pick(['[a-c]', '\\s+', '^', '(\\w)(\\w*)', 'x*']))} ${e('str')} ${jsonLit(r.pick(['-', '${1}', '<$0>', '']))}`),
          () => use('wrap', `wrap ${r.int(1, 8)} ${e('str')}`),
          () => use('abbrev', `abbrev ${r.int(4, 9)} ${e('str')}`),
          () => use('camelcase', `camelcase ${e('str')}`),
          () => use('join', `join ${jsonLit(',')} (list ${e('any')} ${e('any')})`),
          () => use('tpl', `tpl ${jsonLit(r.pick(['{{ .a }}', '{{ .a | quote }}-{{ len . }}', '{{ with .a }}{{ . }}{{ end }}', 'x']))} (dict ${jsonLit('a')} ${e('any')})`),
          () => {
            const h = helpers.filter((x) => x.arg === 'root' ? sc.dot === 'root' || sc.dollarRoot : true);
            if (h.length === 0) return use('upper', `upper ${e('str')}`);
            const hp = r.pick(h);
            const arg = hp.arg === 'root' ? (sc.dot === 'root' ? '.' : '$') : e(hp.arg);
            return use('include', `include ${jsonLit(hp.name)} ${arg}`);
          },
        ])();
      case 'int':
        return r.pick<() => string>([
          () => use('len', `len ${e(r.pick(['str', 'map', list()] as Ty[]))}`),
          () => use('add', `add ${e('int')} ${e('int')}`),
          () => use('sub', `sub ${e('int')} ${e('int')}`),
          () => use('mul', `mul ${e('int')} ${r.int(-3, 9)}`),
          () => use('div', `div ${e('int')} ${r.int(1, 7)}`),
          () => use('mod', `mod ${e('int')} ${r.int(1, 7)}`),
          () => use('max', `max ${e('int')} ${e('int')}`),
          () => use('min', `min ${e('int')} ${e('int')}`),
          () => use('add1', `add1 ${e('int')}`),
          () => use('int', `int ${e('float')}`),
          () => use('atoi', `atoi ${jsonLit(r.pick(['12', '-3', 'x', '']))}`),
        ])();
      case 'float':
        return r.pick<() => string>([
          () => use('float64', `float64 ${e('int')}`),
          () => use('addf', `addf ${e('float')} ${e('float')}`),
          () => use('mulf', `mulf ${e('float')} ${e('float')}`),
          () => use('maxf', `maxf ${e('float')} ${e('float')}`),
        ])();
      case 'bool':
        return r.pick<() => string>([
          () => {
            const t = scalar();
            return use('compare', `${r.pick(['eq', 'ne', 'lt', 'le', 'gt', 'ge'])} ${e(t)} ${e(t)}`);
          },
          () => use('eq', `eq ${e('bool')} ${e('bool')}`),
          () => use('and', `and ${e('bool')} ${e('bool')}`),
          () => use('or', `or ${e('bool')} ${e('bool')}`),
          () => use('not', `not ${e('any')}`),
          () => use('contains', `contains ${jsonLit(r.pick(['a', 'b', ' ', '']))} ${e('str')}`),
          () => use('hasPrefix', `hasPrefix ${jsonLit(r.pick(['a', 'H', '']))} ${e('str')}`),
          () => use('empty', `empty ${e(r.pick(['any', 'map', 'str', 'int', list()] as Ty[]))}`),
          () => use('hasKey', `hasKey ${e('map')} ${jsonLit(r.pick(['a', 's1', 'm1', 'x']))}`),
          // (lists of strings or floats: Go's DeepEqual tells int from int64, our model cannot)
          () => use('has', `has ${e(notIntScalar())} ${e(r.pick(['list:str', 'list:float'] as Ty[]))}`),
          () => use('kindIs', `kindIs ${jsonLit(r.pick(['string', 'map', 'slice', 'float64', 'bool', 'invalid']))} ${e(notInt())}`),
        ])();
      case 'map':
        return r.pick<() => string>([
          () => use('dict', `dict${Array.from({ length: r.int(0, 3) }, () => ` ${jsonLit(r.pick(['a', 'b', 'c', 'key', 'Z', '1']))} ${e('any')}`).join('')}`),
          () => use('omit', `omit ${e('map')} ${jsonLit(r.pick(['a', 's1', 'm1']))}`),
          () => use('pick', `pick ${e('map')} ${jsonLit(r.pick(['a', 's1', 'm1', 'l1']))}`),
          () => use('deepCopy', `deepCopy ${e('map')}`),
          () => use('fromJson', `fromJson (toJson ${e('map')})`),
          () => use('fromYaml', `fromYaml (toYaml ${e('map')})`),
          // mergo merges into the maps dst already holds: a copy keeps values acyclic (a cycle
          // crashes helm when printed: "goroutine stack exceeds")
          () => use('merge', `merge (dict ${jsonLit('a')} ${e('any')}) (deepCopy ${e('map')})`),
          () => use('set', `set (dict) ${jsonLit(r.pick(['a', 'b']))} ${e('any')}`),
        ])();
      case 'any':
        return r.pick<() => string>([
          () => func(sc, r.pick(['str', 'int', 'float', 'bool', 'map', list()] as Ty[]), d) ?? 'nil',
          () => use('default', `default ${e('any')} ${e('any')}`),
          () => use('coalesce', `coalesce ${e('any')} ${e('any')} ${e('any')}`),
          () => use('first', `first ${e(list())}`),
          () => use('last', `last ${e(list())}`),
          () => use('get', `get ${e('map')} ${jsonLit(r.pick(['a', 's1', 'b', 'x']))}`),
          () => use('index', `index ${e('map')} ${jsonLit(r.pick(['a', 'i1', 'key']))}`),
          () => use('and', `and ${e('any')} ${e('any')}`),
          () => use('or', `or ${e('any')} ${e('any')}`),
          () => use('ternary', `ternary ${e('any')} ${e('any')} ${e('bool')}`),
        ])();
      default: {
        const el = ty.slice(5) as Elem;
        const gens: (() => string)[] = [
          () => use('list', `list${Array.from({ length: r.int(0, 4) }, () => ` ${e(el)}`).join('')}`),
          () => use('append', `append ${e(ty)} ${e(el)}`),
          () => use('reverse', `reverse ${e(ty)}`),
          () => (el === 'str' || el === 'float' ? use('uniq', `uniq ${e(ty)}`) : use('reverse', `reverse ${e(ty)}`)),
          () => use('rest', `rest ${e(ty)}`),
          () => use('concat', `concat ${e(ty)} ${e(ty)}`),
        ];
        if (el === 'str') {
          gens.push(
            () => use('splitList', `splitList ${jsonLit(r.pick([',', ' ', '']))} ${e('str')}`),
            () => use('keys', `keys ${e('map')} | sortAlpha`),
            () => use('sortAlpha', `sortAlpha ${e(list())}`),
          );
        }
        if (el === 'int') gens.push(() => use('until', `until ${r.int(0, 4)}`));
        if (el === 'any') gens.push(() => use('compact', `compact ${e(list())}`));
        return r.pick(gens)();
      }
    }
  }

  function printf(sc: Scope, d: number): string {
    const n = r.int(1, 3);
    let fmt = '';
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = r.pick(VERBS);
      fmt += (r.chance(0.3) ? r.pick(['-', ' ', 'x=', ':']) : '') + v;
      if (v === '%%') continue;
      const t: Ty =
        v === '%d' || v === '%5d' || v === '%05d' || v === '%+d' || v === '%c' || v === '%U'
          ? r.chance(0.8) ? 'int' : notIntScalar()
          : v === '%s' || v === '%q' || v === '%-4s|' || v === '%3s'
            ? r.chance(0.8) ? 'str' : notIntScalar()
            : v.includes('f') || v === '%g' || v === '%e'
              ? r.chance(0.8) ? 'float' : notIntScalar()
              : v === '%t'
                ? 'bool'
                : v === '%T'
                  ? notInt()
                  : r.pick(['str', 'int', 'float', 'map', list()] as Ty[]);
      args.push(expr(sc, t, d));
    }
    if (r.chance(0.1)) args.push(expr(sc, 'str', d)); // an extra argument: %!(EXTRA …)
    return `printf ${jsonLit(fmt)} ${args.join(' ')}`;
  }

  /** A top-level pipeline: a call or operand, maybe with a declaration. */
  function pipeline(sc: Scope, ty: Ty, d: number): string {
    const f = r.chance(0.7) ? func(sc, ty, d) : undefined;
    const x = f ?? expr(sc, ty, d);
    // `nil` is an argument, never a command ("nil is not a command").
    return x === 'nil' ? 'print nil' : x;
  }

  const open = () => (r.chance(0.3) ? '{{- ' : '{{ ');
  const close = () => (r.chance(0.3) ? ' -}}' : ' }}');
  const anyTy = (): Ty => r.pick(['str', 'str', 'int', 'float', 'bool', 'map', 'any', list()] as Ty[]);

  function block(sc: Scope, d: number, n: number): string {
    let out = '';
    const local: Scope = { ...sc, vars: [...sc.vars] };
    for (let i = 0; i < n; i++) out += stmt(local, d);
    return out;
  }

  function stmt(sc: Scope, d: number): string {
    const kinds = ['text', 'text', 'print', 'print', 'print', 'var', 'comment'];
    if (d > 0) kinds.push('if', 'if', 'with', 'range', 'range', 'assign');
    if (sc.inRange) kinds.push('break');
    switch (r.pick(kinds)) {
      case 'text':
        return r.pick(TEXTS);
      case 'comment':
        features.add('comment');
        return r.chance(0.5) ? '{{/* c */}}' : '{{- /* c */ -}}';
      case 'print': {
        if (r.chance(0.5)) features.add('trim');
        return `${open()}${pipeline(sc, anyTy(), Math.min(d + 1, 3))}${close()}`;
      }
      case 'var': {
        const ty = anyTy();
        const name = `$v${varCount++}`;
        const text = `${open()}${name} := ${pipeline(sc, ty, 2)}${close()}`;
        sc.vars.push({ name, ty });
        features.add('variable');
        return text;
      }
      case 'assign': {
        if (sc.vars.length === 0) return '';
        const v = r.pick(sc.vars);
        features.add('assign');
        return `${open()}${v.name} = ${pipeline(sc, v.ty, 1)}${close()}`;
      }
      case 'break':
        features.add('break');
        return `${open()}if ${expr(sc, 'bool', 1)} }}${r.pick(['{{ break }}', '{{ continue }}'])}{{ end }}`;
      case 'if': {
        features.add('if');
        let s = `${open()}if ${pipeline(sc, r.pick(['bool', 'bool', 'any', 'str', 'int', list(), 'map'] as Ty[]), 2)}${close()}${block(sc, d - 1, r.int(1, 3))}`;
        if (r.chance(0.3)) s += `${open()}else if ${pipeline(sc, 'bool', 1)}${close()}${block(sc, d - 1, r.int(1, 2))}`;
        if (r.chance(0.5)) s += `${open()}else${close()}${block(sc, d - 1, r.int(1, 2))}`;
        return `${s}${open()}end${close()}`;
      }
      case 'with': {
        features.add('with');
        const ty = r.pick(['str', 'map', 'int', list(), 'any'] as Ty[]);
        const inner: Scope = { ...sc, dot: ty, vars: [...sc.vars] };
        let s = `${open()}with ${pipeline(sc, ty, 2)}${close()}${block(inner, d - 1, r.int(1, 3))}`;
        if (r.chance(0.4)) s += `${open()}else${close()}${block(sc, d - 1, 1)}`;
        return `${s}${open()}end${close()}`;
      }
      default: {
        // range over a list, a map or an int
        const kind = r.pick(['list', 'list', 'map', 'int']);
        features.add(`range-${kind}`);
        const ty: Ty = kind === 'list' ? list() : kind === 'map' ? 'map' : 'int';
        // Over ints the Helm way: `until` (helm 3.17 is built with Go 1.23, whose text/template
        // cannot range over an int: "range can't iterate over 3").
        const over = kind === 'int' ? (r.chance(0.6) ? `until ${r.int(0, 3)}` : `until (len ${expr(sc, 'str', 1)})`) : pipeline(sc, ty, 2);
        const elem: Ty = kind === 'list' ? (ty.slice(5) as Ty) : kind === 'map' ? 'any' : 'int';
        // `.` is the element even when variables are declared.
        const inner: Scope = { ...sc, dot: elem, vars: [...sc.vars], inRange: true };
        let head: string;
        const form = r.int(0, 2);
        if (form === 0) {
          head = `range ${over}`;
        } else if (form === 1) {
          const v = `$e${varCount++}`;
          head = `range ${v} := ${over}`;
          inner.vars.push({ name: v, ty: elem });
        } else {
          const k = `$k${varCount++}`;
          const v = `$e${varCount++}`;
          head = `range ${k}, ${v} := ${over}`;
          inner.vars.push({ name: k, ty: kind === 'map' ? 'str' : 'int' }, { name: v, ty: elem });
        }
        let s = `${open()}${head}${close()}${block(inner, d - 1, r.int(1, 3))}`;
        if (r.chance(0.3)) s += `${open()}else${close()}${block(sc, d - 1, 1)}`;
        return `${s}${open()}end${close()}`;
      }
    }
  }

  const nHelpers = r.int(0, 2);
  for (let i = 0; i < nHelpers; i++) {
    const arg = r.pick(['root', 'str', 'int', 'map', 'list:any'] as const);
    const sc: Scope = { dot: arg, dollarRoot: arg === 'root', vars: [], inRange: false };
    const body = block(sc, 2, r.int(1, 3));
    const hname = `${name}.h${i}`;
    const trim = r.chance(0.5);
    helperTexts.push(`{{${trim ? '- ' : ' '}define ${jsonLit(hname)}${trim ? ' -' : ' '}}}${body}{{${trim ? '- ' : ' '}end${trim ? ' -' : ' '}}}`);
    helpers.push({ name: hname, arg });
    features.add('define');
  }
  const main = block({ dot: 'root', dollarRoot: true, vars: [], inRange: false }, 3, r.int(2, 6));
  return { name, helpers: helperTexts, main, values, features: [...features].sort() };
}

function genScalar(r: Rng): unknown {
  return r.pick([() => r.pick(STRINGS), () => r.pick(FLOATS), () => r.chance(0.5), () => null])();
}

function genValues(r: Rng): Record<string, unknown> {
  const nested = (d: number): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    for (const k of ['a', 'b', 'key', 'Z', 'x_y', '10', '2'].filter(() => r.chance(0.5))) {
      m[k] = d > 0 && r.chance(0.3) ? nested(d - 1) : r.chance(0.2) ? [genScalar(r), genScalar(r)] : genScalar(r);
    }
    return m;
  };
  return {
    s1: r.pick(STRINGS),
    s2: r.pick(STRINGS),
    i1: r.pick([0, 1, 2, 3, 42, -7, 1000000]),
    f1: r.pick(FLOATS),
    b1: r.chance(0.5),
    n1: null,
    l1: Array.from({ length: r.int(0, 3) }, () => r.pick(STRINGS)),
    l2: Array.from({ length: r.int(0, 3) }, () => r.pick(FLOATS)),
    l3: Array.from({ length: r.int(0, 3) }, () => genScalar(r)),
    m1: nested(2),
    em: {},
  };
}

/** Template-typed paths of the values: (`a.b`, type). Numbers in `.Values` are float64. */
function valuePaths(v: Record<string, unknown>, pre = ''): [string, Ty][] {
  const out: [string, Ty][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (!/^[A-Za-z_]\w*$/.test(k)) continue;
    const p = pre + k;
    if (typeof x === 'string') out.push([p, 'str']);
    else if (typeof x === 'number') out.push([p, 'float']);
    else if (typeof x === 'boolean') out.push([p, 'bool']);
    else if (x === null) out.push([p, 'any']);
    else if (Array.isArray(x)) {
      const el: Elem = x.every((y) => typeof y === 'string') ? 'str' : x.every((y) => typeof y === 'number') ? 'float' : 'any';
      out.push([p, `list:${el}`]);
    } else {
      out.push([p, 'map']);
      out.push(...valuePaths(x as Record<string, unknown>, `${p}.`));
    }
  }
  if (pre === '') out.push(['missing', 'any']);
  return out;
}

/** Random template cases (names `c0`, `c1`, …) drawn deterministically from `seed`. */
export function randomCases(count: number, seed: number): TemplateCase[] {
  const arb = fc.gen();
  return fc.sample(arb, { seed, numRuns: count }).map((g, i) => {
    const r: Rng = {
      int: (lo, hi) => g(fc.integer, { min: lo, max: hi }),
      pick: (xs) => xs[g(fc.nat, { max: xs.length - 1 })]!,
      chance: (p) => g(fc.integer, { min: 0, max: 999 }) < p * 1000,
    };
    return generate(r, `c${i}`);
  });
}

/**
 * The template file of a case. Helm parses every rendered file as YAML (and a parse error fails
 * the whole run), so the case's output never reaches the file raw: `main` is a named template
 * (no trim markers on its own define, so its leading/trailing whitespace is kept) whose output is
 * included, base64-encoded and quoted — one YAML line whatever the output is, byte-exact.
 * `.` in `main` is the case's values subtree.
 */
export function caseFile(c: TemplateCase): string {
  return `${c.helpers.join('\n')}\n{{ define "${c.name}.main" }}${c.main}{{ end }}\nout: {{ include "${c.name}.main" .Values.${c.name} | b64enc | quote }}\n`;
}
