/**
 * Conformance against the real helm 3.17.2: every case is rendered by `helm template` (one
 * invocation for the whole file) and compared with a direct call of our function.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { funcMap } from '../../../src/helm/funcs/index.js';
import type { FuncMap, GoValue } from '../../../src/helm/template/values.js';
import { call, goPrint, lit, type OracleCase } from './cases.js';
import { renderWithHelm } from './helm-oracle.js';

const VALUES = {
  f: 1.5,
  i: 3,
  big: 1000000,
  neg: -2.5,
  s: 'str',
  m: { a: 1, b: { c: 'x' }, l: [1, 2] },
  l: [1, 'a', null, { k: 'v' }],
  n: null,
  e: '',
  z: 0,
  t: true,
};
// What `.Values` looks like in our model (all numbers float64).
const V = JSON.parse(JSON.stringify(VALUES)) as Record<string, GoValue>;

const f: FuncMap = funcMap({ include: () => '', tpl: () => '' }, { random: () => 0.5 });
const c = (name: string, ...args: GoValue[]) => (fm: FuncMap) => call(fm, name, ...args);
const i = (n: number) => BigInt(n);

/** Hand-written cases: template → same call made directly. */
const fixed: OracleCase[] = [
  // strings
  { tpl: '{{ trim "  a b \\t\\n" }}', call: c('trim', '  a b \t\n') },
  { tpl: '{{ trimAll "$" "$$a$b$$" }}', call: c('trimAll', '$', '$$a$b$$') },
  { tpl: '{{ trimSuffix "-" "a-b-" }}', call: c('trimSuffix', '-', 'a-b-') },
  { tpl: '{{ trimPrefix "-" "-a-b" }}', call: c('trimPrefix', '-', '-a-b') },
  { tpl: '{{ title "hello wORLD foo_bar x-y é" }}', call: c('title', 'hello wORLD foo_bar x-y é') },
  { tpl: '{{ untitle "Hello World  FOO" }}', call: c('untitle', 'Hello World  FOO') },
  { tpl: '{{ repeat 3 "ab" }}', call: c('repeat', i(3), 'ab') },
  { tpl: '{{ substr 1 3 "hello" }}', call: c('substr', i(1), i(3), 'hello') },
  { tpl: '{{ substr -1 3 "hello" }}', call: c('substr', i(-1), i(3), 'hello') },
  { tpl: '{{ substr 2 99 "hello" }}', call: c('substr', i(2), i(99), 'hello') },
  { tpl: '{{ nospace " a b\\tc\\n d " }}', call: c('nospace', ' a b\tc\n d ') },
  { tpl: '{{ trunc 3 "hello" }}|{{ trunc -3 "hello" }}|{{ trunc -9 "hello" }}|{{ trunc 0 "hello" }}', call: (fm) => `${call(fm, 'trunc', i(3), 'hello')}|${call(fm, 'trunc', i(-3), 'hello')}|${call(fm, 'trunc', i(-9), 'hello')}|${call(fm, 'trunc', i(0), 'hello')}` },
  { tpl: '{{ abbrev 5 "hello world" }}', call: c('abbrev', i(5), 'hello world') },
  { tpl: '{{ abbrev 3 "hello world" }}', call: c('abbrev', i(3), 'hello world') },
  { tpl: '{{ abbrevboth 5 10 "1234 5678 9123" }}', call: c('abbrevboth', i(5), i(10), '1234 5678 9123') },
  { tpl: '{{ abbrevboth 10 10 "abcdefghijklmnopqrstuvwxyz" }}', call: c('abbrevboth', i(10), i(10), 'abcdefghijklmnopqrstuvwxyz') },
  { tpl: '{{ initials "First Try  third" }}', call: c('initials', 'First Try  third') },
  { tpl: '{{ swapcase "Hello World ABC def" }}', call: c('swapcase', 'Hello World ABC def') },
  { tpl: '{{ snakecase "FirstName HTTPServer NoHTTPS GO_PATH GO-PATH http2xx HTTP20xOK Duration2m3s Bld4Floor3rd" }}', call: c('snakecase', 'FirstName HTTPServer NoHTTPS GO_PATH GO-PATH http2xx HTTP20xOK Duration2m3s Bld4Floor3rd') },
  { tpl: '{{ kebabcase "FirstName" }}|{{ kebabcase "HTTPServer" }}|{{ kebabcase "a b_c-d" }}|{{ kebabcase "aB1cD" }}', call: (fm) => ['FirstName', 'HTTPServer', 'a b_c-d', 'aB1cD'].map((s) => call(fm, 'kebabcase', s)).join('|') },
  { tpl: '{{ camelcase "http_server" }}|{{ camelcase "_complex__case_" }}|{{ camelcase "some words" }}|{{ camelcase "ALLCAPS_x" }}|{{ camelcase "fooBar" }}', call: (fm) => ['http_server', '_complex__case_', 'some words', 'ALLCAPS_x', 'fooBar'].map((s) => call(fm, 'camelcase', s)).join('|') },
  { tpl: '{{ wrap 5 "Hello World this is long" }}', call: c('wrap', i(5), 'Hello World this is long') },
  { tpl: '{{ wrapWith 5 "\\t" "Hello World superlongword" }}', call: c('wrapWith', i(5), '\t', 'Hello World superlongword') },
  { tpl: '{{ contains "cat" "catch" }} {{ hasPrefix "ca" "cat" }} {{ hasSuffix "at" "cat" }}', call: (fm) => `${call(fm, 'contains', 'cat', 'catch')} ${call(fm, 'hasPrefix', 'ca', 'cat')} ${call(fm, 'hasSuffix', 'at', 'cat')}` },
  { tpl: '{{ quote "a" 1 nil 1.5 true .Values.n .Values.m }}', call: c('quote', 'a', i(1), null, 1.5, true, null, V.m) },
  { tpl: '{{ squote "a" 1 nil 1.5 true .Values.l }}', call: c('squote', 'a', i(1), null, 1.5, true, V.l) },
  { tpl: '{{ cat "a" 1 nil 1.5 .Values.big .Values.m }}', call: c('cat', 'a', i(1), null, 1.5, V.big, V.m) },
  { tpl: '{{ indent 2 "a\\nb\\n" }}', call: c('indent', i(2), 'a\nb\n') },
  { tpl: '{{ nindent 4 "a\\nb" }}', call: c('nindent', i(4), 'a\nb') },
  { tpl: '{{ replace "a" "b" "banana" }}|{{ replace "" "-" "abc" }}', call: (fm) => `${call(fm, 'replace', 'a', 'b', 'banana')}|${call(fm, 'replace', '', '-', 'abc')}` },
  { tpl: '{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}', call: (fm) => `${call(fm, 'plural', 'one', 'many', i(1))} ${call(fm, 'plural', 'one', 'many', i(2))}` },
  { tpl: '{{ toString 1 }} {{ toString 1.5 }} {{ toString nil }} {{ toString .Values.m }} {{ toString .Values.big }} {{ toString .Values.l }}', call: (fm) => [i(1), 1.5, null, V.m, V.big, V.l].map((x) => call(fm, 'toString', x)).join(' ') },
  { tpl: '{{ toStrings .Values.l }}', call: c('toStrings', V.l) },
  { tpl: '{{ split "," "a,b,,c" }}', call: c('split', ',', 'a,b,,c') },
  { tpl: '{{ splitList "," "a,b,,c" }}|{{ splitList "" "abc" }}', call: (fm) => `${goPrint(call(fm, 'splitList', ',', 'a,b,,c'))}|${goPrint(call(fm, 'splitList', '', 'abc'))}` },
  { tpl: '{{ splitn "," 2 "a,b,c" }}', call: c('splitn', ',', i(2), 'a,b,c') },
  { tpl: '{{ join "-" .Values.l }}|{{ join "," (list 1 2.5 "x") }}|{{ join "," "abc" }}', call: (fm) => `${call(fm, 'join', '-', V.l)}|${call(fm, 'join', ',', [i(1), 2.5, 'x'])}|${call(fm, 'join', ',', 'abc')}` },
  { tpl: '{{ sortAlpha (list "b" "a" "C" 10 9) }}', call: c('sortAlpha', ['b', 'a', 'C', i(10), i(9)]) },
  // lists
  { tpl: '{{ list 1 "a" nil 1.5 }}', call: c('list', i(1), 'a', null, 1.5) },
  { tpl: '{{ append (list 1) 2 }}|{{ prepend (list 1) 0 }}|{{ concat (list 1) (list 2 3) (list) }}', call: (fm) => [call(fm, 'append', [i(1)], i(2)), call(fm, 'prepend', [i(1)], i(0)), call(fm, 'concat', [i(1)], [i(2), i(3)], [])].map(goPrint).join('|') },
  { tpl: '{{ first (list 1 2) }}|{{ first (list) }}|{{ last (list 1 2) }}|{{ rest (list 1 2 3) }}|{{ rest (list) }}|{{ initial (list 1 2 3) }}', call: (fm) => [call(fm, 'first', [i(1), i(2)]), call(fm, 'first', []), call(fm, 'last', [i(1), i(2)]), call(fm, 'rest', [i(1), i(2), i(3)]), call(fm, 'rest', []), call(fm, 'initial', [i(1), i(2), i(3)])].map(goPrint).join('|') },
  { tpl: '{{ reverse (list 1 2 3) }}|{{ uniq (list 1 2 1 "1" 2.0) }}|{{ without (list 1 2 3 1) 1 3 }}|{{ has 2 (list 1 2) }}|{{ has 2.0 (list 1 2) }}|{{ has 1 nil }}', call: (fm) => [call(fm, 'reverse', [i(1), i(2), i(3)]), call(fm, 'uniq', [i(1), i(2), i(1), '1', 2.0]), call(fm, 'without', [i(1), i(2), i(3), i(1)], i(1), i(3)), call(fm, 'has', i(2), [i(1), i(2)]), call(fm, 'has', 2.0, [i(1), i(2)]), call(fm, 'has', i(1), null)].map(goPrint).join('|') },
  { tpl: '{{ compact (list 0 1 "" "a" nil false true (list) (dict)) }}', call: c('compact', [i(0), i(1), '', 'a', null, false, true, [], {}]) },
  { tpl: '{{ slice (list 1 2 3 4) 1 3 }}|{{ slice (list 1 2 3 4) 2 }}|{{ slice (list 1 2 3) }}|{{ slice (list) }}', call: (fm) => [call(fm, 'slice', [i(1), i(2), i(3), i(4)], i(1), i(3)), call(fm, 'slice', [i(1), i(2), i(3), i(4)], i(2)), call(fm, 'slice', [i(1), i(2), i(3)]), call(fm, 'slice', [])].map(goPrint).join('|') },
  { tpl: '{{ chunk 2 (list 1 2 3 4 5) }}|{{ chunk 3 (list 1 2 3) }}|{{ chunk 2 (list) }}', call: (fm) => [call(fm, 'chunk', i(2), [i(1), i(2), i(3), i(4), i(5)]), call(fm, 'chunk', i(3), [i(1), i(2), i(3)]), call(fm, 'chunk', i(2), [])].map(goPrint).join('|') },
  { tpl: '{{ until 3 }}|{{ until -3 }}|{{ untilStep 0 10 3 }}|{{ untilStep 10 0 -4 }}', call: (fm) => [call(fm, 'until', i(3)), call(fm, 'until', i(-3)), call(fm, 'untilStep', i(0), i(10), i(3)), call(fm, 'untilStep', i(10), i(0), i(-4))].map(goPrint).join('|') },
  { tpl: '{{ seq 3 }}|{{ seq 0 }}|{{ seq -2 }}|{{ seq 2 5 }}|{{ seq 5 2 }}|{{ seq 1 2 9 }}|{{ seq 9 -3 1 }}|{{ seq 9 3 1 }}', call: (fm) => [[3], [0], [-2], [2, 5], [5, 2], [1, 2, 9], [9, -3, 1], [9, 3, 1]].map((a) => call(fm, 'seq', ...a.map(i))).join('|') },
  // dicts
  { tpl: '{{ dict "a" 1 "b" "x" 3 4 "odd" }}', call: c('dict', 'a', i(1), 'b', 'x', i(3), i(4), 'odd') },
  { tpl: '{{ get .Values.m "a" }}|{{ get .Values.m "zz" }}|{{ hasKey .Values.m "b" }}|{{ hasKey .Values.m "q" }}', call: (fm) => [call(fm, 'get', V.m, 'a'), call(fm, 'get', V.m, 'zz'), call(fm, 'hasKey', V.m, 'b'), call(fm, 'hasKey', V.m, 'q')].map(goPrint).join('|') },
  { tpl: '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }}|{{ unset $d "a" }}', call: (fm) => { const d = { a: i(1) }; call(fm, 'set', d, 'b', i(2)); const s = goPrint(d); return `${s}|${goPrint(call(fm, 'unset', d, 'a'))}`; } },
  { tpl: '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', call: c('pluck', 'a', { a: i(1) }, { b: i(2) }, { a: i(3) }) },
  { tpl: '{{ keys .Values.m | sortAlpha }}|{{ pick .Values.m "a" "zz" }}|{{ omit .Values.m "a" }}', call: (fm) => [call(fm, 'sortAlpha', call(fm, 'keys', V.m)), call(fm, 'pick', V.m, 'a', 'zz'), call(fm, 'omit', V.m, 'a')].map(goPrint).join('|') },
  { tpl: '{{ merge (dict "a" 1 "b" (dict "c" 1 "e" "") "f" false "l" (list 1)) (dict "a" 2 "b" (dict "c" 2 "d" 3 "e" "x") "f" true "g" nil "l" (list 2 3)) }}', call: c('merge', { a: i(1), b: { c: i(1), e: '' }, f: false, l: [i(1)] }, { a: i(2), b: { c: i(2), d: i(3), e: 'x' }, f: true, g: null, l: [i(2), i(3)] }) },
  { tpl: '{{ mergeOverwrite (dict "a" 1 "b" (dict "c" 1) "f" true "s" "x" "l" (list 1) "n" 1) (dict "a" 2 "b" (dict "d" 3) "f" false "s" "" "l" (list) "n" nil) }}', call: c('mergeOverwrite', { a: i(1), b: { c: i(1) }, f: true, s: 'x', l: [i(1)], n: i(1) }, { a: i(2), b: { d: i(3) }, f: false, s: '', l: [], n: null }) },
  { tpl: '{{ dig "b" "c" "def" .Values.m }}|{{ dig "b" "zz" "def" .Values.m }}|{{ dig "q" "def" .Values.m }}', call: (fm) => [call(fm, 'dig', 'b', 'c', 'def', V.m), call(fm, 'dig', 'b', 'zz', 'def', V.m), call(fm, 'dig', 'q', 'def', V.m)].map(goPrint).join('|') },
  { tpl: '{{ values (dict "a" 1 "b" 1) }}|{{ deepCopy .Values.m }}', call: (fm) => [call(fm, 'values', { a: i(1), b: i(1) }), call(fm, 'deepCopy', V.m)].map(goPrint).join('|') },
  // defaults
  { tpl: '{{ default "d" "" }}|{{ default "d" "x" }}|{{ default "d" 0 }}|{{ default "d" .Values.z }}|{{ default "d" .Values.missing }}|{{ default "d" false }}|{{ default "d" (list) }}|{{ default "d" }}', call: (fm) => [call(fm, 'default', 'd', ''), call(fm, 'default', 'd', 'x'), call(fm, 'default', 'd', i(0)), call(fm, 'default', 'd', V.z), call(fm, 'default', 'd', undefined), call(fm, 'default', 'd', false), call(fm, 'default', 'd', []), call(fm, 'default', 'd')].map(goPrint).join('|') },
  { tpl: '{{ empty "" }} {{ empty 0 }} {{ empty 0.0 }} {{ empty .Values.n }} {{ empty .Values.missing }} {{ empty (dict) }} {{ empty .Values.m }} {{ empty false }} {{ empty "0" }}', call: (fm) => ['', i(0), 0, null, undefined, {}, V.m, false, '0'].map((x) => call(fm, 'empty', x)).join(' ') },
  { tpl: '{{ coalesce "" 0 nil "x" "y" }}|{{ coalesce "" nil }}|{{ all 1 "a" }}|{{ all 1 "" }}|{{ any 0 "" "a" }}|{{ any 0 }}', call: (fm) => [call(fm, 'coalesce', '', i(0), null, 'x', 'y'), call(fm, 'coalesce', '', null), call(fm, 'all', i(1), 'a'), call(fm, 'all', i(1), ''), call(fm, 'any', i(0), '', 'a'), call(fm, 'any', i(0))].map(goPrint).join('|') },
  { tpl: '{{ ternary "a" "b" true }}|{{ ternary "a" "b" false }}', call: (fm) => `${call(fm, 'ternary', 'a', 'b', true)}|${call(fm, 'ternary', 'a', 'b', false)}` },
  // math
  { tpl: '{{ add 1 2 3 }}|{{ add 1.9 "2" .Values.f }}|{{ add }}|{{ sub 5 .Values.f }}|{{ mul 2 3 "4" }}|{{ div 7 2 }}|{{ div -7 2 }}|{{ mod -7 3 }}|{{ add1 "0x10" }}|{{ add1 "010" }}|{{ add1 "5.0" }}|{{ add1 "5.5" }}|{{ add1 true }}', call: (fm) => [call(fm, 'add', i(1), i(2), i(3)), call(fm, 'add', 1.9, '2', V.f), call(fm, 'add'), call(fm, 'sub', i(5), V.f), call(fm, 'mul', i(2), i(3), '4'), call(fm, 'div', i(7), i(2)), call(fm, 'div', i(-7), i(2)), call(fm, 'mod', i(-7), i(3)), call(fm, 'add1', '0x10'), call(fm, 'add1', '010'), call(fm, 'add1', '5.0'), call(fm, 'add1', '5.5'), call(fm, 'add1', true)].map(goPrint).join('|') },
  { tpl: '{{ max 1 5 3 }}|{{ min 4 2 9 }}|{{ biggest 1 .Values.big }}|{{ maxf 1 2.5 "3.5" }}|{{ minf 1 -2.5 }}', call: (fm) => [call(fm, 'max', i(1), i(5), i(3)), call(fm, 'min', i(4), i(2), i(9)), call(fm, 'biggest', i(1), V.big), call(fm, 'maxf', i(1), 2.5, '3.5'), call(fm, 'minf', i(1), -2.5)].map(goPrint).join('|') },
  { tpl: '{{ addf 0.1 0.2 }}|{{ subf 1.5 0.25 }}|{{ mulf 1.1 3 }}|{{ divf 1 3 }}|{{ divf 10 4 }}|{{ add1f 1.5 }}|{{ divf 2 3 }}', call: (fm) => [call(fm, 'addf', 0.1, 0.2), call(fm, 'subf', 1.5, 0.25), call(fm, 'mulf', 1.1, i(3)), call(fm, 'divf', i(1), i(3)), call(fm, 'divf', i(10), i(4)), call(fm, 'add1f', 1.5), call(fm, 'divf', i(2), i(3))].map(goPrint).join('|') },
  { tpl: '{{ floor 1.7 }}|{{ ceil 1.2 }}|{{ round 3.14159 2 }}|{{ round 2.5 0 }}|{{ round -2.5 0 }}|{{ round 1.2345 3 0.4 }}|{{ floor .Values.neg }}', call: (fm) => [call(fm, 'floor', 1.7), call(fm, 'ceil', 1.2), call(fm, 'round', 3.14159, i(2)), call(fm, 'round', 2.5, i(0)), call(fm, 'round', -2.5, i(0)), call(fm, 'round', 1.2345, i(3), 0.4), call(fm, 'floor', V.neg)].map(goPrint).join('|') },
  { tpl: '{{ int "12" }}|{{ int 1.9 }}|{{ int64 "-3" }}|{{ float64 "1.5" }}|{{ float64 2 }}|{{ atoi "42" }}|{{ atoi "x" }}|{{ toDecimal "0777" }}|{{ toDecimal 12 }}|{{ int .Values.big }}|{{ float64 .Values.big }}', call: (fm) => [call(fm, 'int', '12'), call(fm, 'int', 1.9), call(fm, 'int64', '-3'), call(fm, 'float64', '1.5'), call(fm, 'float64', i(2)), call(fm, 'atoi', '42'), call(fm, 'atoi', 'x'), call(fm, 'toDecimal', '0777'), call(fm, 'toDecimal', i(12)), call(fm, 'int', V.big), call(fm, 'float64', V.big)].map(goPrint).join('|') },
  // encoding, hashes, json
  { tpl: '{{ b64dec "aGVsbG8=" }}|{{ b64dec "aGVsbG8" }}|{{ b64dec "a*b" }}|{{ b32enc "hello" }}|{{ b32dec "NBSWY3DP" }}|{{ b32dec "NBSWY3D" }}', call: (fm) => [call(fm, 'b64dec', 'aGVsbG8='), call(fm, 'b64dec', 'aGVsbG8'), call(fm, 'b64dec', 'a*b'), call(fm, 'b32enc', 'hello'), call(fm, 'b32dec', 'NBSWY3DP'), call(fm, 'b32dec', 'NBSWY3D')].map(goPrint).join('|') },
  { tpl: '{{ sha1sum "abc" }} {{ adler32sum "abc" }} {{ sha512sum "" }}', call: (fm) => [call(fm, 'sha1sum', 'abc'), call(fm, 'adler32sum', 'abc'), call(fm, 'sha512sum', '')].join(' ') },
  { tpl: '{{ toJson .Values }}|{{ toJson (list 1 1.5 "<a&b>" nil true) }}|{{ toRawJson (dict "a" "<&>") }}|{{ toJson 1e21 }}|{{ toJson nil }}', call: (fm) => [call(fm, 'toJson', V), call(fm, 'toJson', [i(1), 1.5, '<a&b>', null, true]), call(fm, 'toRawJson', { a: '<&>' }), call(fm, 'toJson', 1e21), call(fm, 'toJson', null)].map(goPrint).join('|') },
  { tpl: '{{ toPrettyJson .Values }}|{{ toPrettyJson (list) }}|{{ toPrettyJson (dict "a" (dict)) }}', call: (fm) => [call(fm, 'toPrettyJson', V), call(fm, 'toPrettyJson', []), call(fm, 'toPrettyJson', { a: {} })].map(goPrint).join('|') },
  { tpl: '{{ fromJson "{\\"a\\":1,\\"b\\":[1,2.5]}" }}|{{ fromJson "[1]" }}|{{ fromJsonArray "[1,\\"a\\"]" }}|{{ fromJsonArray "{}" }}|{{ (fromJson "{\\"a\\":1}").a | kindOf }}', call: (fm) => [call(fm, 'fromJson', '{"a":1,"b":[1,2.5]}'), call(fm, 'fromJson', '[1]'), call(fm, 'fromJsonArray', '[1,"a"]'), call(fm, 'fromJsonArray', '{}'), call(fm, 'kindOf', (call(fm, 'fromJson', '{"a":1}') as Record<string, GoValue>).a)].map(goPrint).join('|') },
  { tpl: '{{ fromYaml "a: 1\\nb: [x, yes, 0x10]\\nc: {d: null}\\n" }}|{{ fromYamlArray "- 1\\n- a" }}|{{ fromYaml "" }}', call: (fm) => [call(fm, 'fromYaml', 'a: 1\nb: [x, yes, 0x10]\nc: {d: null}\n'), call(fm, 'fromYamlArray', '- 1\n- a'), call(fm, 'fromYaml', '')].map(goPrint).join('|') },
  // reflection
  { tpl: '{{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf "a" }} {{ kindOf .Values.m }} {{ kindOf .Values.l }} {{ kindOf nil }} {{ kindOf true }} {{ kindOf .Values.i }}', call: (fm) => [i(1), 1.5, 'a', V.m, V.l, null, true, V.i].map((x) => call(fm, 'kindOf', x)).join(' ') },
  { tpl: '{{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf "a" }} {{ typeOf .Values.m }} {{ typeOf .Values.l }} {{ typeOf nil }} {{ typeIs "string" "a" }} {{ typeIsLike "string" "a" }} {{ kindIs "map" .Values.m }}', call: (fm) => [...[i(1), 1.5, 'a', V.m, V.l, null].map((x) => call(fm, 'typeOf', x)), call(fm, 'typeIs', 'string', 'a'), call(fm, 'typeIsLike', 'string', 'a'), call(fm, 'kindIs', 'map', V.m)].join(' ') },
  { tpl: '{{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual 1 1.0 }} {{ deepEqual .Values.m .Values.m }} {{ deepEqual (dict "a" 1) (dict "a" 2) }}', call: (fm) => [call(fm, 'deepEqual', [i(1), i(2)], [i(1), i(2)]), call(fm, 'deepEqual', i(1), 1.0), call(fm, 'deepEqual', V.m, V.m), call(fm, 'deepEqual', { a: i(1) }, { a: i(2) })].join(' ') },
  // paths and urls
  { tpl: '{{ base "/a/b.txt" }} {{ dir "/a/b.txt" }} {{ clean "a//b/../c/." }} {{ ext "x.tar.gz" }} {{ isAbs "/a" }} {{ base "" }} {{ dir "x" }} {{ clean "/../a" }} {{ base "/" }}', call: (fm) => [call(fm, 'base', '/a/b.txt'), call(fm, 'dir', '/a/b.txt'), call(fm, 'clean', 'a//b/../c/.'), call(fm, 'ext', 'x.tar.gz'), call(fm, 'isAbs', '/a'), call(fm, 'base', ''), call(fm, 'dir', 'x'), call(fm, 'clean', '/../a'), call(fm, 'base', '/')].map(goPrint).join(' ') },
  { tpl: '{{ urlParse "https://user:pa%20ss@example.com:8080/a%20b/c?x=1&y=2#frag%21" }}|{{ urlParse "mailto:x@y.z" }}|{{ urlParse "/rel/path?q" }}', call: (fm) => [call(fm, 'urlParse', 'https://user:pa%20ss@example.com:8080/a%20b/c?x=1&y=2#frag%21'), call(fm, 'urlParse', 'mailto:x@y.z'), call(fm, 'urlParse', '/rel/path?q')].map(goPrint).join('|') },
  { tpl: '{{ urlJoin (dict "scheme" "https" "host" "h:1" "path" "/a b!" "query" "x=1" "fragment" "f g" "userinfo" "u:p%20w") }}|{{ urlJoin (dict "path" "a:b") }}|{{ urlJoin (dict "scheme" "mailto" "opaque" "x@y") }}', call: (fm) => [call(fm, 'urlJoin', { scheme: 'https', host: 'h:1', path: '/a b!', query: 'x=1', fragment: 'f g', userinfo: 'u:p%20w' }), call(fm, 'urlJoin', { path: 'a:b' }), call(fm, 'urlJoin', { scheme: 'mailto', opaque: 'x@y' })].map(goPrint).join('|') },
  // helm
  { tpl: '{{ toYaml .Values }}', call: c('toYaml', V) },
  { tpl: '{{ toYaml (dict "a" (list 1 (dict "b" (list (list 1) (dict)) "c" "x\\ny")) "k10" 1 "k9" 2 "_" 3 "Z" 4 "a1" 5) }}', call: c('toYaml', { a: [i(1), { b: [[i(1)], {}], c: 'x\ny' }], k10: i(1), k9: i(2), _: i(3), Z: i(4), a1: i(5) }) },
  { tpl: '{{ toYamlPretty .Values }}', call: c('toYamlPretty', V) },
  { tpl: '{{ toToml (dict "a" 1 "b" "x" "c" (dict "d" 1.5 "e" (list 1 2)) "f" true "g" (list (dict "h" 1))) }}', call: c('toToml', { a: i(1), b: 'x', c: { d: 1.5, e: [i(1), i(2)] }, f: true, g: [{ h: i(1) }] }) },
  { tpl: '{{ required "x" "v" }}|{{ getHostByName "localhost" }}|{{ lookup "v1" "Pod" "ns" "n" }}', call: (fm) => [call(fm, 'required', 'x', 'v'), call(fm, 'getHostByName', 'localhost'), call(fm, 'lookup', 'v1', 'Pod', 'ns', 'n')].map(goPrint).join('|') },
];

