import { describe, expect, it } from 'vitest';
import { Templates, TemplateError, goFunc } from '../../../src/helm/template/index.js';
import type { FuncMap, GoValue } from '../../../src/helm/template/index.js';

function run(text: string, data: GoValue = {}, funcs: FuncMap = {}, missingKey?: 'zero' | 'error'): string {
  const t = new Templates({ funcs, ...(missingKey ? { missingKey } : {}) });
  t.parse('t', text);
  return t.execute('t', data);
}

function fail(text: string, data: GoValue = {}, funcs: FuncMap = {}, missingKey?: 'zero' | 'error'): string {
  try {
    run(text, data, funcs, missingKey);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as Error).message;
  }
  throw new Error('expected a TemplateError');
}

const upper = goFunc(['string'], (s) => (s as string).toUpperCase());

describe('values as Helm sees them', () => {
  it.each([
    ['{{ .Values.image.tag }}', { Values: { image: 'nginx' } }, 'interface {}'],
    ['{{ range .Values.list }}{{ .foo }}{{ end }}', { Values: { list: ['a'] } }, 'interface {}'],
    ['{{ range $v := .Values.list }}{{ $v.foo }}{{ end }}', { Values: { list: ['a'] } }, 'interface {}'],
    ['{{ with .Values.s }}{{ .foo }}{{ end }}', { Values: { s: 'a' } }, 'string'],
    ['{{ $x := .Values.s }}{{ $x.foo }}', { Values: { s: 'a' } }, 'string'],
  ])('names the static type in field errors: %s', (text, data, type) => {
    expect(fail(text, data)).toMatch(new RegExp(`can't evaluate field (foo|tag) in type ${type.replace(/[{}]/g, '\\$&')}$`));
  });

  it.each([
    ['{{.a}}', { a: 1 }, '1'],
    ['{{.a}}', { a: 1000000 }, '1e+06'],
    ['{{.a}}', { a: 3.14 }, '3.14'],
    ['{{.a}}', { a: 1n }, '1'],
    ['{{.a}}', { a: null }, '<no value>'],
    ['{{.missing}}', {}, '<no value>'],
    ['{{.a.b.c}}', { a: {} }, '<no value>'],
    ['{{.m}}', { m: { b: 2, a: [1, 'x', null], c: true } }, 'map[a:[1 x <nil>] b:2 c:true]'],
    ['{{.b}}', { b: new Uint8Array([104, 105]) }, '[104 105]'],
    ['{{printf "%s" .b}}', { b: new Uint8Array([104, 105]) }, 'hi'],
    ['{{printf "%v %T %T" .a .a 1}}', { a: 2 }, '2 float64 int'],
  ])('%s', (text, data, out) => {
    expect(run(text, data)).toBe(out);
  });

  it('reports a field on a nil value like Go', () => {
    expect(fail('{{.a.b}}', { a: null })).toBe(
      'template: t:1:4: executing "t" at <.a.b>: nil pointer evaluating interface {}.b',
    );
  });

  it('treats missing keys as nil with missingkey=zero (so nested access fails like Helm)', () => {
    expect(run('{{.x}} {{.y}}', { x: 99n }, {}, 'zero')).toBe('99 <no value>');
    expect(fail('{{.a.b}}', {}, {}, 'zero')).toMatch(/nil pointer evaluating interface \{\}\.b$/);
  });

  it('fails on missing keys with missingkey=error', () => {
    expect(fail('{{.x}} {{.y}}', { x: 1 }, {}, 'error')).toBe(
      'template: t:1:9: executing "t" at <.y>: map has no entry for key "y"',
    );
  });

  it('refuses to compare int and float', () => {
    expect(fail('{{eq .a 1}}', { a: 1 })).toBe(
      'template: t:1:2: executing "t" at <eq .a 1>: error calling eq: incompatible types for comparison',
    );
    expect(run('{{eq .a 1.0}} {{eq .missing "x"}}', { a: 1 })).toBe('true false');
  });
});

