/** Helm's own function tests (pkg/engine/funcs_test.go, as JSON data) through our engine and funcMap. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { funcMap } from '../../../src/helm/funcs/index.js';
import { Templates } from '../../../src/helm/template/index.js';
import type { GoValue } from '../../../src/helm/template/values.js';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/sprig/helm-funcs-tests.json'), 'utf8')) as { cases: { tpl: string; expect: string; vars: GoValue }[] };

describe("Helm's funcs_test cases", () => {
  it.each(fixture.cases.map((c) => [c.tpl, c.expect, c.vars] as const))('%s → %j', (tpl, expected, vars) => {
    const t = new Templates({ funcs: funcMap({ include: () => '', tpl: () => '' }) });
    t.parse('test', tpl);
    expect(t.execute('test', vars)).toBe(expected);
  });
});