const YAML_STRINGS = ['', 'true', 'yes', 'on', 'y', 'n', 'null', '~', '1', '1.5', '1e3', '0x1F', '1_000', '2001-12-14', '2001-12-14T10:00:00Z', '12:30', '1:20', '*', '&a', 'a: b', 'a #b', ' lead', 'trail ', '- x', '-x', '?', "a'b", 'a"b', 'é', '\t', 'multi\nline', 'multi\nline\n', 'trail\n\n', ' lead\nx', 'x\n ', '@x', '`x', '%x', '!x', '[x', '{x', ',', '#x', 'a,b', 'a]b', '.inf', '.nan', '+1', '-1', '0o17', '017', '0b11', 'Null', 'True', 'Off', '=', '<<', 'a:b', 'http://x', 'x:', ': x', '\x01', '0.1e', '.5', '5.', '+.5', '1E3', '-.inf', '1:2:3', '😀', '---', '...x', 'a\u00a0b', 'x'.repeat(100), `${'word '.repeat(30)}end`, `${'it\'s '.repeat(20)}:x`, `tab\t${' and more'.repeat(10)}`];

function sampleStrings(seed: number, n: number, unit: 'grapheme' | 'grapheme-ascii'): string[] {
  return fc.sample(fc.string({ unit, maxLength: 40 }), { seed, numRuns: n });
}

