import { describe, expect, it } from 'vitest';
import { GO_TYPE, formatFloat, goTypeName, sprint, sprintf, sprintln } from '../../../src/helm/template/index.js';

class Point {
  static [GO_TYPE] = '*main.Point';
  constructor(
    public X: bigint,
    public Y: bigint,
  ) {}
}

class Named {
  constructor(private readonly n: string) {}
  String(): string {
    return `<${this.n}>`;
  }
}

describe('sprintf with Go values', () => {
  it.each([
    ['%v', [{ b: 2, a: [1n, 'x', null], c: { z: true } }], 'map[a:[1 x <nil>] b:2 c:map[z:true]]'],
    ['%d', [{ a: 1n }], 'map[%!d(string=a):1]'],
    ['%s', [{ a: 1n }], 'map[a:%!s(int=1)]'],
    ['%v %+v', [new Point(1n, 2n), new Point(1n, 2n)], '&{1 2} &{X:1 Y:2}'],
    ['%s|%v|%q|%d', [new Named('a'), new Named('b'), new Named('c'), new Named('d')], '<a>|<b>|"<c>"|&{%!d(string=d)}'],
    ['%v', [new Error('boom')], 'boom'],
    ['%s %d', ['only'], 'only %!d(MISSING)'],
    ['%d', [1n, 2n], '1%!(EXTRA int=2)'],
    ['%x %X %o %b %c %U %q', [255n, 255n, 8n, 5n, 65n, 0x1f600n, 97n], 'ff FF 10 101 A U+1F600 \'a\''],
    ['%v %v %v %v %v', [1e6, 1e21, 0.000001, 123456.7, -0], '1e+06 1e+21 1e-06 123456.7 -0'],
    ['%.2f %e %g %G', [2.675, 1234.5678, 1e-7, 1e-7], '2.67 1.234568e+03 1e-07 1E-07'],
    ['%5.1f|%-8s|%08.3f|%+d', [3.14159, 'ab', -3.14159, 5n], '  3.1|ab      |-003.142|+5'],
    ['%t %v', [true, false], 'true false'],
    ['%s', [new Uint8Array([104, 105])], 'hi'],
    ['%x', ['hello'], '68656c6c6f'],
    ['%*d|%-*d', [5n, 42n, 4n, 7n], '   42|7   '],
    ['%[2]d %[1]d', [1n, 2n], '2 1'],
  ])('Sprintf(%j)', (format, args, out) => {
    expect(sprintf(format, ...args)).toBe(out);
  });

  it('prints operands like fmt.Sprint and fmt.Sprintln', () => {
    expect(sprint('a', 'b', 1n, 2n, 'c', 3.5)).toBe('ab1 2c3.5');
    expect(sprint(null, undefined)).toBe('<nil> <nil>');
    expect(sprintln('a', 1n, true)).toBe('a 1 true\n');
  });

  it('names Go types', () => {
    expect([1n, 1.5, 's', true, null, [], {}, new Uint8Array(), new Point(0n, 0n)].map(goTypeName)).toEqual([
      'int',
      'float64',
      'string',
      'bool',
      '<nil>',
      '[]interface {}',
      'map[string]interface {}',
      '[]uint8',
      '*main.Point',
    ]);
  });

  it('rounds half to even on exact decimal ties, as strconv does', () => {
    expect([0.5, 1.5, 2.5, 0.125].map((x) => formatFloat(x, 'f', x === 0.125 ? 2 : 0))).toEqual(['0', '2', '2', '0.12']);
    expect(formatFloat(1.005, 'f', 2)).toBe('1.00'); // 1.005 is really 1.00499999…
    expect(formatFloat(1e23, 'g', -1)).toBe('1e+23');
    expect(formatFloat(123456789, 'f', -1)).toBe('123456789');
  });
});
