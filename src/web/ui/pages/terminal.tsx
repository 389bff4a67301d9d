import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, get } from '../api.js';
import { Confirm, ErrorBox } from '../components.js';
import { duration } from '../format.js';
import { useConnection, useNow, useTitle } from '../hooks.js';
import { href, navigate } from '../router.js';
import type { SessionSummary } from '../types.js';
import type { TermHandle } from '../term.js';
import { StatusBadge } from './sessions.js';

type View =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'ended'; exitCode: number | null; signal: string | null; lost?: boolean }
  | { kind: 'away' }
  | { kind: 'error'; message: string };

/** Keys a phone keyboard lacks. */
const EXTRA_KEYS: [string, string, string][] = [
  ['Esc', '\x1b', 'Escape'],
  ['Tab', '\t', 'Tab'],
  ['↑', '\x1b[A', 'Arrow up'],
  ['↓', '\x1b[B', 'Arrow down'],
  ['^C', '\x03', 'Control C'],
  ['⏎', '\r', 'Enter'],
];

export function TerminalPage({ id }: { id: string }) {
  useTitle(`Session ${id}`);
  const box = useRef<HTMLDivElement>(null);
  const toolbar = useRef<HTMLDivElement>(null);
  const handle = useRef<TermHandle | undefined>(undefined);
  const [view, setView] = useState<View>({ kind: 'connecting' });
  const [info, setInfo] = useState<SessionSummary>();
  const [note, setNote] = useState<string>();
  const [confirmKill, setConfirmKill] = useState(false);
  const [error, setError] = useState<string>();
  const { connection, epoch } = useConnection();
  const now = useNow(1000);

  /** Why a socket closed: ended (show the exit status), gone, or the daemon is away. */
  const explain = async () => {
    try {
      const s = await get<SessionSummary>(`/api/sessions/${encodeURIComponent(id)}`);
      setInfo(s);
      if (s.status === 'running') setView({ kind: 'away' });
      else setView({ kind: 'ended', exitCode: s.exitCode, signal: s.signal, lost: s.status === 'lost' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setView({ kind: 'error', message: err.message });
      else setView({ kind: 'away' });
    }
  };

  useEffect(() => {
    let disposed = false;
    void get<SessionSummary>(`/api/sessions/${encodeURIComponent(id)}`).then(setInfo, () => {});
    void import('../term.js').then(({ openTerminal }) => {
      if (disposed || !box.current) return;
      handle.current = openTerminal(box.current, id, {
        onHello: () => setView({ kind: 'live' }),
        onExit: (exitCode, signal) => {
          setView({ kind: 'ended', exitCode, signal });
          void get<SessionSummary>(`/api/sessions/${encodeURIComponent(id)}`).then(setInfo, () => {});
        },
        onDrop: () => void explain(),
        onSize: (cols, rows, ours) => setNote(cols < ours.cols || rows < ours.rows ? `The session is ${cols}×${rows}: a smaller client is attached.` : undefined),
      }, () => toolbar.current?.querySelector<HTMLElement>('button, a')?.focus());
    }, (err) => setError(`could not load the terminal: ${(err as Error).message}`));
    return () => {
      disposed = true;
      handle.current?.dispose();
      handle.current = undefined;
    };
  }, [id]);

  // When the daemon comes back, attach again: the screen is replayed from the daemon's mirror. A drop
  // while the daemon still answers is retried after a pause, so a refusing server is not hammered.
  useEffect(() => {
    if (view.kind !== 'away' || connection !== 'ok') return;
    const t = setTimeout(() => {
      setView({ kind: 'connecting' });
      handle.current?.reconnect();
    }, 1000);
    return () => clearTimeout(t);
  }, [view.kind, connection, epoch]);

  const detach = async () => {
    await handle.current?.detach();
    navigate(href(['sessions']));
  };
  const kill = async () => {
    setConfirmKill(false);
    try {
      await api('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const ended = view.kind === 'ended';
  return (
    <main class="page term-page" id="main">
      <div class="term-bar" ref={toolbar} role="toolbar" aria-label="Session">
        <h1>Session <span class="mono">{id}</span></h1>
        {info && <span class="muted small">{info.profile}{info.args.length ? ` · ${info.args.join(' ')}` : ''} · {duration((info.endedAt ? Date.parse(info.endedAt) : now) - Date.parse(info.startedAt))}</span>}
        {info && <StatusBadge s={ended && view.kind === 'ended' ? { ...info, status: view.lost ? 'lost' : 'exited', exitCode: view.exitCode, signal: view.signal } : info} />}
        <span class="term-state small" role="status" aria-live="polite">
          {view.kind === 'connecting' ? 'Connecting…' : view.kind === 'away' ? 'Reconnecting…' : ''}
        </span>
        <span class="spacer" />
        <div class="btn-row">
          <button class="btn small" type="button" onClick={async () => { if (!(await handle.current?.copy())) setNote('Select text in the terminal first.'); }}>Copy</button>
          <button class="btn small" type="button" onClick={async () => { try { handle.current?.paste(await navigator.clipboard.readText()); handle.current?.focus(); } catch { setNote('The browser did not allow reading the clipboard; paste with Ctrl+Shift+V.'); } }}>Paste</button>
          <button class="btn small hide-narrow" type="button" onClick={() => handle.current?.focus()}>Focus terminal</button>
          {!ended && <button class="btn small" type="button" onClick={() => void detach()} data-action="detach">Detach</button>}
          {!ended && <button class="btn small danger" type="button" onClick={() => setConfirmKill(true)}>Kill</button>}
          {ended && <a class="btn small" href={href(['sessions'])}>Back to sessions</a>}
        </div>
      </div>
      <ErrorBox error={error} />
      {note && <p class="muted small" role="status">{note}</p>}
      <div class="term-box" ref={box} aria-label={`Terminal of session ${id}`}>
        {ended && view.kind === 'ended' && (
          <div class="term-overlay" role="alert" data-exit={view.exitCode ?? ''}>
            <strong>{view.lost ? 'This session was lost when its daemon stopped.' : `Session ended with exit status ${view.exitCode}${view.signal ? ` (${view.signal})` : ''}.`}</strong>
            <a href={href(['sessions'])}>Back to sessions</a>
          </div>
        )}
        {view.kind === 'error' && <div class="term-overlay" role="alert"><strong>{view.message}</strong><a href={href(['sessions'])}>Back to sessions</a></div>}
      </div>
      <div class="btn-row extra-keys" aria-label="Extra keys">
        {EXTRA_KEYS.map(([label, seq, name]) => (
          <button key={name} class="btn small" type="button" aria-label={`Send ${name}`} disabled={view.kind !== 'live'} onClick={() => { handle.current?.send(seq); handle.current?.focus(); }}>{label}</button>
        ))}
        <span class="muted small hide-narrow">Shift+F6 leaves the terminal · Ctrl+Shift+C copies · Ctrl+Shift+V pastes</span>
      </div>
      <Confirm open={confirmKill} title={`Kill session ${id}?`} confirm="Kill session" danger onCancel={() => setConfirmKill(false)} onConfirm={kill}>
        <p>The agent is stopped (SIGHUP, then SIGKILL after 3 s). The session stays listed with its exit status.</p>
      </Confirm>
    </main>
  );
}