const ascii = sampleStrings(42, 60, 'grapheme-ascii');
const unicode = sampleStrings(7, 40, 'grapheme');
const ints = fc.sample(fc.integer({ min: -1000, max: 1000 }), { seed: 3, numRuns: 20 });
const floats = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }), { seed: 5, numRuns: 30 });

const generated: OracleCase[] = [
  ...[...ascii, ...unicode].flatMap((s): OracleCase[] => [
    { tpl: `{{ b64enc ${lit(s)} }}|{{ sha256sum ${lit(s)} }}|{{ quote ${lit(s)} }}|{{ squote ${lit(s)} }}|{{ toJson ${lit(s)} }}`, call: (fm) => ['b64enc', 'sha256sum', 'quote', 'squote', 'toJson'].map((n) => call(fm, n, s)).join('|') },
    { tpl: `{{ trunc 5 ${lit(s)} }}|{{ trunc -5 ${lit(s)} }}|{{ b64dec (b64enc ${lit(s)}) }}|{{ b32enc ${lit(s)} }}|{{ nospace ${lit(s)} }}|{{ initials ${lit(s)} }}`, call: (fm) => [call(fm, 'trunc', i(5), s), call(fm, 'trunc', i(-5), s), s, call(fm, 'b32enc', s), call(fm, 'nospace', s), call(fm, 'initials', s)].join('|') },
    { tpl: `{{ toYaml ${lit(s)} }}|{{ toYaml (dict ${lit(s)} ${lit(s)}) }}|{{ toYaml (list ${lit(s)}) }}`, call: (fm) => [call(fm, 'toYaml', s), call(fm, 'toYaml', { [s]: s }), call(fm, 'toYaml', [s])].join('|') },
  ]),
  ...[...unicode, 'straße ǆemal ΐ ŉ İstanbul ﬀ σς Σ ǅ ᾳ', 'ǈ ǉ Ǉ ǲ ﬁ Ω ω K Å'].map((s): OracleCase => ({ tpl: `{{ upper ${lit(s)} }}|{{ lower ${lit(s)} }}|{{ title ${lit(s)} }}|{{ untitle ${lit(s)} }}|{{ swapcase ${lit(s)} }}|{{ trim ${lit(s)} }}|{{ substr 0 3 ${lit(s)} }}|{{ wrapWith 4 "|" ${lit(s)} }}|{{ abbrev 6 ${lit(s)} }}`, call: (fm) => ['upper', 'lower', 'title', 'untitle', 'swapcase', 'trim'].map((n) => call(fm, n, s)).join('|') + `|${call(fm, 'substr', i(0), i(3), s)}|${call(fm, 'wrapWith', i(4), '|', s)}|${call(fm, 'abbrev', i(6), s)}` })),
  ...ascii.map((s): OracleCase => ({ tpl: `{{ upper ${lit(s)} }}|{{ lower ${lit(s)} }}|{{ title ${lit(s)} }}|{{ untitle ${lit(s)} }}|{{ swapcase ${lit(s)} }}|{{ snakecase ${lit(s)} }}|{{ kebabcase ${lit(s)} }}|{{ camelcase ${lit(s)} }}|{{ trim ${lit(s)} }}|{{ wrap 7 ${lit(s)} }}`, call: (fm) => ['upper', 'lower', 'title', 'untitle', 'swapcase', 'snakecase', 'kebabcase', 'camelcase', 'trim'].map((n) => call(fm, n, s)).join('|') + `|${call(fm, 'wrap', i(7), s)}` })),
  ...YAML_STRINGS.map((s): OracleCase => ({ tpl: `{{ toYaml ${lit(s)} }}|{{ toYaml (dict "key" ${lit(s)} ${lit(s)} 1) }}|{{ toYaml (list ${lit(s)}) }}|{{ toYamlPretty (dict "k" (list ${lit(s)})) }}`, call: (fm) => [call(fm, 'toYaml', s), call(fm, 'toYaml', { key: s, [s]: i(1) }), call(fm, 'toYaml', [s]), call(fm, 'toYamlPretty', { k: [s] })].join('|') })),
  ...ints.map((n): OracleCase => ({ tpl: `{{ add ${n} 7 }}|{{ mul ${n} 3 }}|{{ div ${n} 7 }}|{{ mod ${n} 7 }}|{{ max ${n} 0 }}|{{ until ${n % 7} }}|{{ seq ${n % 9} }}|{{ toString ${n} }}`, call: (fm) => [call(fm, 'add', i(n), i(7)), call(fm, 'mul', i(n), i(3)), call(fm, 'div', i(n), i(7)), call(fm, 'mod', i(n), i(7)), call(fm, 'max', i(n), i(0)), call(fm, 'until', i(n % 7)), call(fm, 'seq', i(n % 9)), call(fm, 'toString', i(n))].map(goPrint).join('|') })),
];

