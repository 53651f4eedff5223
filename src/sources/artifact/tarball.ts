/**
 * Deterministic tar.gz archives: regular files only, sorted by path, mode 0644 or 0755, uid/gid
 * 0, mtime 0, no user names — the same tree always gives the same bytes and so the same digest.
 * Long paths use PAX headers.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarFile {
  /** Relative, `/`-separated. */
  path: string;
  content: Uint8Array;
  executable?: boolean;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mode: number, type: string, prefix = ''): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(0, 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  if (prefix) h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return h;
}

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512, 0);

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${len}${body}`) !== len) len = Buffer.byteLength(`${len}${body}`);
  return `${len}${body}`;
}

/** The uncompressed tar stream. */
export function tar(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    const mode = f.executable ? 0o755 : 0o644;
    const content = Buffer.from(f.content.buffer, f.content.byteOffset, f.content.byteLength);
    if (Buffer.byteLength(f.path) > 100) {
      const pax = Buffer.from(paxRecord('path', f.path));
      parts.push(header('PaxHeader', pax.length, 0o644, 'x'), pax, pad(pax.length));
      parts.push(header(f.path.slice(0, 99), content.length, mode, '0'));
    } else {
      parts.push(header(f.path, content.length, mode, '0'));
    }
    parts.push(content, pad(content.length));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

export interface Archive {
  bytes: Buffer;
  /** `sha256:<hex>` of the compressed bytes, as Flux reports it. */
  digest: string;
  size: number;
}

export function tarGz(files: readonly TarFile[]): Archive {
  const bytes = gzipSync(tar(files), { level: 6 });
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length };
}
