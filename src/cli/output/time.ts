/** Times and sizes the way the `flux` CLI (Go, apimachinery) prints them. */

/** apimachinery's `duration.HumanDuration`: `45s`, `3m20s`, `15m`, `5h10m`, `3d`, `2y`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** `translateTimestampSince`: `<unknown>` for a missing time. */
export function since(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** Go's `time.Time.String()` for a UTC metav1.Time: `2026-01-02 03:04:05 +0000 UTC`. */
export function goTimeString(timestamp: string | undefined): string {
  if (!timestamp) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/**
 * Go's `time.Time.Format(time.RFC3339)` of a metav1.Time as a client decodes it (in the local
 * zone): `2026-11-01T11:00:00+01:00`, `Z` at offset zero; '' for a missing or unparsable time.
 */
export function goRFC3339Local(timestamp: string | undefined): string {
  if (!timestamp) return '';
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}${zone}`;
}

/** `flux stats`' storage column: `-`, `512 B`, `1.5 KiB`. */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '-';
  const unit = 1024;
  if (bytes < unit) return `${bytes} B`;
  let div = unit;
  let exp = 0;
  for (let n = Math.floor(bytes / unit); n >= unit; n = Math.floor(n / unit)) {
    div *= unit;
    exp++;
  }
  return `${(bytes / div).toFixed(1)} ${'KMGTPE'[exp]}iB`;
}

/** Flux's `TruncateHex`: every 40–128 character hex string shortened to 8 characters. */
export function truncateHex(s: string): string {
  return s.replace(/\b[a-f0-9]{40,128}\b/g, (m) => m.slice(0, 8));
}