// Floats go through .Values so helm sees float64 exactly (template literals would be constants).
const floatValues = Object.fromEntries(floats.map((x, k) => [`x${k}`, x]));
V.floats = floatValues;
const floatCases: OracleCase[] = floats.map((x, k) => ({
  tpl: `{{ .Values.floats.x${k} }}|{{ toJson .Values.floats.x${k} }}|{{ toYaml .Values.floats.x${k} }}|{{ int64 .Values.floats.x${k} }}|{{ floor .Values.floats.x${k} }}|{{ round .Values.floats.x${k} 2 }}|{{ addf .Values.floats.x${k} 0.1 }}|{{ toYamlPretty .Values.floats.x${k} }}`,
  call: (fm) => [x, call(fm, 'toJson', x), call(fm, 'toYaml', x), call(fm, 'int64', x), call(fm, 'floor', x), call(fm, 'round', x, i(2)), call(fm, 'addf', x, 0.1), call(fm, 'toYamlPretty', x)].map(goPrint).join('|'),
}));

// Random JSON documents through .Values: the YAML/JSON emitters on arbitrary nesting, keys and strings.
const docs = fc.sample(
  fc.dictionary(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
    { maxKeys: 6 },
  ),
  { seed: 99, numRuns: 40 },
).concat(
  fc.sample(
    fc.dictionary(
      fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), fc.constantFrom('y', 'on', 'null', '1', '*a', 'a b', '-', 'key: x')),
      fc.jsonValue({ maxDepth: 3, stringUnit: fc.constantFrom('a', ' ', ':', '#', '-', "'", '"', '\n', '1', '.', 'e', 'y', '*', '\t', '&', '!', '|', '>', '%', '@', '`', ',', '[', '{', '?', '~') }),
      { maxKeys: 6 },
    ),
    { seed: 123, numRuns: 60 },
  ),
);
const docValues = Object.fromEntries(docs.map((d, k) => [`d${k}`, d]));
V.docs = JSON.parse(JSON.stringify(docValues)) as GoValue;

