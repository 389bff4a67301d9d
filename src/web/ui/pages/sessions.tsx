import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Badge, Confirm, Empty, ErrorBox, Field } from '../components.js';
import { duration, localTime } from '../format.js';
import { useNow, usePoll, useTitle } from '../hooks.js';
import { href, navigate } from '../router.js';
import type { DashboardProfile, SessionSummary } from '../types.js';
import { termSize } from './profiles.js';

export function StatusBadge({ s }: { s: SessionSummary }) {
  if (s.status === 'running') return <Badge kind="ok">running</Badge>;
  if (s.status === 'lost') return <Badge kind="bad" title="The daemon that ran it stopped">lost</Badge>;
  return <Badge kind={s.exitCode === 0 ? undefined : 'warn'}>exit {s.exitCode}{s.signal ? ` (${s.signal})` : ''}</Badge>;
}

/** What the session runs: the words after `--`, else the profile's agent. */
export function commandOf(s: SessionSummary, agent?: string): string {
  return s.args.length ? s.args.join(' ') : agent ?? 'agent';
}

export function SessionsPage() {
  useTitle('Sessions');
  const now = useNow(1000);
  const sessions = usePoll(() => get<SessionSummary[]>('/api/sessions'), 'sessions', 2_000);
  const profiles = usePoll(() => get<DashboardProfile[]>('/api/dashboard/profiles'), 'profiles', 30_000);
  const agentOf = new Map((profiles.data ?? []).map((p) => [p.name, p.agent]));
  const [profile, setProfile] = useState('');
  const [args, setArgs] = useState('');
  const [startError, setStartError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [kill, setKill] = useState<SessionSummary>();
  const [actionError, setActionError] = useState<string>();
  const list = [...(sessions.data ?? [])].reverse();
  const chosen = profile || profiles.data?.find((p) => !p.error)?.name || '';

  const start = async (e: Event) => {
    e.preventDefault();
    if (!chosen) return setStartError('create a profile first');
    setBusy(true);
    setStartError(undefined);
    try {
      const words = args.trim() ? splitWords(args.trim()) : undefined;
      const s = await api<SessionSummary>('POST', '/api/sessions', { profile: chosen, ...(words ? { args: words } : {}), ...termSize() });
      navigate(href(['sessions', s.id]));
    } catch (err) {
      setStartError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (s: SessionSummary) => {
    setActionError(undefined);
    try {
      await api('DELETE', `/api/sessions/${encodeURIComponent(s.id)}`);
      sessions.reload();
    } catch (err) {
      setActionError((err as Error).message);
    }
  };

  return (
    <main class="page" id="main">
      <div class="page-head"><h1>Sessions</h1></div>
      <form class="panel filters" onSubmit={start} aria-label="Start a session">
        <Field id="s-profile" label="Profile">
          <select id="s-profile" value={chosen} onChange={(e) => setProfile(e.currentTarget.value)}>
            {(profiles.data ?? []).filter((p) => !p.error).map((p) => <option key={p.name} value={p.name}>{p.name} ({p.agent})</option>)}
          </select>
        </Field>
        <Field id="s-args" label="Command (optional)" class="grow">
          <input id="s-args" value={args} onInput={(e) => setArgs(e.currentTarget.value)} spellcheck={false} autoComplete="off" placeholder={agentOf.get(chosen) ?? ''} aria-describedby="s-args-hint" />
        </Field>
        <button class="btn primary" type="submit" disabled={busy || !chosen}>{busy ? 'Starting…' : 'Start session'}</button>
        <p class="hint muted small full" id="s-args-hint">Leave the command empty to start the profile's agent; anything else runs inside the profile instead (e.g. <code>claude --resume</code>). Sessions keep running when you close the page.</p>
        {startError && <div class="error-box full" role="alert" data-error="start">{startError}</div>}
      </form>
      <ErrorBox error={sessions.error ?? actionError} />
      <section class="panel" aria-label="Sessions">
        {!sessions.data ? <Empty>Loading…</Empty> : list.length === 0 ? <Empty>No sessions. Start one above, or with <code>ringlet profiles run NAME --detach</code>.</Empty> : (
          <div class="table-wrap">
            <table data-table="sessions">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Profile</th>
                  <th scope="col" class="hide-narrow">Command</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="hide-narrow">Started</th>
                  <th scope="col" class="num hide-narrow">Uptime</th>
                  <th scope="col" class="num hide-narrow">Clients</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id} data-session={s.id} data-status={s.status}>
                    <th scope="row"><a class="mono" href={href(['sessions', s.id])} title={s.title || undefined}>{s.id}</a></th>
                    <td><a href={href(['profiles', s.profile])}>{s.profile}</a></td>
                    <td class="hide-narrow mono small">{commandOf(s, agentOf.get(s.profile))}</td>
                    <td><StatusBadge s={s} /></td>
                    <td class="hide-narrow small">{localTime(s.startedAt)}</td>
                    <td class="num hide-narrow">{duration((s.endedAt ? Date.parse(s.endedAt) : now) - Date.parse(s.startedAt))}</td>
                    <td class="num hide-narrow">{s.status === 'running' ? s.clients : '—'}</td>
                    <td>
                      <div class="btn-row">
                        {s.status === 'running' ? (
                          <>
                            <a class="btn small" href={href(['sessions', s.id])} aria-label={`Open session ${s.id}`}>Open</a>
                            <button class="btn small danger" type="button" onClick={() => setKill(s)} aria-label={`Kill session ${s.id}`}>Kill</button>
                          </>
                        ) : (
                          <button class="btn small" type="button" onClick={() => remove(s)} aria-label={`Remove session ${s.id} from the list`}>Remove</button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <Confirm open={Boolean(kill)} title={`Kill session ${kill?.id ?? ''}?`} confirm="Kill session" danger
        onCancel={() => setKill(undefined)} onConfirm={() => { const s = kill!; setKill(undefined); void remove(s); }}>
        <p>The agent in <strong>{kill?.profile}</strong> is stopped (SIGHUP, then SIGKILL). Its screen is lost; the session stays listed with its exit status.</p>
      </Confirm>
    </main>
  );
}

/** Splits a command line into words: whitespace separates, single and double quotes group. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur || any) out.push(cur);
  return out;
}
