/**
 * Reading a chart archive (.tgz) in memory, synchronously: gunzip, then the ustar/pax/GNU tar
 * records. Paths are checked as Helm checks them, so an archive cannot name a file outside the
 * chart root.
 */
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import type { ChartFile } from './types.js';
import { HelmError } from './errors.js';

function str(buf: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && buf[end] !== 0) end++;
  return Buffer.from(buf.subarray(start, end)).toString('utf8');
}

function octal(buf: Uint8Array, start: number, len: number): number {
  // GNU base-256 for large sizes.
  if ((buf[start]! & 0x80) !== 0) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = str(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxRecords(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = Buffer.from(data).toString('utf8');
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(' ', i);
    if (sp < 0) break;
    const len = parseInt(text.slice(i, sp), 10);
    if (!(len > 0)) break;
    const rec = Buffer.from(text.slice(i)).subarray(0, len).toString('utf8');
    const body = rec.slice(rec.indexOf(' ') + 1).replace(/\n$/, '');
    const eq = body.indexOf('=');
    if (eq > 0) out[body.slice(0, eq)] = body.slice(eq + 1);
    i += Buffer.byteLength(rec);
  }
  return out;
}

/** Helm's `LoadArchiveFiles`: the files of a chart archive, relative to its top directory. */
export function readChartArchive(archive: Uint8Array, what = 'chart archive'): ChartFile[] {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(archive);
  } catch (e) {
    throw new HelmError(`file '${what}' does not appear to be a valid chart file (details: gzip: invalid header)`, { cause: e });
  }
  const files: ChartFile[] = [];
  let pos = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const magic = str(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? str(header, 345, 155) : '';
    let name = prefix ? `${prefix}/${str(header, 0, 100)}` : str(header, 0, 100);
    const dataStart = pos + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    pos = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = str(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) name = longName;
    if (pax.path !== undefined) name = pax.path;
    longName = undefined;
    pax = {};
    if (type === '5' || name.endsWith('/')) continue;
    if (type !== '0' && type !== '7' && type !== '\0') continue;
    const delimiter = name.includes('\\') ? '\\' : '/';
    const parts = name.split(delimiter);
    let n = parts.slice(1).join('/');
    if (n.startsWith('/')) throw new HelmError('chart illegally contains absolute paths');
    n = path.posix.normalize(n);
    if (n === '.' || n === '') throw new HelmError(`chart illegally contains content outside the base directory: ${JSON.stringify(name)}`);
    if (n.startsWith('..')) throw new HelmError('chart illegally references parent directory');
    if (/^[a-zA-Z]:\//.test(n)) throw new HelmError('chart contains illegally named files');
    if (parts[0] === 'Chart.yaml') throw new HelmError('chart yaml not in base directory');
    files.push({ name: n.replace(/\/$/, ''), data: stripBom(data) });
  }
  if (files.length === 0) throw new HelmError('no files in chart archive');
  return files;
}

export function stripBom(data: Uint8Array): Uint8Array {
  return data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
}