const docCases: OracleCase[] = docs.map((_, k) => ({
  tpl: `{{ toYaml .Values.docs.d${k} }}|{{ toJson .Values.docs.d${k} }}|{{ toPrettyJson .Values.docs.d${k} }}|{{ toYamlPretty .Values.docs.d${k} }}|{{ toRawJson .Values.docs.d${k} }}`,
  call: (fm) => {
    const d = (V.docs as Record<string, GoValue>)[`d${k}`];
    return ['toYaml', 'toJson', 'toPrettyJson', 'toYamlPretty', 'toRawJson'].map((n) => call(fm, n, d)).join('|');
  },
}));

// Long strings: go-yaml v2 folds plain and quoted scalars at 80 columns; test at several depths.
const word = fc.oneof(fc.stringMatching(/^[a-z]{1,12}$/), fc.constantFrom('x'.repeat(90), "it's", ':', '#', '-', 'a:b', '"q"', '\t', 'é'));
const sep = fc.constantFrom(' ', ' ', ' ', '  ', '   ');
const longStrings = fc.sample(
  fc.array(fc.tuple(word, sep), { minLength: 8, maxLength: 40 }).map((ws) => ws.map(([w, sp]) => w + sp).join('').trim()),
  { seed: 77, numRuns: 50 },
);
const longCases: OracleCase[] = longStrings.map((str, k) => {
  const v = { a: str, deep: { deeper: [str, { k: str }] }, [`key-${k}-${str.slice(0, 20)}`]: [[str]] };
  return {
    tpl: `{{ toYaml .Values.long.s${k} }}|{{ toYaml (dict "x" (list .Values.long.s${k})) }}|{{ toYamlPretty .Values.long.s${k} }}`,
    call: (fm) => [call(fm, 'toYaml', v), call(fm, 'toYaml', { x: [v] }), call(fm, 'toYamlPretty', v)].join('|'),
  };
});
const longValues = Object.fromEntries(longStrings.map((str, k) => [`s${k}`, { a: str, deep: { deeper: [str, { k: str }] }, [`key-${k}-${str.slice(0, 20)}`]: [[str]] }]));
V.long = JSON.parse(JSON.stringify(longValues)) as GoValue;

