/** Sprig's encoding, hash, JSON, reflection, path, URL and UUID functions. */
import { createHash } from 'node:crypto';
import type { FuncMap, GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { argAny, argMap, argString, arity, deepEqual, kindOf, typeOf } from './go.js';
import { marshalJSON, parseJSON } from './json.js';
import { fromUtf8, utf8 } from './unicode.js';
import { goUrlParse, goUrlString } from './url.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64.StdEncoding.DecodeString with Go's error messages. */
export function decodeBase64Strict(s: string): Uint8Array {
  return decodeBase(s, B64, 6, 'base64');
}
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Strict decoder for base64.StdEncoding / base32.StdEncoding; errors like Go's CorruptInputError. */
function decodeBase(s: string, alphabet: string, bits: number, name: string): Uint8Array {
  const groupChars = bits === 6 ? 4 : 8;
  // Go skips \r and \n anywhere in the input.
  const chars: { c: string; i: number }[] = [];
  const b = utf8(s);
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x0a || c === 0x0d) continue;
    chars.push({ c: String.fromCharCode(c), i });
  }
  const err = (i: number): Error => new Error(`illegal ${name} data at input byte ${i}`);
  const out: number[] = [];
  for (let g = 0; g < chars.length; g += groupChars) {
    const group = chars.slice(g, g + groupChars);
    let acc = 0n;
    let n = 0;
    let padAt = -1;
    for (let j = 0; j < group.length; j++) {
      const { c, i } = group[j]!;
      if (c === '=') {
        if (padAt < 0) padAt = j;
        continue;
      }
      if (padAt >= 0) throw err(i);
      const v = alphabet.indexOf(c);
      if (v < 0) throw err(i);
      acc = (acc << BigInt(bits)) | BigInt(v);
      n++;
    }
    if (group.length < groupChars) {
      throw err(padAt >= 0 ? b.length : group[0]!.i);
    }
    if (padAt >= 0 && g + groupChars < chars.length) throw err(chars[g + groupChars]!.i);
    const validCounts = bits === 6 ? [2, 3, 4] : [2, 4, 5, 7, 8];
    if (padAt >= 0 && !validCounts.includes(n)) throw err(group[padAt]!.i);
    const total = n * bits;
    const nbytes = Math.floor(total / 8);
    acc >>= BigInt(total - nbytes * 8);
    for (let k = nbytes - 1; k >= 0; k--) out.push(Number((acc >> BigInt(k * 8)) & 0xffn));
  }
  return Uint8Array.from(out);
}

function base32Encode(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 5) {
    const chunk = b.subarray(i, i + 5);
    let acc = 0n;
    for (let j = 0; j < 5; j++) acc = (acc << 8n) | BigInt(chunk[j] ?? 0);
    const chars = [2, 4, 5, 7, 8][chunk.length - 1]!;
    for (let j = 0; j < 8; j++) out += j < chars ? B32[Number((acc >> BigInt(35 - j * 5)) & 31n)] : '=';
  }
  return out;
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** uuid v4 from 16 random bytes. */
export function uuidv4(random: () => number): string {
  const b = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** path.Clean. */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** path.Base. */
export function pathBase(p: string): string {
  if (p === '') return '.';
  let s = p.replace(/\/+$/, '');
  if (s === '') return '/';
  const i = s.lastIndexOf('/');
  if (i >= 0) s = s.slice(i + 1);
  return s;
}

/** path.Dir. */
export function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  return pathClean(p.slice(0, i + 1));
}

/** path.Ext. */
export function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

