/**
 * A Go `time.Time` (instant + location) with the methods templates call, Go layout formatting
 * and parsing (`2006-01-02T15:04:05Z07:00`), and `time.Duration` parsing/printing.
 * Zone offsets come from Intl; abbreviations are Intl's where they are alphabetic, else "+hh".
 */
import { GO_TYPE } from '../template/fmt.js';

export type Loc = { kind: 'utc' } | { kind: 'local' } | { kind: 'iana'; name: string } | { kind: 'fixed'; name: string; offset: number };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

const dtfCache = new Map<string, Intl.DateTimeFormat>();
function dtf(zone: string, locale = 'en-US', tzName?: 'short'): Intl.DateTimeFormat {
  const key = `${zone}|${locale}|${tzName ?? ''}`;
  let f = dtfCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', ...(tzName ? { timeZoneName: tzName } : {}) });
    dtfCache.set(key, f);
  }
  return f;
}

/** time.LoadLocation: undefined when unknown. */
export function loadLocation(name: string): Loc | undefined {
  if (name === '' || name === 'UTC') return { kind: 'utc' };
  if (name === 'Local') return { kind: 'local' };
  try {
    dtf(name);
    return { kind: 'iana', name };
  } catch {
    return undefined;
  }
}

function zoneOf(loc: Loc): string | undefined {
  if (loc.kind === 'iana') return loc.name;
  if (loc.kind === 'local') return process.env.TZ && process.env.TZ !== '' ? process.env.TZ : Intl.DateTimeFormat().resolvedOptions().timeZone;
  return undefined;
}

/** Offset (seconds east of UTC) and abbreviation of `loc` at unix second `sec`. */
export function zoneAt(loc: Loc, sec: number): { offset: number; abbr: string } {
  if (loc.kind === 'utc') return { offset: 0, abbr: 'UTC' };
  if (loc.kind === 'fixed') return { offset: loc.offset, abbr: loc.name };
  const zone = zoneOf(loc);
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return { offset: 0, abbr: 'UTC' };
  const ms = Math.max(-8.64e15, Math.min(8.64e15, sec * 1000));
  const parts = Object.fromEntries(dtf(zone).formatToParts(ms).map((p) => [p.type, p.value]));
  const wall = daysFromCivil(Number(parts.year), Number(parts.month), Number(parts.day)) * 86400 + Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
  const offset = wall - Math.floor(ms / 1000);
  let abbr = '';
  for (const locale of ['en-US', 'en-GB']) {
    const name = dtf(zone, locale, 'short').formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^[A-Z]{2,5}$/.test(name) && name !== 'GMT') {
      abbr = name;
      break;
    }
  }
  if (abbr === '') abbr = offset === 0 ? 'GMT' : formatOffset(offset, '', false);
  return { offset, abbr };
}

function formatOffset(off: number, sep: string, withSeconds: boolean, minutesOptional = true): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const m = String(Math.floor((a % 3600) / 60)).padStart(2, '0');
  const s = String(a % 60).padStart(2, '0');
  if (minutesOptional && m === '00' && !withSeconds && sep === '') return `${sign}${h}`;
  return `${sign}${h}${sep}${m}${withSeconds ? sep + s : ''}`;
}

