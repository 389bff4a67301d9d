import type { AuditRow } from '../../audit/store.js';
import { parseDay, dayStartMs } from '../../ledger/days.js';
import { UserError } from '../../errors.js';

export const SINCE_HELP = 'YYYY-MM-DD (UTC), an ISO time, today, yesterday, or relative: 7d, 4w, 3m';

/** --since: a day (from its start, UTC) or an exact ISO timestamp. */
export function parseSince(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const day = parseDay(value);
  if (day) return dayStartMs(day);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  throw new UserError(`--since: expected ${SINCE_HELP} (got ${JSON.stringify(value)})`);
}

const short = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
};

/** One line per event: time, id, type, profile, then the data as key=value. */
export function formatRow(r: AuditRow): string {
  const data = Object.entries(r.data).map(([k, v]) => `${k}=${short(v)}`).join(' ');
  return `${r.ts.replace(/\.\d{3}Z$/, 'Z')}  #${r.id}  ${r.type.padEnd(17)} ${(r.profile ?? '-').padEnd(12)} ${data}`.trimEnd() + '\n';
}
