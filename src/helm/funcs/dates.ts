/** Sprig's date functions (date.go) over GoTime. */
import type { FuncMap, GoValue } from '../template/values.js';
import { argString, arity } from './go.js';
import { GoTime, formatDuration, loadLocation, parseDuration, parseTime, type Loc } from './time.js';

function argTime(v: GoValue, fn: string): GoTime {
  if (v instanceof GoTime) return v;
  if (v === null || v === undefined) throw new Error(`${fn}: invalid value; expected time.Time`);
  throw new Error(`${fn}: wrong type for value; expected time.Time; got ${typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float64' : typeof v}`);
}

/** Date functions of Sprig; `now` is injected. */
export function dateFuncs(now: () => Date): FuncMap {
  const nowTime = (): GoTime => GoTime.fromDate(now());
  /** dateInZone's conversion: time.Time, or Go ints as Unix seconds; anything else is now. */
  const toTime = (d: GoValue): GoTime => {
    if (d instanceof GoTime) return d;
    if (typeof d === 'bigint') return new GoTime(Number(BigInt.asIntN(64, d)), 0, { kind: 'local' });
    return nowTime();
  };
  const inZone = (layout: string, d: GoValue, zone: string): string => {
    const loc: Loc = loadLocation(zone) ?? { kind: 'utc' };
    return toTime(d).In(loc).Format(layout);
  };
  const modify = (must: boolean) => (...a: GoValue[]) => {
    arity(a, 'dateModify', 2);
    const spec = argString(a[0], 'dateModify');
    const t = argTime(a[1], 'dateModify');
    let d: bigint;
    try {
      d = parseDuration(spec);
    } catch (e) {
      if (must) throw e;
      return t;
    }
    return t.Add(d);
  };
  const toDate = (must: boolean) => (...a: GoValue[]) => {
    arity(a, 'toDate', 2);
    try {
      return parseTime(argString(a[0], 'toDate'), argString(a[1], 'toDate'), { kind: 'local' });
    } catch (e) {
      if (must) throw e;
      return GoTime.zero();
    }
  };
  const sinceNs = (t: GoTime): bigint => GoTime.fromDate(now()).UnixNano() - t.UnixNano();
  return {
    now: () => nowTime(),
    date: (...a) => {
      arity(a, 'date', 2);
      return inZone(argString(a[0], 'date'), a[1], 'Local');
    },
    dateInZone: (...a) => {
      arity(a, 'dateInZone', 3);
      return inZone(argString(a[0], 'dateInZone'), a[1], argString(a[2], 'dateInZone'));
    },
    date_in_zone: (...a) => {
      arity(a, 'date_in_zone', 3);
      return inZone(argString(a[0], 'date_in_zone'), a[1], argString(a[2], 'date_in_zone'));
    },
    htmlDate: (...a) => {
      arity(a, 'htmlDate', 1);
      return inZone('2006-01-02', a[0], 'Local');
    },
    htmlDateInZone: (...a) => {
      arity(a, 'htmlDateInZone', 2);
      return inZone('2006-01-02', a[0], argString(a[1], 'htmlDateInZone'));
    },
    dateModify: modify(false),
    date_modify: modify(false),
    mustDateModify: modify(true),
    must_date_modify: modify(true),
    ago: (...a) => {
      arity(a, 'ago', 1);
      const d = a[0];
      const t = d instanceof GoTime ? d : typeof d === 'bigint' ? new GoTime(Number(d), 0, { kind: 'local' }) : nowTime();
      // Duration.Round(time.Second): halves away from zero.
      const ns = sinceNs(t);
      const s = 1_000_000_000n;
      const r = ns % s;
      let rounded = ns - r;
      const abs = r < 0n ? -r : r;
      if (abs + abs >= s) rounded += ns < 0n ? -s : s;
      return formatDuration(rounded);
    },
    duration: (...a) => {
      arity(a, 'duration', 1);
      const v = a[0];
      let n = 0n;
      if (typeof v === 'string') n = /^[+-]?\d+$/.test(v) ? BigInt.asIntN(64, BigInt(v)) : 0n;
      else if (typeof v === 'bigint') n = v;
      return formatDuration(BigInt.asIntN(64, n * 1_000_000_000n));
    },
    durationRound: (...a) => {
      arity(a, 'durationRound', 1);
      const v = a[0];
      let d = 0n;
      if (typeof v === 'string') {
        try {
          d = parseDuration(v);
        } catch {
          d = 0n;
        }
      } else if (typeof v === 'bigint') d = v;
      else if (v instanceof GoTime) d = sinceNs(v);
      const u = d < 0n ? -d : d;
      const second = 1_000_000_000n;
      const minute = 60n * second;
      const hour = 60n * minute;
      const day = 24n * hour;
      const month = 30n * day;
      const year = 365n * day;
      if (u > year) return `${u / year}y`;
      if (u > month) return `${u / month}mo`;
      if (u > day) return `${u / day}d`;
      if (u > hour) return `${u / hour}h`;
      if (u > minute) return `${u / minute}m`;
      if (u > second) return `${u / second}s`;
      return '0s';
    },
    toDate: toDate(false),
    mustToDate: toDate(true),
    unixEpoch: (...a) => {
      arity(a, 'unixEpoch', 1);
      return argTime(a[0], 'unixEpoch').Unix().toString();
    },
  };
}