// mergo semantics on random nested maps (merge mutates, so each side is deep-copied first).
const leaf = fc.oneof(fc.constantFrom('', 'x', 0, 1, 2.5, true, false, null), fc.constant([]), fc.constant([1, 2]), fc.constant({}));
const tree = fc.letrec((tie) => ({ node: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.oneof({ depthSize: 'small' }, leaf, tie('node')), { maxKeys: 4 }) })).node;
const pairs = fc.sample(fc.tuple(tree, tree, tree), { seed: 55, numRuns: 60 });
const mergeValues = Object.fromEntries(pairs.flatMap(([a, b, c], k) => [[`a${k}`, a], [`b${k}`, b], [`c${k}`, c]]));
V.mg = JSON.parse(JSON.stringify(mergeValues)) as GoValue;
const mergeCases: OracleCase[] = pairs.map((_, k) => ({
  tpl: `{{ merge (deepCopy .Values.mg.a${k}) (deepCopy .Values.mg.b${k}) (deepCopy .Values.mg.c${k}) | toJson }}|{{ mergeOverwrite (deepCopy .Values.mg.a${k}) (deepCopy .Values.mg.b${k}) (deepCopy .Values.mg.c${k}) | toJson }}|{{ .Values.mg.a${k} }}|{{ toString .Values.mg.b${k} }}|{{ quote .Values.mg.c${k} }}|{{ keys .Values.mg.a${k} | sortAlpha }}|{{ values .Values.mg.b${k} | len }}|{{ pick .Values.mg.a${k} "a" "b" }}|{{ omit .Values.mg.a${k} "a" }}|{{ dig "a" "b" "none" .Values.mg.a${k} | kindOf }}`,
  call: (fm) => {
    const mg = V.mg as Record<string, GoValue>;
    const [a, b, c2] = [mg[`a${k}`], mg[`b${k}`], mg[`c${k}`]];
    let digKind: GoValue;
    try {
      digKind = call(fm, 'kindOf', call(fm, 'dig', 'a', 'b', 'none', a));
    } catch {
      digKind = 'PANIC';
    }
    return [
      call(fm, 'toJson', call(fm, 'merge', call(fm, 'deepCopy', a), call(fm, 'deepCopy', b), call(fm, 'deepCopy', c2))),
      call(fm, 'toJson', call(fm, 'mergeOverwrite', call(fm, 'deepCopy', a), call(fm, 'deepCopy', b), call(fm, 'deepCopy', c2))),
      a,
      call(fm, 'toString', b),
      call(fm, 'quote', c2),
      call(fm, 'sortAlpha', call(fm, 'keys', a)),
      BigInt((call(fm, 'values', b) as GoValue[]).length),
      call(fm, 'pick', a, 'a', 'b'),
      call(fm, 'omit', a, 'a'),
      digKind,
    ].map(goPrint).join('|');
  },
}));
// dig panics when an intermediate value is not a map; keep only cases helm can render.
const safeMergeCases = mergeCases.filter((mc) => !goPrint(mc.call(f)).endsWith('|PANIC'));

