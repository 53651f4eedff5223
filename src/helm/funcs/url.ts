/** The parts of Go's net/url that Sprig's urlParse/urlJoin use. */
import { fromUtf8, utf8 } from './unicode.js';

export interface GoUrl {
  scheme: string;
  opaque: string;
  /** Userinfo as User.String() prints it, undefined when absent. */
  userinfo: string | undefined;
  host: string;
  hostname: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

type Mode = 'path' | 'host' | 'user' | 'fragment' | 'query';

function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  const ch = String.fromCharCode(c);
  if (mode === 'host' && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'user':
        return '@/?:'.includes(ch);
      case 'path':
        return ch === '?';
      case 'query':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

/** net/url escape(s, mode). */
export function urlEscape(s: string, mode: Mode): string {
  let out = '';
  for (const b of utf8(s)) {
    if (shouldEscape(b, mode)) {
      out += b === 0x20 && mode === 'query' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    } else out += String.fromCharCode(b);
  }
  return out;
}

/** net/url unescape (path/user/fragment modes: '+' stays '+'). */
export function urlUnescape(s: string): string {
  const bytes: number[] = [];
  const b = utf8(s);
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x25) {
      const hex = String.fromCharCode(b[i + 1] ?? 0, b[i + 2] ?? 0);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        const bad = fromUtf8(b.subarray(i, Math.min(i + 3, b.length)));
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(b[i]!);
  }
  return fromUtf8(Uint8Array.from(bytes));
}

/** net/url validUserinfo. */
function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

function splitHostPort(hostPort: string): string {
  let host = hostPort;
  const colon = hostPort.lastIndexOf(':');
  if (colon !== -1 && /^:\d*$/.test(hostPort.slice(colon))) host = hostPort.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

/** url.Parse. Throws `parse "<url>": <reason>` like Go. */
export function goUrlParse(raw: string): GoUrl {
  const fail = (why: string): never => {
    throw new Error(`unable to parse url: parse ${JSON.stringify(raw)}: ${why}`);
  };
  const u: GoUrl = { scheme: '', opaque: '', userinfo: undefined, host: '', hostname: '', path: '', rawQuery: '', fragment: '' };
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    try {
      u.fragment = urlUnescape(rest.slice(hash + 1));
    } catch (e) {
      fail((e as Error).message);
    }
    rest = rest.slice(0, hash);
  }
  if (/[\x00-\x1f\x7f]/.test(rest)) fail('net/url: invalid control character in URL');
  if (rest === '*') {
    u.path = '*';
    return u;
  }
  const sm = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(rest);
  if (rest.startsWith(':')) fail('missing protocol scheme');
  if (sm) {
    u.scheme = sm[1]!.toLowerCase();
    rest = rest.slice(sm[0].length);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    u.rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const seg = rest.split('/')[0]!;
    if (seg.includes(':')) fail('first path segment in URL cannot contain colon');
  }
  if (rest.startsWith('//') && !rest.startsWith('///')) {
    const authEnd = rest.indexOf('/', 2);
    const authority = authEnd >= 0 ? rest.slice(2, authEnd) : rest.slice(2);
    rest = authEnd >= 0 ? rest.slice(authEnd) : '';
    const at = authority.lastIndexOf('@');
    let host = authority;
    if (at >= 0) {
      const info = authority.slice(0, at);
      host = authority.slice(at + 1);
      if (!validUserinfo(info)) fail('net/url: invalid userinfo');
      const colon = info.indexOf(':');
      try {
        const user = urlUnescape(colon >= 0 ? info.slice(0, colon) : info);
        const pass = colon >= 0 ? urlUnescape(info.slice(colon + 1)) : undefined;
        u.userinfo = urlEscape(user, 'user') + (pass === undefined ? '' : `:${urlEscape(pass, 'user')}`);
      } catch (e) {
        fail((e as Error).message);
      }
    }
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !host.startsWith('[')) {
      const port = host.slice(colon);
      if (!/^:\d*$/.test(port)) fail(`invalid port ${JSON.stringify(port)} after host`);
    }
    u.host = host;
    u.hostname = splitHostPort(host);
  }
  try {
    u.path = urlUnescape(rest);
  } catch (e) {
    fail((e as Error).message);
  }
  return u;
}

/** URL.String() for a URL built from parts (RawPath/RawFragment unset). */
export function goUrlString(u: Omit<GoUrl, 'hostname'>): string {
  let buf = '';
  if (u.scheme !== '') buf += `${u.scheme}:`;
  if (u.opaque !== '') buf += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.userinfo !== undefined) {
      if (u.host !== '' || u.path !== '' || u.userinfo !== undefined) buf += '//';
      if (u.userinfo !== undefined) {
        const colon = u.userinfo.indexOf(':');
        let user = u.userinfo;
        let pass: string | undefined;
        if (!validUserinfo(u.userinfo)) throw new Error(`unable to parse userinfo in dict: parse ${JSON.stringify(`proto://${u.userinfo}@host`)}: net/url: invalid userinfo`);
        try {
          user = urlUnescape(colon >= 0 ? u.userinfo.slice(0, colon) : u.userinfo);
          pass = colon >= 0 ? urlUnescape(u.userinfo.slice(colon + 1)) : undefined;
        } catch (e) {
          throw new Error(`unable to parse userinfo in dict: ${(e as Error).message}`);
        }
        buf += `${urlEscape(user, 'user')}${pass === undefined ? '' : `:${urlEscape(pass, 'user')}`}@`;
      }
      if (u.host !== '') buf += urlEscape(u.host, 'host');
    }
    const path = u.path === '*' ? '*' : urlEscape(u.path, 'path');
    if (path !== '' && path[0] !== '/' && u.host !== '') buf += '/';
    if (buf === '' && path.split('/')[0]!.includes(':')) buf += './';
    buf += path;
  }
  if (u.rawQuery !== '') buf += `?${u.rawQuery}`;
  if (u.fragment !== '') buf += `#${urlEscape(u.fragment, 'fragment')}`;
  return buf;
}
