import { useState } from 'preact/hooks';
import { api, ApiError, get, qs } from '../api.js';
import { Badge, Empty, ErrorBox, Field } from '../components.js';
import { ago, costText, int, monthStart, today } from '../format.js';
import { usePoll, useTitle } from '../hooks.js';
import { href, navigate } from '../router.js';
import type { AgentInfo, DashboardProfile, ProviderInfo, SessionSummary, UsageReport } from '../types.js';

/** The CLI's rule and words for a profile name (src/config/paths.ts isValidName, src/profiles/manifest.ts). */
export function nameError(name: string): string | undefined {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && name.length <= 64 && !name.includes('..')) return undefined;
  return `invalid profile name "${name}": use letters, digits, ".", "_" or "-", starting with a letter or digit`;
}

export function ProfilesPage() {
  useTitle('Profiles');
  const list = usePoll(() => get<DashboardProfile[]>('/api/dashboard/profiles'), 'profiles', 10_000);
  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>Profiles</h1>
        <a class="btn primary" href={href(['profiles', 'new'])}>New profile</a>
      </div>
      <ErrorBox error={list.error} />
      <section class="panel" aria-label="Profiles">
        {!list.data ? <Empty>Loading…</Empty> : list.data.length === 0 ? (
          <Empty>No profiles yet. <a href={href(['profiles', 'new'])}>Create one</a>, or run <code>ringlet init</code>.</Empty>
        ) : (
          <div class="table-wrap">
            <table data-table="profiles">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" class="hide-narrow">Agent</th>
                  <th scope="col">Provider</th>
                  <th scope="col" class="hide-narrow">Model</th>
                  <th scope="col" class="hide-narrow">Sandbox</th>
                  <th scope="col">Last used</th>
                  <th scope="col" class="num">This month</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((p) => (
                  <tr key={p.name} data-profile={p.name}>
                    <th scope="row"><a href={href(['profiles', p.name])}>{p.name}</a>{p.error && <> <Badge kind="bad" title={p.error}>broken</Badge></>}</th>
                    <td class="hide-narrow">{p.agent ?? '—'}</td>
                    <td>{p.provider ?? '—'}</td>
                    <td class="hide-narrow mono small">{p.model ?? <span class="muted">default</span>}</td>
                    <td class="hide-narrow">{p.sandbox ?? '—'}</td>
                    <td title={p.lastUsed ?? undefined}>{ago(p.lastUsed)}</td>
                    <td class="num" data-value={p.month.costUsd}>{costText(p.month)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

function useOptions() {
  const agents = usePoll(() => get<AgentInfo[]>('/api/agents'), 'agents', 0);
  const providers = usePoll(() => get<ProviderInfo[]>('/api/providers'), 'providers', 0);
  return { agents: agents.data ?? [], providers: providers.data ?? [], error: agents.error ?? providers.error };
}

export function NewProfilePage() {
  useTitle('New profile');
  const { agents, providers, error } = useOptions();
  const [form, setForm] = useState({ name: '', agent: 'claude', provider: 'anthropic', keyAlias: '', model: '', endpoint: '' });
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const nameErr = touched || form.name ? (form.name ? nameError(form.name) : 'a profile needs a name') : undefined;
  const provider = providers.find((p) => p.id === form.provider);
  const upd = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (!form.name || nameError(form.name)) return;
    setBusy(true);
    setServerError(undefined);
    try {
      const body: Record<string, string> = { name: form.name, agent: form.agent, provider: form.provider };
      for (const k of ['keyAlias', 'model', 'endpoint'] as const) if (form[k].trim()) body[k] = form[k].trim();
      await api('POST', '/api/profiles', body);
      navigate(href(['profiles', form.name], { created: '1' }));
    } catch (err) {
      setServerError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>New profile</h1>
        <a href={href(['profiles'])}>Back to profiles</a>
      </div>
      <ErrorBox error={error} />
      <form class="panel" onSubmit={submit} aria-label="New profile" noValidate>
        <div class="form-grid">
          <Field id="p-name" label="Name" hint={<>Letters, digits, “.”, “_” or “-”; you will run it as <code>ringlet profiles run {form.name || 'NAME'}</code>.</>} error={nameErr}>
            <input id="p-name" name="name" required autoComplete="off" spellcheck={false} value={form.name} onInput={upd('name')} onBlur={() => setTouched(true)}
              aria-invalid={nameErr ? 'true' : 'false'} aria-describedby={`p-name-hint${nameErr ? ' p-name-err' : ''}`} />
          </Field>
          <Field id="p-agent" label="Agent">
            <select id="p-agent" name="agent" value={form.agent} onChange={upd('agent')}>
              {agents.map((a) => <option key={a.id} value={a.id}>{a.label}{a.installed ? '' : ' (not installed)'}</option>)}
            </select>
          </Field>
          <Field id="p-provider" label="Provider" hint={provider ? provider.label : undefined}>
            <select id="p-provider" name="provider" value={form.provider} onChange={upd('provider')}>
              {providers.map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
            </select>
          </Field>
          <Field id="p-alias" label="Key alias" hint="Which stored key to use; defaults to the profile name.">
            <input id="p-alias" name="keyAlias" autoComplete="off" spellcheck={false} value={form.keyAlias} onInput={upd('keyAlias')} placeholder={form.name || 'same as name'} />
          </Field>
          <Field id="p-model" label="Model" hint="Leave empty for the agent's default.">
            <input id="p-model" name="model" autoComplete="off" spellcheck={false} value={form.model} onInput={upd('model')} />
          </Field>
          <Field id="p-endpoint" label={form.provider === 'custom' ? 'Endpoint (required)' : 'Endpoint override'} hint="Base URL, e.g. https://gateway.example.com/v1">
            <input id="p-endpoint" name="endpoint" type="url" autoComplete="off" spellcheck={false} value={form.endpoint} onInput={upd('endpoint')} />
          </Field>
        </div>
        {serverError && <div class="error-box" role="alert" data-error="server">{serverError}</div>}
        <div class="btn-row end">
          <a class="btn" href={href(['profiles'])}>Cancel</a>
          <button class="btn primary" type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create profile'}</button>
        </div>
      </form>
    </main>
  );
}

interface ProfileDetail extends DashboardProfile {
  keySet: boolean | null;
}

export function ProfilePage({ name, created }: { name: string; created: boolean }) {
  useTitle(name);
  const p = usePoll(() => get<ProfileDetail>(`/api/dashboard/profiles/${encodeURIComponent(name)}`), `profile ${name}`, 15_000);
  const models = usePoll(() => get<UsageReport>(`/api/usage${qs({ view: 'model', profile: name, since: monthStart(today()) })}`), `pm ${name}`, 15_000);
  const sessions = usePoll(() => get<SessionSummary[]>('/api/sessions'), 'sessions', 5_000);
  const mine = (sessions.data ?? []).filter((s) => s.profile === name).reverse().slice(0, 5);

  if (p.error?.status === 404) {
    return <main class="page" id="main"><h1>{name}</h1><ErrorBox error={p.error.message} /><a href={href(['profiles'])}>Back to profiles</a></main>;
  }
  const d = p.data;
  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>{name}</h1>
        <div class="btn-row">
          {d && !d.error && <StartButton profile={name} />}
          <a href={href(['spend'], { profile: name })} class="btn">Spend</a>
        </div>
      </div>
      {created && <p class="ok-text" role="status">Profile created.{d?.keyAlias && d.keySet === false ? ' Set its key below.' : ''}</p>}
      <ErrorBox error={p.error} />
      {d?.error && <div class="error-box">{d.error}</div>}
      {d && !d.error && (
        <div class="grid2">
          <section class="panel" aria-labelledby="det-h">
            <h2 id="det-h">Details</h2>
            <dl class="props" data-details>
              <dt>Agent</dt><dd>{d.agent}</dd>
              <dt>Provider</dt><dd>{d.provider}</dd>
              <dt>Model</dt><dd class="mono">{d.model ?? <span class="muted">agent default</span>}</dd>
              <dt>Key</dt><dd>{d.keyAlias ? <>{d.provider}/{d.keyAlias} {d.keySet === true ? <Badge kind="ok">stored</Badge> : d.keySet === false ? <Badge kind="warn">missing</Badge> : null}</> : <span class="muted">none needed</span>}</dd>
              <dt>Endpoint</dt><dd class="mono">{d.endpoint ?? <span class="muted">provider default</span>}</dd>
              <dt>Sandbox</dt><dd>{d.sandbox}</dd>
              <dt>Metering</dt><dd>{d.meter ? 'on' : 'off'}</dd>
              <dt>Binary</dt><dd class="mono">{d.binary ?? <span class="muted">from PATH</span>}</dd>
              <dt>HOME</dt><dd class="mono small">{d.home}</dd>
              <dt>Last used</dt><dd>{ago(d.lastUsed)}</dd>
              <dt>This month</dt><dd>{costText(d.month)} · {int(d.month.requests)} requests</dd>
            </dl>
          </section>
          <div>
            <EditForm profile={d} onSaved={p.reload} />
            {d.keyAlias && <KeyForm profile={d} onSaved={p.reload} />}
          </div>
        </div>
      )}
      <div class="grid2">
        <section class="panel" aria-labelledby="pm-h">
          <h2 id="pm-h">This month by model</h2>
          {!models.data ? <Empty>Loading…</Empty> : models.data.groups.length === 0 ? <Empty>No usage this month.</Empty> : (
            <div class="table-wrap"><table>
              <thead><tr><th scope="col">Model</th><th scope="col" class="num">Reqs</th><th scope="col" class="num">Cost</th></tr></thead>
              <tbody>{models.data.groups.map((g) => <tr key={g.model}><th scope="row" class="mono small">{g.model}{g.unpricedRequests > 0 && <> <Badge kind="warn">no price</Badge></>}</th><td class="num">{int(g.requests)}</td><td class="num">{costText(g)}</td></tr>)}</tbody>
            </table></div>
          )}
        </section>
        <section class="panel" aria-labelledby="ps-h">
          <h2 id="ps-h">Recent sessions</h2>
          {mine.length === 0 ? <Empty>No sessions.</Empty> : (
            <ul>{mine.map((s) => <li key={s.id}><a href={href(['sessions', s.id])} class="mono">{s.id}</a> · {s.status === 'running' ? 'running' : s.status === 'lost' ? 'lost' : `exit ${s.exitCode}`} · {ago(s.startedAt)}</li>)}</ul>
          )}
        </section>
      </div>
    </main>
  );
}

function StartButton({ profile }: { profile: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <button class="btn primary" type="button" disabled={busy} onClick={async () => {
        setBusy(true);
        setError(undefined);
        try {
          const s = await api<SessionSummary>('POST', '/api/sessions', { profile, ...termSize() });
          navigate(href(['sessions', s.id]));
        } catch (err) {
          setError((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}>{busy ? 'Starting…' : 'Start session'}</button>
      {error && <span class="error-text" role="alert">{error}</span>}
    </>
  );
}

/** A first guess at the terminal's size from the window, so the agent starts near the size it will get. */
export function termSize(): { cols: number; rows: number } {
  return { cols: Math.max(40, Math.min(220, Math.floor((innerWidth - 40) / 8.4))), rows: Math.max(12, Math.min(80, Math.floor((innerHeight - 160) / 17))) };
}

function EditForm({ profile, onSaved }: { profile: ProfileDetail; onSaved: () => void }) {
  const initial = { model: profile.model ?? '', endpoint: profile.endpoint ?? '', keyAlias: profile.keyAlias ?? '', binary: profile.binary ?? '', sandbox: profile.sandbox, meter: profile.meter ? 'on' : 'off' };
  const [form, setForm] = useState(initial);
  const [msg, setMsg] = useState<{ ok?: string; error?: string }>({});
  const upd = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setMsg({});
    // Send only what changed; an emptied field clears it, as `profiles set --model ""` does.
    const changes: Record<string, unknown> = {};
    for (const k of ['model', 'endpoint', 'keyAlias', 'binary'] as const) if (form[k] !== initial[k]) changes[k] = form[k].trim() === '' ? null : form[k].trim();
    if (form.sandbox !== initial.sandbox) changes.sandbox = form.sandbox;
    if (form.meter !== initial.meter) changes.meter = form.meter === 'on';
    if (!Object.keys(changes).length) return setMsg({ ok: 'Nothing changed.' });
    try {
      await api('PATCH', `/api/profiles/${encodeURIComponent(profile.name)}`, changes);
      setMsg({ ok: 'Saved.' });
      onSaved();
    } catch (err) {
      setMsg({ error: (err as ApiError).message });
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="edit-h">
      <h2 id="edit-h">Edit</h2>
      <div class="form-grid">
        <Field id="e-model" label="Model"><input id="e-model" value={form.model} onInput={upd('model')} spellcheck={false} placeholder="agent default" /></Field>
        <Field id="e-alias" label="Key alias"><input id="e-alias" value={form.keyAlias} onInput={upd('keyAlias')} spellcheck={false} /></Field>
        <Field id="e-endpoint" label="Endpoint" class="wide"><input id="e-endpoint" type="url" value={form.endpoint} onInput={upd('endpoint')} spellcheck={false} placeholder="provider default" /></Field>
        <Field id="e-binary" label="Binary" class="wide"><input id="e-binary" value={form.binary} onInput={upd('binary')} spellcheck={false} placeholder="from PATH" /></Field>
        <Field id="e-sandbox" label="Sandbox">
          <select id="e-sandbox" value={form.sandbox} onChange={upd('sandbox')}>
            <option value="never">never</option><option value="remote">remote sessions only</option><option value="always">always</option>
          </select>
        </Field>
        <Field id="e-meter" label="Metering">
          <select id="e-meter" value={form.meter} onChange={upd('meter')}><option value="on">on</option><option value="off">off</option></select>
        </Field>
      </div>
      {msg.error && <div class="error-box" role="alert">{msg.error}</div>}
      {msg.ok && <p class="ok-text" role="status">{msg.ok}</p>}
      <div class="btn-row end"><button class="btn primary" type="submit">Save changes</button></div>
    </form>
  );
}

/** Write-only: the value goes to the daemon, which stores it in the keychain; nothing ever comes back. */
function KeyForm({ profile, onSaved }: { profile: ProfileDetail; onSaved: () => void }) {
  const [value, setValue] = useState('');
  const [msg, setMsg] = useState<{ ok?: string; error?: string }>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    setMsg({});
    try {
      const r = await api<{ backend: string }>('PUT', `/api/profiles/${encodeURIComponent(profile.name)}/key`, { value });
      setValue('');
      setMsg({ ok: `Key stored (${r.backend === 'system' ? 'OS keychain' : 'credentials file'}).` });
      onSaved();
    } catch (err) {
      setMsg({ error: (err as ApiError).message });
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="key-h" autoComplete="off">
      <h2 id="key-h">{profile.keySet ? 'Replace key' : 'Set key'}</h2>
      <p class="muted small">Stored as {profile.provider}/{profile.keyAlias} in the keychain. It is never shown again, here or anywhere.</p>
      <Field id="k-value" label="API key">
        <input id="k-value" type="password" autoComplete="new-password" spellcheck={false} value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
      </Field>
      {msg.error && <div class="error-box" role="alert">{msg.error}</div>}
      {msg.ok && <p class="ok-text" role="status">{msg.ok}</p>}
      <div class="btn-row end"><button class="btn primary" type="submit" disabled={!value}>{profile.keySet ? 'Replace key' : 'Store key'}</button></div>
    </form>
  );
}