/** A Go time.Time. */
export class GoTime {
  static readonly [GO_TYPE] = 'time.Time';
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly loc: Loc,
  ) {}

  static fromDate(d: Date, loc: Loc = { kind: 'local' }): GoTime {
    const ms = d.getTime();
    return new GoTime(Math.floor(ms / 1000), (((ms % 1000) + 1000) % 1000) * 1e6, loc);
  }

  static zero(): GoTime {
    return new GoTime(-62135596800, 0, { kind: 'utc' });
  }

  /** Wall-clock fields in the time's location. */
  fields(): { year: number; month: number; day: number; hour: number; min: number; sec: number; nsec: number; wday: number; yday: number; offset: number; abbr: string } {
    const { offset, abbr } = zoneAt(this.loc, this.sec);
    const local = this.sec + offset;
    const days = Math.floor(local / 86400);
    const rem = local - days * 86400;
    const [year, month, day] = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(rem / 3600),
      min: Math.floor((rem % 3600) / 60),
      sec: rem % 60,
      nsec: this.nsec,
      wday: (((days + 4) % 7) + 7) % 7,
      yday: days - daysFromCivil(year, 1, 1) + 1,
      offset,
      abbr,
    };
  }

  Format(layout: string): string {
    return formatTime(this, layout);
  }
  String(): string {
    return formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
  MarshalJSON(): string {
    return JSON.stringify(formatTime(this, '2006-01-02T15:04:05.999999999Z07:00'));
  }
  Unix(): bigint {
    return BigInt(this.sec);
  }
  UnixNano(): bigint {
    return BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec);
  }
  UnixMilli(): bigint {
    return BigInt(this.sec) * 1000n + BigInt(Math.floor(this.nsec / 1e6));
  }
  UTC(): GoTime {
    return new GoTime(this.sec, this.nsec, { kind: 'utc' });
  }
  Local(): GoTime {
    return new GoTime(this.sec, this.nsec, { kind: 'local' });
  }
  In(loc: Loc): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }
  /** Adds a duration in nanoseconds. */
  Add(d: bigint): GoTime {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec) + BigInt(d);
    const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
    return new GoTime(Number(sec), Number(total - sec * 1_000_000_000n), this.loc);
  }
  Sub(o: GoTime): bigint {
    return this.UnixNano() - o.UnixNano();
  }
  Year(): bigint {
    return BigInt(this.fields().year);
  }
  Month(): GoMonth {
    return new GoMonth(this.fields().month);
  }
  Day(): bigint {
    return BigInt(this.fields().day);
  }
  Hour(): bigint {
    return BigInt(this.fields().hour);
  }
  Minute(): bigint {
    return BigInt(this.fields().min);
  }
  Second(): bigint {
    return BigInt(this.fields().sec);
  }
  Nanosecond(): bigint {
    return BigInt(this.nsec);
  }
  YearDay(): bigint {
    return BigInt(this.fields().yday);
  }
  Weekday(): GoWeekday {
    return new GoWeekday(this.fields().wday);
  }
  IsZero(): boolean {
    return this.sec === -62135596800 && this.nsec === 0;
  }
  Before(o: GoTime): boolean {
    return this.UnixNano() < o.UnixNano();
  }
  After(o: GoTime): boolean {
    return this.UnixNano() > o.UnixNano();
  }
  Equal(o: GoTime): boolean {
    return this.UnixNano() === o.UnixNano();
  }
}

/** time.Month (prints as its English name). */
export class GoMonth {
  static readonly [GO_TYPE] = 'time.Month';
  constructor(readonly n: number) {}
  String(): string {
    return MONTHS[this.n - 1] ?? `%!Month(${this.n})`;
  }
}

/** time.Weekday. */
export class GoWeekday {
  static readonly [GO_TYPE] = 'time.Weekday';
  constructor(readonly n: number) {}
  String(): string {
    return DAYS[this.n] ?? `%!Weekday(${this.n})`;
  }
}

// ---- layouts ----

const STD_CHUNKS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST',
  'Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07',
  '-070000', '-07:00:00', '-0700', '-07:00', '-07',
  '2006', '2', '_2', '__2', '002', '02', '01', '1', '06', '15', '03', '3', '04', '4', '05', '5', 'PM', 'pm',
];

type Chunk = { lit: string } | { std: string };