// List functions on random lists.
const item = fc.oneof(fc.constantFrom('', 'a', 'b', 'B', '10', '9', 0, 1, 2, 1.5, true, false, null), fc.constant([1]), fc.constant({ k: 'v' }), fc.constant({}));
const lists = fc.sample(fc.array(item, { maxLength: 7 }), { seed: 66, numRuns: 50 });
const listValues = Object.fromEntries(lists.map((l, k) => [`l${k}`, l]));
V.ls = JSON.parse(JSON.stringify(listValues)) as GoValue;
const listCases: OracleCase[] = lists.map((_, k) => {
  const L = `.Values.ls.l${k}`;
  return {
    tpl: `{{ uniq ${L} }}|{{ without ${L} 1 "a" nil }}|{{ has 1 ${L} }}|{{ has "a" ${L} }}|{{ compact ${L} }}|{{ reverse ${L} }}|{{ first ${L} }}|{{ last ${L} }}|{{ rest ${L} }}|{{ initial ${L} }}|{{ chunk 3 ${L} }}|{{ sortAlpha ${L} }}|{{ toStrings ${L} }}|{{ join "," ${L} }}|{{ append ${L} "z" | len }}|{{ prepend ${L} "z" | first }}|{{ concat ${L} (list 9) | len }}|{{ toJson ${L} }}|{{ empty ${L} }}|{{ len ${L} | until }}`,
    call: (fm) => {
      const l = (V.ls as Record<string, GoValue[]>)[`l${k}`]!;
      return [
        call(fm, 'uniq', l), call(fm, 'without', l, 1n, 'a', null), call(fm, 'has', 1n, l), call(fm, 'has', 'a', l), call(fm, 'compact', l), call(fm, 'reverse', l),
        call(fm, 'first', l), call(fm, 'last', l), call(fm, 'rest', l), call(fm, 'initial', l), call(fm, 'chunk', 3n, l), call(fm, 'sortAlpha', l), call(fm, 'toStrings', l),
        call(fm, 'join', ',', l), BigInt((call(fm, 'append', l, 'z') as GoValue[]).length), call(fm, 'first', call(fm, 'prepend', l, 'z')), BigInt((call(fm, 'concat', l, [9n]) as GoValue[]).length),
        call(fm, 'toJson', l), call(fm, 'empty', l), call(fm, 'until', BigInt(l.length)),
      ].map(goPrint).join('|');
    },
  };
});