/** Encoding, hashing, reflection, path, URL and UUID functions of Sprig. */
export function encodingFuncs(random: () => number): FuncMap {
  const s1 = (fn: string, f: (s: string) => GoValue) => (...a: GoValue[]) => {
    arity(a, fn, 1);
    return f(argString(a[0], fn));
  };
  const hash = (alg: string) => (s: string) => createHash(alg).update(utf8(s)).digest('hex');
  const json = (fn: string, opts: { indent?: string; escapeHTML?: boolean }, must: boolean) => (...a: GoValue[]) => {
    arity(a, fn, 1);
    try {
      return marshalJSON(argAny(a[0]), opts);
    } catch (e) {
      if (must) throw e;
      return '';
    }
  };
  return {
    b64enc: s1('b64enc', (s) => utf8(s).toString('base64')),
    b64dec: s1('b64dec', (s) => {
      try {
        return fromUtf8(decodeBase(s, B64, 6, 'base64'));
      } catch (e) {
        return (e as Error).message;
      }
    }),
    b32enc: s1('b32enc', (s) => base32Encode(utf8(s))),
    b32dec: s1('b32dec', (s) => {
      try {
        return fromUtf8(decodeBase(s, B32, 5, 'base32'));
      } catch (e) {
        return (e as Error).message;
      }
    }),
    sha1sum: s1('sha1sum', hash('sha1')),
    sha256sum: s1('sha256sum', hash('sha256')),
    sha512sum: s1('sha512sum', hash('sha512')),
    adler32sum: s1('adler32sum', (s) => String(adler32(utf8(s)))),
    toJson: json('toJson', {}, false),
    mustToJson: json('mustToJson', {}, true),
    toPrettyJson: json('toPrettyJson', { indent: '  ' }, false),
    mustToPrettyJson: json('mustToPrettyJson', { indent: '  ' }, true),
    toRawJson: json('toRawJson', { escapeHTML: false }, true),
    mustToRawJson: json('mustToRawJson', { escapeHTML: false }, true),
    fromJson: s1('fromJson', (s) => {
      try {
        return parseJSON(s);
      } catch {
        return null;
      }
    }),
    mustFromJson: s1('mustFromJson', parseJSON),
    typeOf: (...a) => typeOf(argAny(a[0])),
    typeIs: (...a) => argString(a[0], 'typeIs') === typeOf(argAny(a[1])),
    typeIsLike: (...a) => {
      const t = typeOf(argAny(a[1]));
      const target = argString(a[0], 'typeIsLike');
      return target === t || `*${target}` === t;
    },
    kindOf: (...a) => kindOf(argAny(a[0])),
    kindIs: (...a) => argString(a[0], 'kindIs') === kindOf(argAny(a[1])),
    deepEqual: (...a) => {
      arity(a, 'deepEqual', 2);
      return deepEqual(a[0], a[1]);
    },
    getHostByName: () => '',
    base: s1('base', pathBase),
    dir: s1('dir', pathDir),
    clean: s1('clean', pathClean),
    ext: s1('ext', pathExt),
    isAbs: s1('isAbs', (s) => s.startsWith('/')),
    osBase: s1('osBase', pathBase),
    osDir: s1('osDir', pathDir),
    osClean: s1('osClean', pathClean),
    osExt: s1('osExt', pathExt),
    osIsAbs: s1('osIsAbs', (s) => s.startsWith('/')),
    uuidv4: () => uuidv4(random),
    urlParse: s1('urlParse', (s) => {
      const u = goUrlParse(s);
      const d: GoMap = {
        scheme: u.scheme,
        host: u.host,
        hostname: u.hostname,
        path: u.path,
        query: u.rawQuery,
        opaque: u.opaque,
        fragment: u.fragment,
        userinfo: u.userinfo ?? '',
      };
      return d;
    }),
    urlJoin: (...a) => {
      arity(a, 'urlJoin', 1);
      const d = argMap(a[0], 'urlJoin');
      const get = (k: string): string => {
        if (!Object.hasOwn(d, k)) return '';
        const v = d[k];
        if (typeof v !== 'string') throw new Error(`unable to parse ${k} key, must be of type string, but ${isGoMap(v) ? 'map' : kindOf(v)} found`);
        return v;
      };
      const userinfo = get('userinfo');
      return goUrlString({
        scheme: get('scheme'),
        host: get('host'),
        path: get('path'),
        rawQuery: get('query'),
        opaque: get('opaque'),
        fragment: get('fragment'),
        userinfo: userinfo === '' ? undefined : userinfo,
      });
    },
  };
}
