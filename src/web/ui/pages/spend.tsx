import { useState } from 'preact/hooks';
import { get, qs } from '../api.js';
import { SpendChart } from '../chart.js';
import { Badge, Empty, ErrorBox } from '../components.js';
import { addDays, compact, costText, int, monthStart, today, weekStart } from '../format.js';
import { usePoll, useTitle } from '../hooks.js';
import { href, navigate, type Route } from '../router.js';
import type { DashboardProfile, SeriesBy, UsageGroup, UsageReport, UsageSeries } from '../types.js';

const BY: { id: SeriesBy; label: string }[] = [
  { id: 'profile', label: 'Profile' },
  { id: 'provider', label: 'Provider' },
  { id: 'model', label: 'Model' },
  { id: 'agent', label: 'Agent' },
];

/** The filter of the page, kept in the URL so a reload or a shared link shows the same figures. */
function filterOf(q: URLSearchParams) {
  const t = today();
  const all = q.get('range') === 'all';
  return {
    since: all ? undefined : q.get('since') || addDays(t, -29),
    until: all ? undefined : q.get('until') || t,
    profile: q.get('profile') || undefined,
    by: (BY.some((b) => b.id === q.get('by')) ? q.get('by') : 'profile') as SeriesBy,
    all,
  };
}

export function SpendPage({ route }: { route: Route }) {
  useTitle('Spend');
  const f = filterOf(route.query);
  const set = (changes: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = { since: f.all ? undefined : f.since, until: f.all ? undefined : f.until, profile: f.profile, by: f.by === 'profile' ? undefined : f.by, range: f.all ? 'all' : undefined, ...changes };
    navigate(href(['spend'], next), true);
  };

  const t = today();
  const periods = usePoll(
    () => Promise.all([t, weekStart(t), monthStart(t)].map((since) => get<UsageReport>(`/api/usage${qs({ since, profile: f.profile })}`))),
    `periods ${t} ${f.profile}`,
    10_000,
  );
  const filterQ = qs({ since: f.since, until: f.until, profile: f.profile });
  const byProfile = usePoll(() => get<UsageReport>(`/api/usage${filterQ}`), `p ${filterQ}`, 10_000);
  const byModel = usePoll(() => get<UsageReport>(`/api/usage${qs({ view: 'model', since: f.since, until: f.until, profile: f.profile })}`), `m ${filterQ}`, 10_000);
  const series = usePoll(() => get<UsageSeries>(`/api/dashboard/series${qs({ by: f.by, since: f.since, until: f.until, profile: f.profile })}`), `s ${filterQ} ${f.by}`, 10_000);
  const profiles = usePoll(() => get<DashboardProfile[]>('/api/dashboard/profiles'), 'profiles', 30_000);

  const [since, setSince] = useState<string>();
  const [until, setUntil] = useState<string>();
  const error = periods.error ?? byProfile.error ?? byModel.error ?? series.error;
  const range = f.all ? 'all time' : `${f.since} – ${f.until}`;

  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>Spend</h1>
        <span class="muted small">UTC days · prices as of {byProfile.data?.pricesAsOf ?? '…'}</span>
      </div>

      <section aria-label="Totals" class="cards">
        {(['Today', 'This week', 'This month'] as const).map((label, i) => (
          <Total key={label} label={label} id={['today', 'week', 'month'][i]} report={periods.data?.[i]} />
        ))}
        <Total label="Selected range" id="range" report={byProfile.data} sub={range} />
      </section>

      <form class="panel filters" aria-label="Filters" onSubmit={(e) => { e.preventDefault(); set({ since: since ?? f.since, until: until ?? f.until, range: undefined }); }}>
        <div class="field">
          <label for="f-since">From</label>
          <input id="f-since" type="date" value={since ?? f.since ?? ''} max={t} onInput={(e) => setSince(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="f-until">To</label>
          <input id="f-until" type="date" value={until ?? f.until ?? ''} max={t} onInput={(e) => setUntil(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="f-profile">Profile</label>
          <select id="f-profile" value={f.profile ?? ''} onChange={(e) => set({ profile: e.currentTarget.value || undefined })}>
            <option value="">All profiles</option>
            {(profiles.data ?? []).map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
        </div>
        <button class="btn primary" type="submit">Apply</button>
        <div class="btn-row" role="group" aria-label="Quick ranges">
          <button class="btn small" type="button" onClick={() => { setSince(undefined); setUntil(undefined); set({ since: addDays(t, -6), until: t, range: undefined }); }}>7 days</button>
          <button class="btn small" type="button" onClick={() => { setSince(undefined); setUntil(undefined); set({ since: addDays(t, -29), until: t, range: undefined }); }}>30 days</button>
          <button class="btn small" type="button" onClick={() => { setSince(undefined); setUntil(undefined); set({ since: monthStart(t), until: t, range: undefined }); }}>This month</button>
          <button class="btn small" type="button" onClick={() => { setSince(undefined); setUntil(undefined); set({ since: undefined, until: undefined, range: 'all' }); }}>All time</button>
        </div>
      </form>

      <ErrorBox error={error} />

      <section class="panel" aria-labelledby="chart-h">
        <h2 id="chart-h">
          <span>Spend per day</span>
          <span class="seg" role="group" aria-label="Stack by">
            {BY.map((b) => (
              <button key={b.id} type="button" aria-pressed={f.by === b.id} onClick={() => set({ by: b.id === 'profile' ? undefined : b.id })}>{b.label}</button>
            ))}
          </span>
        </h2>
        {series.data ? <SpendChart data={series.data} label={`Spend per day by ${f.by}, ${range}`} /> : <div class="chart-empty">Loading…</div>}
        {series.data && <DailyTable data={series.data} />}
      </section>

      <GroupTable title="By profile" report={byProfile.data} kind="profile" />
      <GroupTable title="By model" report={byModel.data} kind="model" />
      {byProfile.data && byProfile.data.total.unpricedModels.length > 0 && (
        <p class="muted small" role="note">
          <Badge kind="warn">no price</Badge> {byProfile.data.total.unpricedModels.join(', ')}: tokens counted, cost left out. Set <code>[prices."&lt;model&gt;"]</code> in config.toml (USD per million tokens).
        </p>
      )}
    </main>
  );
}

function Total({ label, id, report, sub }: { label: string; id: string; report: UsageReport | undefined; sub?: string }) {
  const t = report?.total;
  return (
    <div class="card" data-total={id} data-cost={t?.costUsd} data-requests={t?.requests}>
      <div class="label">{label}</div>
      <div class="value">{t ? costText(t) : '…'}</div>
      <div class="sub">{t ? `${int(t.requests)} request${t.requests === 1 ? '' : 's'}${sub ? ` · ${sub}` : ''}` : sub ?? ''}</div>
    </div>
  );
}

const TOKEN_COLS = [
  ['inputTokens', 'Input'],
  ['outputTokens', 'Output'],
  ['cacheWriteTokens', 'Cache write'],
  ['cacheReadTokens', 'Cache read'],
  ['reasoningTokens', 'Reasoning'],
] as const;

function GroupTable({ title, report, kind }: { title: string; report: UsageReport | undefined; kind: 'profile' | 'model' }) {
  const id = `t-${kind}`;
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {!report ? <Empty>Loading…</Empty> : report.groups.length === 0 ? <Empty>No usage in this range.</Empty> : (
        <div class="table-wrap">
          <table data-table={kind}>
            <thead>
              <tr>
                <th scope="col">{kind === 'profile' ? 'Profile' : 'Model'}</th>
                <th scope="col" class="num">Cost</th>
                <th scope="col" class="num">Reqs</th>
                {TOKEN_COLS.map(([, l]) => <th key={l} scope="col" class="num">{l}</th>)}
              </tr>
            </thead>
            <tbody>
              {report.groups.map((g) => <GroupRow key={kind === 'profile' ? `${g.profile}/${g.agent}/${g.provider}` : g.model} g={g} kind={kind} />)}
            </tbody>
            <tfoot>
              <GroupRow g={report.total as UsageGroup} kind={kind} total />
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}

function GroupRow({ g, kind, total }: { g: UsageGroup; kind: 'profile' | 'model'; total?: boolean }) {
  const unpriced = g.unpricedRequests > 0;
  const name = total ? 'Total' : kind === 'profile' ? g.profile ?? '(none)' : g.model ?? '';
  return (
    <tr data-key={total ? '*total' : kind === 'profile' ? `${g.profile ?? ''}/${g.agent}/${g.provider}` : g.model}>
      <th scope="row" class={kind === 'model' && !total ? 'mono small nowrap' : undefined}>
        {!total && kind === 'profile' && g.profile ? <a href={href(['profiles', g.profile])}>{name}</a> : name}
        {!total && kind === 'profile' && <div class="muted small">{g.agent} · {g.provider}</div>}
        {!total && unpriced && <> <Badge kind="warn" title={`No known price for ${g.unpricedModels.join(', ')}`}>no price</Badge></>}
      </th>
      <td class="num cost" data-field="costUsd" data-value={g.costUsd} title={unpriced ? `${g.unpricedRequests} request(s) without a known price are not in this cost` : undefined}>{costText(g)}</td>
      <td class="num" data-field="requests" data-value={g.requests}>{int(g.requests)}</td>
      {TOKEN_COLS.map(([k]) => (
        <td key={k} class="num" data-field={k} data-value={g[k]} title={int(g[k])}>{compact(g[k])}</td>
      ))}
    </tr>
  );
}

/** The chart's figures as text: per day, each series and the total. */
function DailyTable({ data }: { data: UsageSeries }) {
  if (!data.days.length) return null;
  return (
    <details class="small">
      <summary>Daily figures</summary>
      <div class="table-wrap">
        <table data-table="daily">
          <thead>
            <tr>
              <th scope="col">Day</th>
              {data.series.map((s) => <th key={s.label} scope="col" class="num">{s.label}</th>)}
              <th scope="col" class="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {data.days.map((d, i) => (
              <tr key={d} data-day={d}>
                <th scope="row">{d}</th>
                {data.series.map((s) => <td key={s.label} class="num">{costText({ costUsd: s.costUsd[i], requests: s.requests[i], unpricedRequests: s.unpricedRequests[i] })}</td>)}
                <td class="num" data-value={data.total.costUsd[i]}>{costText({ costUsd: data.total.costUsd[i], requests: data.total.requests[i], unpricedRequests: data.total.unpricedRequests[i] })}</td>
              </tr>
            )).reverse()}
          </tbody>
        </table>
      </div>
    </details>
  );
}