describe('control flow', () => {
  it.each([
    ['{{if .a}}A{{else if .b}}B{{else}}C{{end}}', { b: 'x' }, 'B'],
    ['{{with .a}}{{.}}{{else with .b}}{{.}}{{else}}none{{end}}', { b: 'bee' }, 'bee'],
    ['{{range $i, $v := .l}}{{$i}}:{{$v}} {{end}}', { l: ['a', 'b'] }, '0:a 1:b '],
    ['{{range $k, $v := .m}}{{$k}}={{$v}},{{end}}', { m: { z: 1, a: 2, M: 3 } }, 'M=3,a=2,z=1,'],
    ['{{range .l}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', { l: [1n, 2n, 3n, 4n, 5n] }, '13'],
    ['{{range 3}}{{.}}{{end}}', {}, '012'],
    ['{{range .l}}x{{else}}empty{{end}}', { l: [] }, 'empty'],
    ['{{$x := 1}}{{range .l}}{{$x = .}}{{end}}{{$x}}', { l: [7n, 8n] }, '8'],
    ['{{and 1 0 "x"}} {{or 0 "" "y"}} {{not .a}}', {}, '0 y true'],
  ])('%s', (text, data, out) => {
    expect(run(text, data)).toBe(out);
  });

  it('does not evaluate the rest of and/or once decided', () => {
    const boom = (): never => {
      throw new Error('boom');
    };
    expect(run('{{and 0 (boom)}}{{or 1 (boom)}}', {}, { boom })).toBe('01');
  });

  it('trims whitespace around {{- and -}}', () => {
    expect(run('a  \n {{- "b" -}} \n\t c')).toBe('abc');
    expect(run('x {{- /* comment */ -}} y')).toBe('xy');
  });
});

describe('templates', () => {
  it('lets a later {{define}} replace an earlier one, but not with an empty body', () => {
    const t = new Templates();
    t.parse('outer', 'a({{block "inner" .}}bar({{.}}){{end}})b');
    expect(t.execute('outer', 'hello')).toBe('a(bar(hello))b');
    t.parse('overlay', '{{define "inner"}}foo({{.}}){{end}}');
    expect(t.execute('outer', 'bye')).toBe('a(foo(bye))b');
    t.parse('empty', '{{define "inner"}}{{end}}');
    expect(t.execute('outer', 'x')).toBe('a(foo(x))b');
    expect(t.names()).toEqual(['empty', 'inner', 'outer', 'overlay']);
    expect(t.has('inner')).toBe(true);
  });

  it('reports where a nested template failed (Go TestExecError)', () => {
    const t = new Templates();
    t.parse(
      'top',
      'line 1\nline 2\nline 3\n{{template "one" .}}\n{{define "one"}}{{template "two" .}}{{end}}\n' +
        '{{define "two"}}{{template "three" .}}{{end}}\n{{define "three"}}{{index "hi" $}}{{end}}',
    );
    expect(() => t.execute('top', 5n)).toThrow(
      'template: top:7:20: executing "three" at <index "hi" $>: error calling index: index out of range: 5',
    );
  });

  it('supports re-entrant execute and parse from functions (include, tpl)', () => {
    const t = new Templates();
    t.addFuncs({
      include: goFunc(['string', 'any'], (name, data) => t.execute(name as string, data)),
      tpl: goFunc(['string', 'any'], (text, data) => {
        t.parse('tpl', text as string);
        return t.execute('tpl', data);
      }),
    });
    t.addFuncs({ upper });
    t.parse('main', '{{define "name"}}{{.n}}-x{{end}}{{include "name" . | upper}} {{tpl "{{.n}}!" .}}');
    expect(t.execute('main', { n: 'app' })).toBe('APP-X app!');
  });

  it('wraps errors from nested executions like Go', () => {
    const t = new Templates();
    t.addFuncs({ include: goFunc(['string', 'any'], (name, data) => t.execute(name as string, data)) });
    t.parse('main', '{{define "bad"}}{{.a.b}}{{end}}{{include "bad" .}}');
    expect(() => t.execute('main', { a: null })).toThrow(
      'template: main:1:33: executing "main" at <include "bad" .>: error calling include: ' +
        'template: main:1:20: executing "bad" at <.a.b>: nil pointer evaluating interface {}.b',
    );
  });

  it('stops infinite recursion with the depth error instead of crashing', () => {
    expect(fail('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}')).toMatch(
      /exceeded maximum template depth \(100000\)$/,
    );
    const t = new Templates();
    t.addFuncs({ include: goFunc(['string', 'any'], (name, data) => t.execute(name as string, data)) });
    t.parse('r', '{{include "r" .}}');
    expect(() => t.execute('r', {})).toThrow(/exceeded maximum template depth/);
  });

  it('clones a set so that later definitions stay on one side (Go TestClone)', () => {
    const root = new Templates();
    root.parse('root', '{{define "a"}}{{template "b"}}{{template "c"}}{{end}}');
    root.parse('root', '{{define "b"}}b{{end}}');
    const clone = root.clone();
    root.parse('root', '{{define "c"}}root{{end}}');
    clone.parse('root', '{{define "c"}}clone{{end}}');
    expect(root.execute('a', 0n)).toBe('broot');
    expect(clone.execute('a', 0n)).toBe('bclone');
  });

  it('rejects executing an unknown template', () => {
    expect(() => new Templates().execute('nope', {})).toThrow(
      'template: no template "nope" associated with template "nope"',
    );
  });
});

