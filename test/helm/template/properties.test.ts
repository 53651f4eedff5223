import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Templates, sprint, sprintf } from '../../../src/helm/template/index.js';
import { unquote } from '../../../src/helm/template/parse.js';

const render = (text: string, data: unknown = {}): string => {
  const t = new Templates();
  t.parse('p', text);
  return t.execute('p', data);
};

const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const GO_SPACE = /[ \t\r\n]/g;

describe('fmt properties', () => {
  it('%d, %x, %o and %b print an int that parses back to itself', () => {
    fc.assert(
      fc.property(int64, (n) => {
        const abs = n < 0n ? -n : n;
        const sign = n < 0n ? -1n : 1n;
        expect(BigInt(sprintf('%d', n))).toBe(n);
        expect(sign * BigInt(`0x${sprintf('%x', abs)}`)).toBe(n);
        expect(sign * BigInt(`0o${sprintf('%o', abs)}`)).toBe(n);
        expect(sign * BigInt(`0b${sprintf('%b', abs)}`)).toBe(n);
        expect(sprintf('%X', n)).toBe(sprintf('%x', n).toUpperCase());
      }),
    );
  });

  it('%q quotes any string so that Go unquoting gives it back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(unquote(sprintf('%q', s))).toBe(s);
        expect(unquote(sprintf('%+q', s))).toBe(s);
        expect(sprintf('%+q', s)).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });

  it('%v of a float64 is the shortest text that reads back as the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = sprint(x);
        expect(Number(s)).toBe(Object.is(x, -0) ? -0 : x);
        expect(s.replace(/e[+-]\d+$/, '').replace(/[-.]/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(17);
      }),
    );
  });

  it('width pads to at least that many runes and never truncates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), fc.integer({ min: 0, max: 40 }), (s, w) => {
        const out = sprintf(`%${w}s`, s);
        expect([...out].length).toBe(Math.max(w, [...s].length));
        expect(out.endsWith(s)).toBe(true);
        expect(sprintf(`%-${w}s`, s).startsWith(s)).toBe(true);
      }),
    );
  });
});

describe('template properties', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '\r', 'x', '-', '}', '{') });
  const safeText = text.filter((s) => !s.includes('{{') && !s.endsWith('{') && !s.startsWith('}'));

  it('trim markers never change the non-whitespace output', () => {
    fc.assert(
      fc.property(safeText, safeText, fc.string({ unit: 'grapheme-ascii' }), (before, after, value) => {
        const plain = render(`${before}{{.v}}${after}`, { v: value });
        const trimmed = render(`${before}{{- .v -}}${after}`, { v: value });
        expect(trimmed.replace(GO_SPACE, '')).toBe(plain.replace(GO_SPACE, ''));
        expect(trimmed).toBe(`${before.replace(/[ \t\r\n]+$/, '')}${value}${after.replace(/^[ \t\r\n]+/, '')}`);
      }),
    );
  });

  it('text without actions renders unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('{{')), (s) => {
        expect(render(s)).toBe(s);
      }),
    );
  });

  it('printf in a template matches sprintf directly', () => {
    fc.assert(
      fc.property(int64, fc.double({ noNaN: true }), fc.string({ unit: 'grapheme-ascii' }), (i, f, s) => {
        expect(render('{{printf "%d|%v|%q|%8.3f" .i .f .s .f}}', { i, f, s })).toBe(sprintf('%d|%v|%q|%8.3f', i, f, s, f));
      }),
    );
  });
});
