/**
 * Sprig's date tests (date_test.go, whose data are Go time values) restated with GoTime, plus
 * Go layout/duration behaviour. The clock is injected; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { GoTime, sprigFuncs } from '../../../src/helm/funcs/index.js';
import { formatDuration, parseDuration, parseTime } from '../../../src/helm/funcs/time.js';
import { Templates } from '../../../src/helm/template/index.js';
import type { GoValue } from '../../../src/helm/template/values.js';

const NOW = new Date('2026-01-02T03:04:05Z');
const funcs = sprigFuncs({ now: () => NOW });
// time.Parse("02 Jan 06 15:04:05 MST", "13 Jun 19 20:39:39 GMT"): an unknown zone abbreviation gives a zero-offset zone named GMT.
const TM = parseTime('02 Jan 06 15:04:05 MST', '13 Jun 19 20:39:39 GMT', { kind: 'utc' });

function run(tpl: string, data: GoValue): string {
  const t = new Templates({ funcs });
  t.parse('t', tpl);
  return t.execute('t', data);
}

describe("Sprig's date tests", () => {
  it.each([
    ['{{ .Time | htmlDate }}', { Time: TM }, '2019-06-13'],
    ['{{ ago .Time }}', { Time: GoTime.fromDate(new Date(NOW.getTime() - 125_000)) }, '2m5s'],
    ['{{ ago .Time }}', { Time: GoTime.fromDate(new Date(NOW.getTime() - (2 * 3600 + 34 * 60 + 17) * 1000)) }, '2h34m17s'],
    ['{{ ago .Time }}', { Time: GoTime.fromDate(new Date(NOW.getTime() + 5000)) }, '-5s'],
    ['{{toDate "2006-01-02" "2017-12-31" | date "02/01/2006"}}', {}, '31/12/2017'],
    ['{{unixEpoch .Time}}', { Time: TM }, '1560458379'],
    ['{{ date_in_zone "02 Jan 06 15:04 -0700" .Time "UTC" }}', { Time: TM }, '13 Jun 19 20:39 +0000'],
    ['{{ date_in_zone "02 Jan 06 15:04 -0700" .Time "UTC" }}', { Time: 1560458379n }, '13 Jun 19 20:39 +0000'],
    ['{{ date_in_zone "02 Jan 06 15:04 -0700" .Time "UTC" }}', { Time: '' }, '02 Jan 26 03:04 +0000'],
    ['{{ date_in_zone "02 Jan 06 15:04 -0700" .Time "foobar" }}', { Time: TM }, '13 Jun 19 20:39 +0000'],
    ['{{ duration .Secs }}', { Secs: '61' }, '1m1s'],
    ['{{ duration .Secs }}', { Secs: '3600' }, '1h0m0s'],
    ['{{ duration .Secs }}', { Secs: '93784' }, '26h3m4s'],
    ['{{ durationRound .Time }}', { Time: '2h5s' }, '2h'],
    ['{{ durationRound .Time }}', { Time: '24h5s' }, '1d'],
    ['{{ durationRound .Time }}', { Time: '2400h5s' }, '3mo'],
    ['{{date_modify "24h" .Time}}', { Time: TM }, '2019-06-14 20:39:39 +0000 GMT'],
  ])('%s', (tpl, data, expected) => {
    expect(run(tpl, data)).toBe(expected);
  });
  it('must_date_modify fails on a bad duration', () => {
    expect(() => run('{{must_date_modify "1f" .Time}}', { Time: TM })).toThrow('time: unknown unit "f" in duration "1f"');
  });
  it('now comes from the injected clock', () => {
    expect(run('{{ now | date "2006-01-02T15:04:05Z07:00" }}', {})).toMatch(/^2026-01-02T\d\d:04:05/);
    expect(run('{{ now | unixEpoch }}', {})).toBe(String(NOW.getTime() / 1000));
  });
});

describe('Go durations', () => {
  it.each([
    ['1h2m3.5s', '1h2m3.5s'],
    ['90m', '1h30m0s'],
    ['1.5ms', '1.5ms'],
    ['-2us', '-2µs'],
    ['0', '0s'],
    ['300ns', '300ns'],
  ])('%s prints as %s', (text, printed) => {
    expect(formatDuration(parseDuration(text))).toBe(printed);
  });
  it.each(['', '1', '1d', 'x', '1.s5'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/time: /);
  });
});