describe('functions', () => {
  it('wraps thrown errors as "error calling NAME"', () => {
    const failFn = (msg: GoValue): never => {
      throw new Error(String(msg));
    };
    expect(fail('{{fail "boom"}}', {}, { fail: failFn })).toBe(
      'template: t:1:2: executing "t" at <fail "boom">: error calling fail: boom',
    );
  });

  it('checks Go parameter types declared with goFunc', () => {
    expect(fail('{{upper 3}}', {}, { upper })).toBe('template: t:1:8: executing "t" at <3>: expected string; found 3');
    expect(fail('{{3 | upper}}', {}, { upper })).toBe(
      'template: t:1:6: executing "t" at <upper>: wrong type for value; expected string; got int',
    );
    expect(fail('{{upper "a" "b"}}', {}, { upper })).toBe(
      'template: t:1:2: executing "t" at <upper>: wrong number of args for upper: want 1 got 2',
    );
    expect(fail('{{upper .x}}', { x: 1 }, { upper })).toMatch(/wrong type for value; expected string; got float64$/);
    expect(run('{{.x | upper}}', { x: 'a' }, { upper })).toBe('A');
  });

  it('passes missing values to untyped functions as nil', () => {
    const seen: GoValue[] = [];
    const spy = (...args: GoValue[]): string => {
      seen.push(...args);
      return 'ok';
    };
    expect(run('{{spy .missing nil 1 1.5 "s"}}', {}, { spy })).toBe('ok');
    expect(seen).toEqual([null, null, 1n, 1.5, 's']);
  });

  it('calls methods of class instances and reads their fields', () => {
    class Files {
      Root = 'r';
      Get(name: GoValue): string {
        return `content of ${String(name)}`;
      }
    }
    expect(run('{{.Files.Get "a.txt"}} {{.Files.Root}}', { Files: new Files() })).toBe('content of a.txt r');
    // Values held in a map have Go static type interface{}; dot itself keeps its concrete type.
    expect(fail('{{.Files.Nope}}', { Files: new Files() })).toMatch(/can't evaluate field Nope in type interface \{\}$/);
    expect(fail('{{.Nope}}', new Files())).toMatch(/can't evaluate field Nope in type \*Files$/);
  });
});

describe('parse errors', () => {
  it.each([
    ['{{.x', 'template: t:1: unclosed action'],
    ['{{if .x}}', 'template: t:1: unexpected EOF'],
    ['{{end}}', 'template: t:1: unexpected {{end}}'],
    ['{{nofunc 1}}', 'template: t:1: function "nofunc" not defined'],
    ['{{$x}}', 'template: t:1: undefined variable "$x"'],
    ['a\n{{ ( ) }}', 'template: t:2: missing value for parenthesized pipeline'],
    ['{{break}}', 'template: t:1: {{break}} outside {{range}}'],
  ])('%j fails with %j', (text, message) => {
    expect(() => new Templates().parse('t', text)).toThrow(message);
  });
});
