/**
 * Sprig's own test cases (template → expected output), extracted as data from
 * github.com/Masterminds/sprig `*_test.go` into test/fixtures/sprig/sprig-tests.json, executed with
 * our template engine and Sprig function map. Cases that cannot match are listed with a reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sprigFuncs } from '../../../src/helm/funcs/index.js';
import { Templates } from '../../../src/helm/template/index.js';

interface Fixture {
  cases: { file: string; test: string; tpl: string; expect: string }[];
  casesWithData: { file: string; test: string; tpl: string; expect: string; data: unknown }[];
  skippedTests: { file: string; test: string; reason: string }[];
}

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/sprig/sprig-tests.json'), 'utf8')) as Fixture;

/** Cases we do not run, keyed by template text, with the reason. */
const SKIPPED: Record<string, string> = {
  '{{env "FOO"}}': 'Helm removes env from the function map',
  '{{expandenv "Hello $FOO"}}': 'Helm removes expandenv from the function map',
  '{{ shuffle "Hello World" }}': "expected output depends on Go's math/rand sequence for seed 1",
  '{{b64enc "coffee"}}': 'extraction artifact: the expected value is computed in Go (covered by the helm oracle test)',
  '{{b32enc "coffee"}}': 'extraction artifact: the expected value is computed in Go (covered by the helm oracle test)',
};

/** Cases Sprig asserts to fail (assert.Error), keyed by template text. */
const EXPECT_ERROR = new Set(['{{ semverCompare "badConstraint" "1.2.3" }}', '{{ semverCompare "1.2.0" "badVersion" }}']);

function render(tpl: string, data: unknown = {}): string {
  const t = new Templates({ funcs: sprigFuncs({ random: () => 0.25, now: () => new Date('2026-01-02T03:04:05Z') }) });
  t.parse('test', tpl);
  return t.execute('test', data);
}

describe('Sprig test cases', () => {
  const runnable = fixture.cases.filter((c) => !(c.tpl in SKIPPED) && !EXPECT_ERROR.has(c.tpl));
  it.each(runnable.map((c) => [c.test, c.tpl, c.expect] as const))('%s: %s', (_name, tpl, expected) => {
    expect(render(tpl)).toBe(expected);
  });
  it.each(fixture.casesWithData.map((c) => [c.test, c.tpl, c.expect, c.data] as const))('%s (with data): %s', (_name, tpl, expected, data) => {
    expect(render(tpl, data)).toBe(expected);
  });
  it.each([...EXPECT_ERROR])('fails like Sprig: %s', (tpl) => {
    expect(() => render(tpl)).toThrow();
  });
  it('lists every skipped Sprig test with a reason', () => {
    expect(Object.keys(SKIPPED).every((k) => fixture.cases.some((c) => c.tpl === k))).toBe(true);
    for (const s of fixture.skippedTests) expect(s.reason).not.toBe('');
  });
});
