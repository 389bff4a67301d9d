import { get } from '../api.js';
import { Badge, Empty, ErrorBox } from '../components.js';
import { ago } from '../format.js';
import { usePoll, useTitle } from '../hooks.js';
import { href } from '../router.js';
import type { HooksOverview } from '../types.js';

type Rule = HooksOverview['global'][number];

function RulesTable({ rules, label }: { rules: Rule[]; label: string }) {
  if (!rules.length) return <p class="muted small">No hooks.</p>;
  return (
    <div class="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Event</th>
            <th scope="col">Applies to</th>
            <th scope="col" class="num">Timeout</th>
            <th scope="col">Handler</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={`${r.scope}/${r.id}`} data-hook={`${r.scope ?? '*'}/${r.id}`}>
              <th scope="row">{r.id}</th>
              <td>{r.on === 'pre-tool-use' ? <Badge kind="accent" title="Decides: exit non-zero denies the tool">{r.on}</Badge> : r.on}</td>
              <td class="small">{r.on === 'cost-threshold' ? `$${r.thresholdUsd} per ${r.period}` : r.matcher ?? (r.on === 'pre-tool-use' || r.on === 'tool-use' ? 'every tool' : '—')}</td>
              <td class="num">{r.timeoutMs / 1000}s</td>
              <td class="mono small">{r.handler.length > 90 ? `${r.handler.slice(0, 89)}…` : r.handler}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HooksPage() {
  useTitle('Hooks');
  const h = usePoll(() => get<HooksOverview>('/api/dashboard/hooks'), 'hooks', 5_000);
  const d = h.data;
  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>Hooks</h1>
        <span class="muted small">Add or remove with <code>ringlet hooks add|rm</code></span>
      </div>
      <ErrorBox error={h.error} />
      {!d ? <Empty>Loading…</Empty> : (
        <>
          {d.errors.map((e) => <div class="error-box" key={`${e.scope}`}>{e.scope ?? 'global'}: {e.error}</div>)}
          <section class="panel" aria-labelledby="hg">
            <h2 id="hg">Every profile</h2>
            <RulesTable rules={d.global} label="Global hooks" />
          </section>
          {d.profiles.filter((p) => p.rules.length).map((p) => (
            <section class="panel" key={p.profile} aria-labelledby={`hp-${p.profile}`}>
              <h2 id={`hp-${p.profile}`}><span>Profile <a href={href(['profiles', p.profile])}>{p.profile}</a></span></h2>
              <RulesTable rules={p.rules} label={`Hooks of ${p.profile}`} />
            </section>
          ))}
          {d.profiles.length > 0 && d.profiles.every((p) => !p.rules.length) && (
            <p class="muted small">No profile has hooks of its own ({d.profiles.map((p) => p.profile).join(', ')}).</p>
          )}
          <div class="grid2">
            <section class="panel" aria-labelledby="hd">
              <h2 id="hd">Recent denials</h2>
              {d.denials.length === 0 ? <Empty>No tool has been denied.</Empty> : (
                <div class="table-wrap">
                  <table data-table="denials">
                    <thead><tr><th scope="col">When</th><th scope="col">Profile</th><th scope="col">Tool</th><th scope="col">Reason</th></tr></thead>
                    <tbody>
                      {d.denials.map((x, i) => (
                        <tr key={i}><td title={x.ts}>{ago(x.ts)}</td><td>{x.profile ?? '—'}</td><td class="mono small">{x.tool ?? '—'}</td><td class="small">{x.hook ? <strong>{x.hook}: </strong> : null}{x.reason ?? ''}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            <section class="panel" aria-labelledby="hf">
              <h2 id="hf">Recent failures</h2>
              {d.failures.length === 0 ? <Empty>No background hook has failed.</Empty> : (
                <ul class="mono small">{d.failures.map((l, i) => <li key={i}>{l}</li>)}</ul>
              )}
            </section>
          </div>
          {d.notes.map((n) => <p class="muted small" key={n}>{n}</p>)}
        </>
      )}
    </main>
  );
}