/** Splits a layout like time.nextStdChunk. */
export function layoutChunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let lit = '';
  let i = 0;
  const push = (std: string): void => {
    if (lit) out.push({ lit });
    lit = '';
    out.push({ std });
  };
  while (i < layout.length) {
    const rest = layout.slice(i);
    const c = rest[0]!;
    let std: string | undefined;
    if (c === 'J') std = rest.startsWith('January') ? 'January' : rest.startsWith('Jan') ? 'Jan' : undefined;
    else if (c === 'M') std = rest.startsWith('Monday') ? 'Monday' : rest.startsWith('Mon') ? 'Mon' : rest.startsWith('MST') ? 'MST' : undefined;
    else if (c === '0') std = /^0[1-6]/.test(rest) ? rest.slice(0, 2) : rest.startsWith('002') ? '002' : undefined;
    else if (c === '1') std = rest.startsWith('15') ? '15' : '1';
    else if (c === '2') std = rest.startsWith('2006') ? '2006' : '2';
    else if (c === '_') {
      if (rest.startsWith('_2')) {
        if (rest.startsWith('_2006')) {
          lit += '_';
          i++;
          continue;
        }
        std = rest.startsWith('__2') ? undefined : '_2';
      } else if (rest.startsWith('__2')) std = '__2';
    } else if (c === '3' || c === '4' || c === '5') std = c;
    else if (c === 'P') std = rest.startsWith('PM') ? 'PM' : undefined;
    else if (c === 'p') std = rest.startsWith('pm') ? 'pm' : undefined;
    else if (c === '-' || c === 'Z') std = STD_CHUNKS.find((s) => s[0] === c && rest.startsWith(s));
    else if ((c === '.' || c === ',') && /^[.,](0+|9+)/.test(rest)) {
      const m = /^[.,](0+|9+)/.exec(rest)!;
      if (!/\d/.test(rest[m[0].length] ?? '')) std = m[0];
    }
    if (std) {
      push(std);
      i += std.length;
    } else {
      lit += c;
      i++;
    }
  }
  if (lit) out.push({ lit });
  return out;
}

/** Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = '';
  for (const ch of layoutChunks(layout)) {
    if ('lit' in ch) {
      out += ch.lit;
      continue;
    }
    const s = ch.std;
    const p2 = (n: number): string => String(n).padStart(2, '0');
    switch (s) {
      case 'January':
        out += MONTHS[f.month - 1];
        break;
      case 'Jan':
        out += MONTHS[f.month - 1]!.slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[f.wday];
        break;
      case 'Mon':
        out += DAYS[f.wday]!.slice(0, 3);
        break;
      case 'MST':
        out += f.abbr !== '' ? f.abbr : formatOffset(f.offset, '', false, false);
        break;
      case '2006':
        out += f.year < 0 ? `-${String(-f.year).padStart(4, '0')}` : String(f.year).padStart(4, '0');
        break;
      case '06':
        out += p2(((f.year % 100) + 100) % 100);
        break;
      case '01':
        out += p2(f.month);
        break;
      case '1':
        out += String(f.month);
        break;
      case '02':
        out += p2(f.day);
        break;
      case '2':
        out += String(f.day);
        break;
      case '_2':
        out += String(f.day).padStart(2, ' ');
        break;
      case '__2':
        out += String(f.yday).padStart(3, ' ');
        break;
      case '002':
        out += String(f.yday).padStart(3, '0');
        break;
      case '15':
        out += p2(f.hour);
        break;
      case '03':
        out += p2(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case '3':
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case '04':
        out += p2(f.min);
        break;
      case '4':
        out += String(f.min);
        break;
      case '05':
        out += p2(f.sec);
        break;
      case '5':
        out += String(f.sec);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      default:
        if (s.startsWith('Z') || s.startsWith('-')) {
          if (s.startsWith('Z') && f.offset === 0) {
            out += 'Z';
            break;
          }
          const core = s.slice(1);
          const sep = core.includes(':') ? ':' : '';
          const withSec = core.length === 6 || core.length === 8;
          const onlyHours = core === '07';
          const sign = f.offset < 0 ? '-' : '+';
          const a = Math.abs(f.offset);
          out += `${sign}${p2(Math.floor(a / 3600))}`;
          if (!onlyHours) out += `${sep}${p2(Math.floor((a % 3600) / 60))}`;
          if (withSec) out += `${sep}${p2(a % 60)}`;
        } else if (s[0] === '.' || s[0] === ',') {
          const digits = s.length - 1;
          const frac = String(f.nsec).padStart(9, '0').slice(0, digits);
          if (s[1] === '0') out += s[0] + frac;
          else {
            const trimmed = frac.replace(/0+$/, '');
            if (trimmed) out += s[0] + trimmed;
          }
        }
    }
  }
  return out;
}

/** time.ParseInLocation (common layouts; month/day names, fractions and zones). */
export function parseTime(layout: string, value: string, loc: Loc): GoTime {
  let current = '';
  const bad = (): never => {
    throw new Error(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(v)} as ${JSON.stringify(current)}`);
  };
  let v = value;
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let abbr: string | undefined;
  const range = (what: string): never => {
    throw new Error(`parsing time ${JSON.stringify(value)}: ${what} out of range`);
  };
  const num = (min: number, max: number, fixed?: number): number => {
    const m = fixed ? new RegExp(`^\\d{${fixed}}`).exec(v) : new RegExp(`^\\d{${min},${max}}`).exec(v);
    if (!m) bad();
    v = v.slice(m![0].length);
    return Number(m![0]);
  };
  const chunks = layoutChunks(layout);
  for (let k = 0; k < chunks.length; k++) {
    const ch = chunks[k]!;
    current = 'lit' in ch ? ch.lit : ch.std;
    if ('lit' in ch) {
      if (!v.startsWith(ch.lit)) bad();
      v = v.slice(ch.lit.length);
      continue;
    }
    const s = ch.std;
    switch (s) {
      case 'January':
      case 'Jan': {
        const idx = MONTHS.findIndex((m) => v.toLowerCase().startsWith((s === 'Jan' ? m.slice(0, 3) : m).toLowerCase()));
        if (idx < 0) bad();
        v = v.slice(s === 'Jan' ? 3 : MONTHS[idx]!.length);
        month = idx + 1;
        break;
      }
      case 'Monday':
      case 'Mon': {
        const idx = DAYS.findIndex((d) => v.toLowerCase().startsWith((s === 'Mon' ? d.slice(0, 3) : d).toLowerCase()));
        if (idx < 0) bad();
        v = v.slice(s === 'Mon' ? 3 : DAYS[idx]!.length);
        break;
      }
      case '2006':
        year = num(4, 4, 4);
        break;
      case '06': {
        const y = num(2, 2, 2);
        year = y >= 69 ? 1900 + y : 2000 + y;
        break;
      }
      case '01':
      case '1':
        month = s === '01' ? num(2, 2, 2) : num(1, 2);
        if (month < 1 || month > 12) range('month');
        break;
      case '02':
      case '2':
      case '_2':
        if (s === '_2' && v.startsWith(' ')) v = v.slice(1);
        day = s === '02' ? num(2, 2, 2) : num(1, 2);
        if (day < 1 || day > 31) range('day');
        break;
      case '15':
        hour = num(1, 2);
        if (hour > 23) range('hour');
        break;
      case '03':
      case '3':
        hour = s === '03' ? num(2, 2, 2) : num(1, 2);
        if (hour < 0 || hour > 12) range('hour');
        break;
      case '04':
      case '4':
        min = s === '04' ? num(2, 2, 2) : num(1, 2);
        if (min > 59) range('minute');
        break;
      case '05':
      case '5': {
        sec = s === '05' ? num(2, 2, 2) : num(1, 2);
        if (sec > 59) range('second');
        // Go accepts a fractional second after seconds even when the layout has none.
        const next = chunks[k + 1];
        if (/^[.,]\d/.test(v) && !(next && 'std' in next && /^[.,]/.test(next.std))) {
          const m = /^[.,](\d+)/.exec(v)!;
          nsec = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
          v = v.slice(m[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const ap = v.slice(0, 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') bad();
        pm = ap === 'PM';
        v = v.slice(2);
        break;
      }
      case 'MST': {
        const m = /^(UTC|GMT[+-]\d+|[A-Z]{3,5})/.exec(v);
        if (!m) bad();
        abbr = m![1];
        v = v.slice(m![0].length);
        break;
      }
      default:
        if (s.startsWith('Z') && v.startsWith('Z')) {
          v = v.slice(1);
          offset = 0;
        } else if (s.startsWith('Z') || s.startsWith('-')) {
          const m = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?/.exec(v);
          if (!m) bad();
          offset = (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0));
          v = v.slice(m![0].length);
        } else if (s[0] === '.' || s[0] === ',') {
          const m = s[1] === '0' ? new RegExp(`^[.,](\\d{${s.length - 1}})`).exec(v) : /^[.,](\d+)/.exec(v);
          if (m) {
            nsec = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
            v = v.slice(m[0].length);
          } else if (s[1] === '0') bad();
        }
    }
  }
  if (v !== '') throw new Error(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(v)}`);
  if (pm !== undefined) {
    if (hour > 12) bad();
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (month < 1 || month > 12) throw new Error(`parsing time ${JSON.stringify(value)}: month out of range`);
  const daysInMonth = daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
  if (day < 1 || day > daysInMonth || hour > 23 || min > 59 || sec > 59) throw new Error(`parsing time ${JSON.stringify(value)}: day out of range`);
  const wall = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  if (offset !== undefined) {
    const t = new GoTime(wall - offset, nsec, loc);
    if (zoneAt(loc, t.sec).offset === offset) return t;
    return new GoTime(wall - offset, nsec, { kind: 'fixed', name: '', offset });
  }
  if (abbr !== undefined && abbr !== 'UTC') {
    const guess = zoneAt(loc, wall);
    if (guess.abbr === abbr) return new GoTime(wall - guess.offset, nsec, loc);
    return new GoTime(wall, nsec, { kind: 'fixed', name: abbr, offset: 0 });
  }
  if (abbr === 'UTC') return new GoTime(wall, nsec, { kind: 'utc' });
  // Wall time in loc: adjust by the zone offset at that instant (two passes for DST edges).
  let off = zoneAt(loc, wall).offset;
  off = zoneAt(loc, wall - off).offset;
  return new GoTime(wall - off, nsec, loc);
}

// ---- durations ----

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** time.ParseDuration → nanoseconds. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const err = (): never => {
    throw new Error(`time: invalid duration ${JSON.stringify(orig)}`);
  };
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') err();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.') err();
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration ${JSON.stringify(orig)}`);
    const unit = UNITS[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(orig)}`);
    s = s.slice(u[0].length);
    const whole = BigInt(m[1] || '0') * unit;
    const fracDigits = m[2] ?? '';
    const frac = fracDigits ? (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length) : 0n;
    total += whole + frac;
    if (total > (1n << 63n)) err();
  }
  if (!neg && total > (1n << 63n) - 1n) err();
  return neg ? -total : total;
}

/** time.Duration.String. */
export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let scale: bigint;
    if (u < 1000n) return `${neg ? '-' : ''}${u}ns`;
    if (u < 1_000_000n) {
      unit = 'µs';
      scale = 1000n;
    } else {
      unit = 'ms';
      scale = 1_000_000n;
    }
    out = fracString(u, scale) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${fracString(u, 1_000_000_000n)}s`;
    if (h > 0n) out = `${h}h${m}m${out}`;
    else if (m > 0n) out = `${m}m${out}`;
  }
  return (neg ? '-' : '') + out;
}

function fracString(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const frac = v % scale;
  if (frac === 0n) return whole.toString();
  const digits = scale.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
