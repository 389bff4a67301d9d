import type { SessionSummary } from '../../daemon/session.js';
import { paint, table } from '../output.js';

/** Seconds/minutes/hours/days since an ISO time, for the AGE/ENDED columns. */
function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function sessionsTable(list: SessionSummary[], out: NodeJS.WriteStream): string {
  const rows = list.map((s) => {
    const status =
      s.status === 'running' ? paint('running', 'green', out) : s.status === 'lost' ? paint('lost', 'red', out) : s.exitCode === 0 ? 'exited 0' : paint(`exited ${s.exitCode}${s.signal ? ` (${s.signal})` : ''}`, 'yellow', out);
    const cmd = s.args.length ? s.args.join(' ') : '(agent)';
    return [s.id, s.profile, status, String(s.clients ?? 0), `${s.cols}x${s.rows}`, ago(s.startedAt), s.endedAt ? ago(s.endedAt) : '-', cmd.length > 40 ? cmd.slice(0, 39) + '…' : cmd];
  });
  return table(['ID', 'PROFILE', 'STATUS', 'CLIENTS', 'SIZE', 'STARTED', 'ENDED', 'COMMAND'], rows);
}
