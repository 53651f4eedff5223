import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HelmError } from '../../../src/helm/chart/errors.js';
import { gobwasGlob, goMatch } from '../../../src/helm/chart/glob.js';
import { HelmIgnore } from '../../../src/helm/chart/ignore.js';
import { loadChart, loadChartArchive, loadChartFromFiles } from '../../../src/helm/chart/load.js';
import type { Chart } from '../../../src/helm/chart/types.js';
import { FIXTURES, PODINFO } from './oracle.js';

/** A gzipped tar archive from (path, content) entries, written by hand (ustar). */
export function makeTgz(entries: [string, string][]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

function names(c: Chart): string[] {
  return c.files.map((f) => f.name).sort();
}

function readTree(dir: string, rel = ''): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const n of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${n}` : n;
    if (statSync(path.join(dir, r)).isDirectory()) Object.assign(out, readTree(dir, r));
    else out[r] = readFileSync(path.join(dir, r));
  }
  return out;
}

describe('loading charts', () => {
  const shopDir = path.join(FIXTURES, 'shop');

  it('loads a chart directory, honouring .helmignore', () => {
    const c = loadChart(shopDir);
    expect(c.metadata).toMatchObject({ name: 'shop', version: '1.4.2', appVersion: '2.0.1', apiVersion: 'v2', kubeVersion: '>=1.25.0-0' });
    expect(c.metadata.dependencies?.map((d) => d.alias ?? d.name)).toEqual(['lib', 'db', 'redis', 'metrics']);
    expect(c.metadata.dependencies?.[1]?.importValues).toEqual(['data', { child: 'info', parent: 'dbinfo' }]);
    expect(names(c)).toEqual([
      '.helmignore', 'crds/widgets.yaml', 'files/conf/app.properties', 'files/conf/logging.properties', 'files/motd.txt', 'files/token.txt',
    ]);
    expect(c.templates.map((t) => t.name)).toContain('templates/_helpers.tpl');
    expect(c.values.replicaCount).toBe(2);
    expect(c.schema).toBeDefined();
  });

  it('loads subcharts from directories and .tgz archives', () => {
    const c = loadChart(shopDir);
    expect(c.dependencies.map((d) => `${d.metadata.name}@${d.metadata.version}`)).toEqual(['cache@0.2.0', 'db@1.2.3', 'lib@0.1.0', 'metrics@0.3.0']);
    const db = c.dependencies[1]!;
    expect(db.parent).toBe(c);
    expect(db.values).toMatchObject({ enabled: false, info: { host: 'db.internal' } });
    expect(db.templates.map((t) => t.name)).toEqual(['templates/service.yaml']);
  });

  it('loads the same chart from an in-memory file map', () => {
    const fromDisk = loadChart(shopDir);
    const fromFiles = loadChartFromFiles(readTree(shopDir));
    expect(names(fromFiles)).toEqual(names(fromDisk));
    expect(fromFiles.metadata).toEqual(fromDisk.metadata);
    expect(fromFiles.values).toEqual(fromDisk.values);
    expect(fromFiles.dependencies.map((d) => d.metadata.name)).toEqual(fromDisk.dependencies.map((d) => d.metadata.name));
  });

  it('loads podinfo (apiVersion v1 chart)', () => {
    const c = loadChart(PODINFO);
    expect(c.metadata).toMatchObject({ name: 'podinfo', version: '6.14.1', apiVersion: 'v1' });
    expect(c.templates.length).toBeGreaterThan(10);
    expect(c.files.map((f) => f.name)).toContain('values-prod.yaml');
  });

  it('reads requirements.yaml of a v1 chart and keeps it in Files', () => {
    const c = loadChart(path.join(FIXTURES, 'legacy'));
    expect(c.metadata.dependencies?.[0]).toMatchObject({ name: 'child', version: '2.x', condition: 'child.enabled' });
    expect(names(c)).toContain('requirements.yaml');
  });

  it('loads a chart archive', () => {
    const c = loadChartArchive(makeTgz([['mychart/Chart.yaml', 'apiVersion: v2\nname: mychart\nversion: 1.0.0\n'], ['mychart/templates/a.yaml', 'a: 1\n']]));
    expect(c.metadata.name).toBe('mychart');
    expect(c.templates.map((t) => t.name)).toEqual(['templates/a.yaml']);
  });

  it.each<[[string, string][], string]>([
    [[['mychart/../../etc/passwd', 'x']], 'chart illegally references parent directory'],
    [[['mychart//abs.txt', 'x']], 'chart illegally contains absolute paths'],
    [[['Chart.yaml', 'x']], 'chart illegally contains content outside the base directory'],
    [[['mychart/values.yaml', 'a: 1\n']], 'Chart.yaml file is missing'],
    [[['mychart/Chart.yaml', 'apiVersion: v2\nname: x\nversion: one\n']], 'chart.metadata.version "one" is invalid'],
    [[['mychart/Chart.yaml', 'apiVersion: v2\nversion: 1.0.0\n']], 'chart.metadata.name is required'],
  ])('rejects a bad archive: %s', (entries, message) => {
    expect(() => loadChartArchive(makeTgz(entries))).toThrow(HelmError);
    expect(() => loadChartArchive(makeTgz(entries))).toThrow(message);
  });

  it('rejects in-memory files escaping the chart root', () => {
    expect(() => loadChartFromFiles({ 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n', '../x': 'y' })).toThrow('parent directory');
  });

  it('names the subchart when a subchart archive is broken', () => {
    const bad = makeTgz([['sub/values.yaml', 'a: 1\n']]);
    const files = { 'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.0.0\n', 'charts/sub-1.0.0.tgz': bad };
    expect(() => loadChartFromFiles(files)).toThrow('error unpacking subchart sub-1.0.0.tgz in top: Chart.yaml file is missing');
  });
});

describe('.helmignore rules', () => {
  it.each([
    ['*.bak', 'a/b/c.bak', false, true],
    ['*.bak', 'c.bak', false, true],
    ['/top.txt', 'top.txt', false, true],
    ['/top.txt', 'a/top.txt', false, false],
    ['dir/', 'dir', true, true],
    ['dir/', 'dir', false, false],
    ['a/*.txt', 'a/x.txt', false, true],
    ['a/*.txt', 'b/a/x.txt', false, false],
    ['!keep.txt', 'other.txt', false, true],
    ['!keep.txt', 'keep.txt', false, false],
  ])('%s on %s (dir: %s) → ignored %s', (rule, p, isDir, want) => {
    expect(HelmIgnore.parse(rule).ignores(p, isDir)).toBe(want);
  });

  it('always ignores hidden files under templates/', () => {
    expect(HelmIgnore.defaults().ignores('templates/.hidden.yaml', false)).toBe(true);
    expect(HelmIgnore.defaults().ignores('templates/x.yaml', false)).toBe(false);
  });

  it('rejects ** as Helm does', () => {
    expect(() => HelmIgnore.parse('a/**/b')).toThrow('double-star (**) syntax is not supported');
  });
});

describe('globs', () => {
  it.each([
    ['files/*.txt', 'files/a.txt', true],
    ['files/*.txt', 'files/x/a.txt', false],
    ['files/**.txt', 'files/x/a.txt', true],
    ['files/**', 'files/x/y/z', true],
    ['{a,b}/*', 'b/c', true],
    ['[!a]*', 'bcd', true],
    ['[!a]*', 'abc', false],
    ['?.yaml', 'a.yaml', true],
  ])('Files.Glob %s ~ %s = %s', (p, name, want) => {
    expect(gobwasGlob(p).test(name)).toBe(want);
  });

  it.each([
    ['templates/*.yaml', 'templates/a.yaml', true],
    ['templates/*', 'templates/a/b.yaml', false],
    ['[a-c]x', 'bx', true],
    ['a\\*', 'a*', true],
  ])('filepath.Match %s ~ %s = %s', (p, name, want) => {
    expect(goMatch(p, name)).toBe(want);
  });
});
