import { describe, expect, it } from 'vitest';
import { HelmError } from '../../../src/helm/chart/errors.js';
import { parseSet } from '../../../src/helm/chart/strvals.js';
import { mergeUserValues } from '../../../src/helm/chart/user-values.js';
import { helm, jsonable, tempDir } from './oracle.js';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

describe('--set parsing (strvals)', () => {
  it.each([
    ['a=b', { a: 'b' }],
    ['a.b.c=d', { a: { b: { c: 'd' } } }],
    ['a=1,b=2', { a: 1n, b: 2n }],
    ['a=0', { a: 0n }],
    ['a=007', { a: '007' }],
    ['a=-3', { a: -3n }],
    ['a=1.5', { a: '1.5' }],
    ['a=true,b=FALSE,c=Null', { a: true, b: false, c: null }],
    ['a={x,y,z}', { a: ['x', 'y', 'z'] }],
    ['a={}', { a: [''] }],
    ['a[0]=x', { a: ['x'] }],
    ['a[2]=x', { a: [null, null, 'x'] }],
    ['a[0].b=c,a[0].d=e', { a: [{ b: 'c', d: 'e' }] }],
    ['a[1][0]=x', { a: [null, ['x']] }],
    ['a\\.b=c', { 'a.b': 'c' }],
    ['a=b\\,c', { a: 'b,c' }],
    ['a=', { a: '' }],
    ['a=x=y', { a: 'x=y' }],
    ['name=value with spaces', { name: 'value with spaces' }],
    ['a=9223372036854775807', { a: 9223372036854775807n }],
    ['a=9223372036854775808', { a: '9223372036854775808' }],
  ])('%s', (expr, want) => {
    expect(parseSet(expr)).toEqual(want);
  });

  it('keeps strings with --set-string', () => {
    expect(parseSet('a=1,b=true,c=null', true)).toEqual({ a: '1', b: 'true', c: 'null' });
  });

  it.each([
    ['a', 'key "a" has no value'],
    ['a,b=c', 'key "a" has no value (cannot end with ,)'],
    ['a[x]=1', 'error parsing index'],
    ['a[-1]=1', 'negative -1 index not allowed'],
    ['a={x,y', "list must terminate with '}'"],
    ['a[70000]=1', 'index of 70000 is greater than maximum supported index of 65536'],
    ['a.=b', 'key map "a" has no value'],
  ])('rejects %s', (expr, message) => {
    expect(() => parseSet(expr)).toThrow(message);
  });

  it('applies -f files, then --set, then --set-string', () => {
    const v = mergeUserValues({
      files: [
        { name: 'a.yaml', text: 'x: {k: 1, z: 2}\nlist: [1]\n' },
        { name: 'b.yaml', text: 'x: {z: 3}\n' },
      ],
      set: ['x.w=4', 'q=1'],
      setString: ['q=1'],
    });
    expect(v).toEqual({ x: { k: 1, z: 3, w: 4n }, list: [1], q: '1' });
  });

  it('names the flag in errors', () => {
    expect(() => mergeUserValues({ set: ['a'] })).toThrow(HelmError);
    expect(() => mergeUserValues({ set: ['a'] })).toThrow('failed parsing --set data: key "a" has no value');
  });

  it('agrees with helm on a set of expressions', async () => {
    const exprs = [
      'a=b', 'a.b=c,a.d=e', 'a={1,2,x}', 'a[0].b=1,a[1].c=true', 'a[1]=x', 'x=0', 'x=010', 'x=-5', 'x=1e3', 'x=TRUE',
      'x=null', 'a\\.b=c', 'a=b\\,c', 'a=', 'list[0][1]=deep', 'a.b[2].c=d', 'a={x\\,y,z}', 'a=1,a=2', 'a.b=1,a.c.d=2',
      'n=12345678901', 'u=0x10', 'p=+7',
    ];
    const { dir, cleanup } = await tempDir();
    try {
      const chart = path.join(dir, 'dump');
      await mkdir(path.join(chart, 'templates'), { recursive: true });
      await writeFile(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: dump\nversion: 0.1.0\n');
      await writeFile(path.join(chart, 'templates', 'v.yaml'), '{{ .Values | toJson }}\n');
      const results = await Promise.all(exprs.map((e) => helm(['template', chart, '--set', e])));
      for (let i = 0; i < exprs.length; i++) {
        const r = results[i]!;
        const body = r.stdout.split('\n').slice(2).join('\n').trim();
        expect(JSON.parse(body), exprs[i]).toEqual(jsonable(parseSet(exprs[i]!)));
      }
    } finally {
      await cleanup();
    }
  });
});
