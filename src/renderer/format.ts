/** Locale-aware formatting of sizes, speeds, durations and dates (Intl only, no hand-made strings). Sizes are decimal (kB = 1000 B), as Intl names them and as file managers on macOS show them. */

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** A byte count in the largest unit that keeps it ≥ 1, e.g. "1.5 MB" or "1,5 MB". */
export function formatBytes(bytes: number, locale: string): string {
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  // Plain bytes read better spelled out ("19 bytes" rather than "19 byte").
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[i], unitDisplay: i === 0 ? 'long' : 'short', maximumFractionDigits: value < 10 && i > 0 ? 1 : 0 }).format(value);
}

/** A speed in bytes per second, e.g. "2.4 MB/s". */
export function formatSpeed(bytesPerSecond: number, locale: string): string {
  let value = Math.max(0, bytesPerSecond);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: `${units[i]}-per-second`, unitDisplay: 'short', maximumFractionDigits: value < 10 && i > 0 ? 1 : 0 }).format(value);
}

/** A duration such as "45 s", "3 min" or "2 h 5 min". */
export function formatDuration(seconds: number, locale: string): string {
  const s = Math.max(0, Math.round(seconds));
  const fmt = (v: number, unit: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(v);
  if (s < 60) return fmt(s, 'second');
  if (s < 3600) return fmt(Math.round(s / 60), 'minute');
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m > 0 ? `${fmt(h, 'hour')} ${fmt(m, 'minute')}` : fmt(h, 'hour');
}

/** A date and time in the person's locale. */
export function formatDate(value: string | number | undefined, locale: string): string {
  if (value === undefined) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A count with the locale's digit grouping. */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A fraction as a whole-number percentage (0..100) for progress bars. */
export function percent(done: number, total: number): number {
  if (total <= 0) return done > 0 ? 100 : 0;
  return Math.min(100, Math.floor((done / total) * 100));
}
