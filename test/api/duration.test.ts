import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDuration, isDuration, parseDuration } from '../../src/api/duration.js';

describe('Go durations', () => {
  it.each([
    ['1m30s', 90_000],
    ['5m', 300_000],
    ['10s', 10_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1h0m0s', 3_600_000],
    ['2m0.5s', 120_500],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '1d', '5', 'm', '1m 30s', '-1m', '1.m', 'abc'])('rejects %j as Flux CRDs do', (text) => {
    expect(isDuration(text)).toBe(false);
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });

  it.each([
    [90_000, '1m30s'],
    [300_000, '5m0s'],
    [10_000, '10s'],
    [3_600_000, '1h0m0s'],
    [500, '500ms'],
    [0, '0s'],
    [1_500, '1.5s'],
  ])('formats %d ms as Go prints it: %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips every whole-millisecond duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 3_600_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
