/**
 * Failures: the message a function fails with, through our template engine, ends like helm
 * 3.17.2's (`… at <call>: error calling NAME: MESSAGE`). Each case is one helm run, so keep few.
 */
import { describe, expect, it } from 'vitest';
import { funcMap, unwrapWarning } from '../../../src/helm/funcs/index.js';
import { Templates } from '../../../src/helm/template/index.js';
import { renderError } from './helm-oracle.js';

const VALUES = { f: 1.5, s: 'str' };

function ourError(tpl: string): string {
  const t = new Templates({ funcs: funcMap({ include: () => '', tpl: () => '' }) });
  t.parse('case', tpl);
  try {
    t.execute('case', { Values: VALUES });
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

/** The part after the last `at <…>: `, with Helm's required/fail wrapping removed. */
function tail(msg: string): string {
  const line = msg.split('\n')[0]!.replace(/^Error: /, '');
  const at = line.lastIndexOf(' at <');
  const end = at < 0 ? -1 : line.indexOf('>: ', at);
  const t = end < 0 ? line : line.slice(end + 3);
  return unwrapWarning(t) ?? t.replace(/^execution error at \([^)]*\): /, '');
}

const CASES = [
  '{{ div 1 0 }}',
  '{{ mod 1 0 }}',
  '{{ first "abc" }}',
  '{{ append nil 1 }}',
  '{{ mustRegexFind "(" "x" }}',
  '{{ mustRegexFind "a[" "x" }}',
  '{{ mustRegexFind "a)" "x" }}',
  '{{ regexReplaceAll "*" "x" "y" }}',
  '{{ semverCompare "bad" "1.0.0" }}',
  '{{ semverCompare ">1" "x.y" }}',
  '{{ semver "1.2.3-01" }}',
  '{{ mustToDate "2006-01-02" "2024-13" }}',
  '{{ mustDateModify "bad" (toDate "2006" "2020") }}',
  '{{ dig "a" "b" "d" (dict "a" "x") }}',
  '{{ mustToJson (float64 "NaN") }}',
  '{{ concat (list 1) "x" }}',
  '{{ required "need a value" .Values.missing }}',
  '{{ fail "boom" }}',
  '{{ repeat .Values.f "x" }}',
  '{{ upper 1 }}',
  '{{ upper nil }}',
  '{{ without "a" }}',
  '{{ decryptAES "k" "abc" }}',
];

describe('error messages match helm 3.17.2', () => {
  it.each(CASES)('%s', async (tpl) => {
    const theirs = tail(await renderError(tpl, VALUES));
    expect(tail(ourError(tpl))).toBe(theirs);
  });
});
