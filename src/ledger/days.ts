/** UTC day strings (YYYY-MM-DD) for ledger filters: pure and dependency-free, so CLI parsing can load it eagerly. */

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isRealDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Parses a day option: `YYYY-MM-DD` (UTC), `today`, `yesterday`, or a relative `Nd` / `Nw` / `Nm`
 * meaning the last N days / weeks / months including today (so `--since 7d` covers 7 calendar days:
 * today and the 6 before it). Returns undefined for anything else.
 */
export function parseDay(value: string, now: Date = new Date()): string | undefined {
  const v = value.trim().toLowerCase();
  if (isRealDay(v)) return v;
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (v === 'today') return dayOf(today);
  if (v === 'yesterday') return dayOf(new Date(today.getTime() - 86_400_000));
  const rel = /^(\d{1,4})([dwm])$/.exec(v);
  if (!rel) return undefined;
  const n = Number(rel[1]);
  if (n < 1) return undefined;
  if (rel[2] === 'm') {
    // Calendar months: 1m on 2026-03-15 starts 2026-02-16.
    const d = new Date(today);
    d.setUTCMonth(d.getUTCMonth() - n);
    d.setUTCDate(d.getUTCDate() + 1);
    return dayOf(d);
  }
  const days = rel[2] === 'w' ? n * 7 : n;
  return dayOf(new Date(today.getTime() - (days - 1) * 86_400_000));
}

/** Milliseconds since the epoch at 00:00 UTC of a day. */
export const dayStartMs = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
