/** Helm's late-bound functions: include/tpl delegation, required/fail wrapping, synchronous lookup. */
import { describe, expect, it } from 'vitest';
import { funcMap, helmFuncs, unwrapWarning, warnWrap } from '../../../src/helm/funcs/index.js';
import type { GoMap, GoValue } from '../../../src/helm/template/values.js';

const base = { include: (name: string, data: GoValue) => `inc:${name}:${JSON.stringify(data)}`, tpl: (text: string) => `tpl:${text}` };

describe('helm functions', () => {
  it('delegates include and tpl to the renderer', () => {
    const f = helmFuncs(base);
    expect(f.include!('x', { a: 1 })).toBe('inc:x:{"a":1}');
    expect(f.tpl!('{{ .a }}', {})).toBe('tpl:{{ .a }}');
  });
  it('required fails on nil and empty strings with a wrapped message, passes anything else', () => {
    const f = helmFuncs(base);
    for (const bad of [null, undefined, '']) expect(() => f.required!('need it', bad)).toThrow(warnWrap('need it'));
    for (const ok of [0n, false, 'x', [], {}]) expect(f.required!('need it', ok)).toBe(ok);
    expect(unwrapWarning(`template: x: ${warnWrap('need it')}`)).toBe('need it');
  });
  it('fail wraps its message; lint mode makes required and fail harmless', () => {
    expect(() => helmFuncs(base).fail!('boom')).toThrow(warnWrap('boom'));
    const lint = helmFuncs({ ...base, lintMode: true });
    expect(lint.fail!('boom')).toBe('');
    expect(lint.required!('x', null)).toBe('');
  });
  it('lookup returns an empty map without a resolver, and the resolver result otherwise', () => {
    expect(helmFuncs(base).lookup!('v1', 'Secret', 'ns', 'n')).toEqual({});
    const seen: string[][] = [];
    const f = helmFuncs({
      ...base,
      lookup: (apiVersion, kind, namespace, name): GoMap => {
        seen.push([apiVersion, kind, namespace, name]);
        return { kind, metadata: { name } };
      },
    });
    expect(f.lookup!('v1', 'Secret', 'ns', 'n')).toEqual({ kind: 'Secret', metadata: { name: 'n' } });
    expect(seen).toEqual([['v1', 'Secret', 'ns', 'n']]);
  });
  it('rejects an asynchronous lookup resolver at call time', () => {
    const f = helmFuncs({ ...base, lookup: () => Promise.resolve({}) });
    expect(() => f.lookup!('v1', 'Pod', '', '')).toThrow(/synchronous/);
  });
  it("lets Helm's functions override Sprig's", () => {
    const f = funcMap(base);
    expect(f.fromJson!('[1]')).toEqual({ Error: 'json: cannot unmarshal array into Go value of type map[string]interface {}' });
    expect(() => f.fail!('x')).toThrow(warnWrap('x'));
    expect(f.getHostByName!('localhost')).toBe('');
    expect(f.env).toBeUndefined();
    expect(f.expandenv).toBeUndefined();
  });
  it('seeds random functions', () => {
    let n = 0;
    const seq = () => ((n = (n * 9301 + 49297) % 233280) / 233280);
    const a = funcMap(base, { random: seq });
    const first = [a.randAlphaNum!(8n), a.uuidv4!(), a.randBytes!(4n), a.shuffle!('abcdef')];
    n = 0;
    const b = funcMap(base, { random: seq });
    expect([b.randAlphaNum!(8n), b.uuidv4!(), b.randBytes!(4n), b.shuffle!('abcdef')]).toEqual(first);
  });
});