// String functions with integer arguments.
const strIntArgs = fc.sample(
  fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-', ',', 'é', '\n', 'X', '.'), maxLength: 30 }), fc.integer({ min: -6, max: 25 }), fc.integer({ min: -3, max: 25 })),
  { seed: 88, numRuns: 60 },
);
const strIntCases: OracleCase[] = strIntArgs.map(([str, n, m]) => {
  const len = Buffer.byteLength(str);
  // substr panics (slice out of range) outside these bounds in Go; those cases are left out.
  const safeSub = n < 0 ? m >= 0 && m <= len : m < 0 || m > len ? n <= len : n <= m;
  const tpl = [
    `{{ trunc ${n} ${lit(str)} }}`,
    `{{ abbrev ${m} ${lit(str)} }}`,
    `{{ wrap ${m} ${lit(str)} }}`,
    `{{ wrapWith ${m} "|" ${lit(str)} }}`,
    `{{ indent ${Math.abs(n)} ${lit(str)} }}`,
    `{{ nindent ${Math.abs(m)} ${lit(str)} }}`,
    `{{ repeat ${Math.abs(n) % 4} ${lit(str)} }}`,
    `{{ splitn "," ${n} ${lit(str)} }}`,
    `{{ split "a" ${lit(str)} }}`,
    `{{ plural "one" "many" ${n} }}`,
    `{{ replace "a" "-" ${lit(str)} }}`,
    `{{ initials ${lit(str)} }}`,
    safeSub ? `{{ substr ${n} ${m} ${lit(str)} }}` : '',
    m >= 4 && !(n > 0 && m < 7) ? `{{ abbrevboth ${n} ${m} ${lit(str)} }}` : '',
  ].join('|');
  return {
    tpl,
    call: (fm) =>
      [
        call(fm, 'trunc', i(n), str),
        call(fm, 'abbrev', i(m), str),
        call(fm, 'wrap', i(m), str),
        call(fm, 'wrapWith', i(m), '|', str),
        call(fm, 'indent', i(Math.abs(n)), str),
        call(fm, 'nindent', i(Math.abs(m)), str),
        call(fm, 'repeat', i(Math.abs(n) % 4), str),
        call(fm, 'splitn', ',', i(n), str),
        call(fm, 'split', 'a', str),
        call(fm, 'plural', 'one', 'many', i(n)),
        call(fm, 'replace', 'a', '-', str),
        call(fm, 'initials', str),
        safeSub ? call(fm, 'substr', i(n), i(m), str) : '',
        m >= 4 && !(n > 0 && m < 7) ? call(fm, 'abbrevboth', i(n), i(m), str) : '',
      ]
        .map(goPrint)
        .join('|'),
  };
});

// Math on mixed operands (float64 values, strings, bools, nil) through cast.
const operand = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.integer({ min: -50, max: 50 }),
  fc.constantFrom('7', '-3', '2.0', '0x10', 'abc', '', '1e2', true, false, null, 0.1, 0.2, 1e-7, 123456.789),
);
const operands = fc.sample(fc.tuple(operand, operand, operand), { seed: 44, numRuns: 60 });
const mathValues = Object.fromEntries(operands.map(([a, b, c2], k) => [`m${k}`, { a, b, c: c2 }]));
V.mt = JSON.parse(JSON.stringify(mathValues)) as GoValue;
const mathCases: OracleCase[] = operands.map((_, k) => {
  const [A, B, C] = ['a', 'b', 'c'].map((x) => `.Values.mt.m${k}.${x}`) as [string, string, string];
  const ops = ['add', 'sub', 'mul', 'max', 'min', 'addf', 'subf', 'mulf', 'maxf', 'minf'];
  return {
    tpl: `${ops.map((o) => `{{ ${o} ${A} ${B}${o === 'sub' ? '' : ` ${C}`} }}`).join('|')}|{{ add1 ${A} }}|{{ add1f ${B} }}|{{ floor ${A} }}|{{ ceil ${B} }}|{{ round ${C} 3 }}|{{ int64 ${A} }}|{{ float64 ${B} }}|{{ toString ${C} }}|{{ divf ${A} 3 }}|{{ div ${A} 7 }}|{{ mod ${B} 5 }}`,
    call: (fm) => {
      const m = (V.mt as Record<string, Record<string, GoValue>>)[`m${k}`]!;
      const [a, b, c2] = [m.a, m.b, m.c];
      return [
        ...ops.map((o) => (o === 'sub' ? call(fm, o, a, b) : call(fm, o, a, b, c2))),
        call(fm, 'add1', a), call(fm, 'add1f', b), call(fm, 'floor', a), call(fm, 'ceil', b), call(fm, 'round', c2, 3n), call(fm, 'int64', a), call(fm, 'float64', b), call(fm, 'toString', c2), call(fm, 'divf', a, 3n), call(fm, 'div', a, 7n), call(fm, 'mod', b, 5n),
      ].map(goPrint).join('|');
    },
  };
});

// Binary data through b64dec: invalid UTF-8 bytes survive as raw bytes (Go strings are bytes).
const BINARY = ['/w==', 'gA==', 'wMA=', '7aCA', '8J+YgA==', 'AP8A/w==', 'aGVsbG//', '4oKs', '4oI='];
const binaryCases: OracleCase[] = BINARY.map((b) => ({
  tpl: `{{ b64dec ${lit(b)} | b64enc }}|{{ b64dec ${lit(b)} | sha256sum }}|{{ b64dec ${lit(b)} | quote }}|{{ b64dec ${lit(b)} | toJson }}|{{ b64dec ${lit(b)} | trunc 1 | b64enc }}|{{ b64dec ${lit(b)} | b32enc }}|{{ b64dec ${lit(b)} | adler32sum }}`,
  call: (fm) => {
    const d = call(fm, 'b64dec', b);
    return [call(fm, 'b64enc', d), call(fm, 'sha256sum', d), call(fm, 'quote', d), call(fm, 'toJson', d), call(fm, 'b64enc', call(fm, 'trunc', 1n, d)), call(fm, 'b32enc', d), call(fm, 'adler32sum', d)].map(goPrint).join('|');
  },
}));

const ALL = [...binaryCases, ...fixed, ...generated, ...floatCases, ...docCases, ...longCases, ...safeMergeCases, ...listCases, ...strIntCases, ...mathCases];
let rendered: string[] = [];

beforeAll(async () => {
  rendered = await renderWithHelm(
    ALL.map((k) => k.tpl),
    { ...VALUES, floats: floatValues, docs: docValues, long: longValues, mg: mergeValues, ls: listValues, mt: mathValues },
  );
}, 120_000);

describe('sprig and helm functions match helm 3.17.2', () => {
  it.each(ALL.map((k, idx) => [idx, k.tpl] as const))('case %i: %s', (idx) => {
    const k = ALL[idx]!;
    expect(goPrint(k.call(f))).toBe(rendered[idx]);
  });
});
