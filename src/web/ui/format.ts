/** Number formats, matching the CLI's (src/cli/output.ts) so a figure reads the same in both. */

export function usd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n !== 0 && Math.abs(n) < 0.01) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(2)}`;
}

/** Cost of a group: `?` when nothing is priced, a trailing `?` when part is not (as `ringlet usage`). */
export function costText(g: { costUsd: number; requests: number; unpricedRequests: number }): string {
  if (g.unpricedRequests === 0) return usd(g.costUsd);
  return g.unpricedRequests === g.requests ? '?' : `${usd(g.costUsd)}?`;
}

const intFmt = new Intl.NumberFormat('en-US');
export const int = (n: number) => intFmt.format(n);

/** 1234 -> 1.2K, 1_234_567 -> 1.2M (as the CLI's humanCount). */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(n);
  for (const [v, u] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) if (abs >= v) return `${(n / v).toFixed(n / v >= 100 ? 0 : 1).replace(/\.0$/, '')}${u}`;
  return String(n);
}

/** UTC day `YYYY-MM-DD`, as the ledger counts days. */
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
export const today = () => dayOf(new Date());
export function addDays(day: string, n: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
}
/** Monday of the UTC week containing `day`. */
export function weekStart(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return addDays(day, -((d.getUTCDay() + 6) % 7));
}
export const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/** "3 min ago", "2 h ago", or a date for older times. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '?';
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
  if (ms < 7 * 86_400_000) return `${Math.floor(ms / 86_400_000)} d ago`;
  return iso.slice(0, 10);
}

/** 75 s -> "1m 15s"; 3h -> "3h 0m". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export const localTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');
