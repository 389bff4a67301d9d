import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringlet } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { daemonBox, freePort, PtyRun, request, until, upgrade, type DaemonBox } from '../daemon/helpers.js';
import { launch, screenshots, terminalText, CHROMIUM, type Browser } from './browser.js';
import { openLedger, type UsageRecord } from '../../src/ledger/ledger.js';
import { appendAudit, closeAudit } from '../../src/audit/store.js';

// The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core), against a real
// daemon on a free port, a real ledger, and the real Claude Code talking to the fake provider.

const KEY = 'sk-ant-dash-e2e-7777777777';
let box: DaemonBox;
let fake: FakeProvider;
let browser: Browser;
let cookieValue = '';

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = dayOf(Date.now());
const monday = dayOf(Date.parse(`${today}T00:00:00Z`) - ((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) * DAY);
const firstOfMonth = `${today.slice(0, 7)}-01`;

/** Known rows: three profiles (one of them none), four models (one with no price), over 45 days. */
function knownRows(): UsageRecord[] {
  const rows: UsageRecord[] = [];
  const kinds = [
    { profile: 'work', agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', cost: 0.125 },
    { profile: 'oai', agent: 'codex', provider: 'openai', model: 'gpt-5-codex', cost: 0.3 },
    { profile: null, agent: 'claude', provider: 'anthropic', model: 'claude-opus-4-1', cost: 0.75 },
    { profile: 'work', agent: 'claude', provider: 'anthropic', model: 'mystery-model-x', cost: null },
  ];
  const noon = Date.parse(`${today}T12:00:00Z`);
  for (let d = 0; d < 45; d++) {
    kinds.forEach((k, i) => {
      const n = (d * 3 + i) % 4;
      for (let j = 0; j < n; j++) {
        // Today's rows sit before now, so none lies in the future.
        const ts = d === 0 ? Date.now() - (j + 1) * 60_000 - i * 1000 : noon - d * DAY - j * 60_000;
        rows.push({
          ts: new Date(ts).toISOString(), profile: k.profile, agent: k.agent, provider: k.provider, model: k.model,
          inputTokens: 1000 + d * 10 + j, outputTokens: 300 + i * 7, cacheWriteTokens: 2000 * (i % 2), cacheWrite1hTokens: 0,
          cacheReadTokens: 12_000 + j, reasoningTokens: k.agent === 'codex' ? 64 : 0,
          costUsd: k.cost === null ? null : k.cost * (1 + (d % 5)), source: 'meter', messageId: `dash-${d}-${i}-${j}`,
        });
      }
    });
  }
  return rows;
}

async function usageJson(args: string[]): Promise<any> {
  const r = await ringlet(['usage', '--json', ...args], box.env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function loginUrl(): Promise<string> {
  const r = await ringlet(['dashboard', '--no-open'], box.env);
  expect(r.code, r.stderr).toBe(0);
  const url = /http:\/\/\S+\/login\?code=\S+/.exec(r.stdout)?.[0];
  expect(url, r.stdout).toBeTruthy();
  return url!;
}

const cookieHeader = () => `ringlet-${box.port}=${cookieValue}`;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  box = await daemonBox();
  fake = await startFakeProvider({ reply: 'answer from the dashboard fake' });
  const ledger = await openLedger(join(box.env.RINGLET_HOME!, 'ledger.db'));
  ledger.insertMany(knownRows());
  ledger.close();
  for (const args of [['claude', 'work', '--provider', 'anthropic'], ['codex', 'oai', '--provider', 'openai', '--model', 'gpt-5-codex']]) {
    const r = await ringlet(['profiles', 'create', ...args], box.env);
    expect(r.code, r.stderr).toBe(0);
  }
  expect((await ringlet(['keychain', 'set', 'custom', 'a'], box.env, { input: KEY })).code).toBe(0);
  const a = await ringlet(['profiles', 'create', 'claude', 'a', '--provider', 'custom', '--custom-endpoint', fake.url, '--key-alias', 'a'], box.env);
  expect(a.code, a.stderr).toBe(0);
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  closeAudit();
  await box?.stop();
});

describe('dashboard in a real browser', () => {
  it('signs in through the printed URL, once; the cookie is HttpOnly and SameSite=Strict; the token never reaches the page', async () => {
    const url = await loginUrl();
    const { page, context } = browser;
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    // Redirected to a URL without the code.
    expect(page.url()).toBe(`http://127.0.0.1:${box.port}/`);
    await page.getByRole('heading', { name: 'Spend', exact: true }).waitFor();
    await page.locator('[data-connection="ok"]').waitFor();

    const cookies = await context.cookies(`http://127.0.0.1:${box.port}/`);
    const c = cookies.find((x) => x.name === `ringlet-${box.port}`)!;
    expect(c).toBeTruthy();
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
    expect(c.path).toBe('/');
    expect(c.secure).toBe(false);
    cookieValue = c.value;
    expect(await page.evaluate(() => document.cookie)).not.toContain(c.value);

    // The same link a second time: refused, with the sign-in page and no cookie.
    const second = await launch();
    try {
      const again = await second.page.goto(url);
      expect(again?.status()).toBe(401);
      await second.page.getByRole('heading', { name: /Sign in to the ringlet dashboard/ }).waitFor();
      expect(await second.context.cookies()).toEqual([]);
      // Without a cookie the API gives nothing either.
      const api = await second.page.evaluate(async () => (await fetch('/api/usage')).status);
      expect(api).toBe(401);
      await screenshots(second.page, 'signed-out');
    } finally {
      await second.close();
    }

    // The page and everything it loaded: headers carry the CSP; no response carries the bearer token.
    const head = await request(box.port, 'GET', '/', { headers: { cookie: cookieHeader() } });
    expect(head.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(head.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(browser.bodies.join('\n')).not.toContain(box.token());

    // Keyboard: a skip link first, then the sections, reachable and usable with Tab and Enter.
    await page.goto(`http://127.0.0.1:${box.port}/#/spend`);
    await page.locator('[data-connection="ok"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Profiles');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Profiles', exact: true }).waitFor();

    // The service worker caches the page's own files and nothing from the API.
    const cached = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const urls: string[] = [];
      for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) urls.push(new URL(r.url).pathname);
      return urls;
    });
    expect(cached.some((u) => /^\/assets\/app-.*\.js$/.test(u))).toBe(true);
    expect(cached).toContain('/index.html');
    expect(cached.filter((u) => u.startsWith('/api/') || u.startsWith('/login'))).toEqual([]);
  });

  it('`ringlet dashboard` hands the sign-in link to the browser ($BROWSER)', async () => {
    const script = join(box.dir, 'fake-browser.sh');
    const opened = join(box.dir, 'opened-url');
    writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, { mode: 0o755 });
    const r = await ringlet(['dashboard'], { ...box.env, BROWSER: script });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Opened the dashboard');
    await until(() => existsSync(opened) && readFileSync(opened, 'utf8').length > 0, 10_000);
    const url = readFileSync(opened, 'utf8');
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${box.port}/login\\?code=[A-Za-z0-9_-]{43}$`));
    const other = await launch();
    try {
      await other.page.goto(url);
      expect(other.page.url()).toBe(`http://127.0.0.1:${box.port}/`);
      await other.page.locator('[data-connection="ok"]').waitFor();
    } finally {
      await other.close();
    }
  });

  it('shows on the Spend page exactly what `ringlet usage --json` says for the same filter', async () => {
    const { page } = browser;
    const since = dayOf(Date.now() - 20 * DAY);
    await page.goto(`http://127.0.0.1:${box.port}/#/spend?since=${since}&until=${today}`);
    await page.locator('[data-table="model"] tfoot [data-field="costUsd"]').waitFor();

    const card = async (id: string) => {
      const el = page.locator(`[data-total="${id}"]`);
      await until(async () => (await el.getAttribute('data-cost')) !== null);
      return { cost: Number(await el.getAttribute('data-cost')), requests: Number(await el.getAttribute('data-requests')), text: await el.locator('.value').textContent() };
    };
    const expectCard = async (id: string, args: string[]) => {
      const cli = (await usageJson(args)).total;
      const shown = await card(id);
      expect(shown.cost, id).toBe(cli.costUsd);
      expect(shown.requests, id).toBe(cli.requests);
      // Formatted as the CLI formats it: $x.xx, a trailing `?` when part has no price, `?` when none has.
      expect(shown.text).toBe(cli.unpricedRequests === cli.requests ? '?' : `$${cli.costUsd.toFixed(2)}${cli.unpricedRequests ? '?' : ''}`);
    };
    await expectCard('today', ['--since', today]);
    await expectCard('week', ['--since', monday]);
    await expectCard('month', ['--since', firstOfMonth]);
    await expectCard('range', ['--since', since, '--until', today]);

    const tableMatches = async (kind: 'profile' | 'model', args: string[]) => {
      const cli = await usageJson([...args, ...(kind === 'model' ? ['--by-model'] : [])]);
      const rows = await page.locator(`[data-table="${kind}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => ({
        key: tr.getAttribute('data-key'),
        fields: Object.fromEntries([...tr.querySelectorAll('[data-field]')].map((td) => [td.getAttribute('data-field'), Number(td.getAttribute('data-value'))])),
      })));
      expect(rows.map((r) => r.key)).toEqual(cli.groups.map((g: any) => (kind === 'model' ? g.model : `${g.profile ?? ''}/${g.agent}/${g.provider}`)));
      rows.forEach((r, i) => {
        for (const f of ['requests', 'inputTokens', 'outputTokens', 'cacheWriteTokens', 'cacheReadTokens', 'reasoningTokens', 'costUsd']) expect(r.fields[f], `${kind} ${r.key} ${f}`).toBe(cli.groups[i][f]);
      });
      const total = await page.locator(`[data-table="${kind}"] tfoot [data-field="costUsd"]`).getAttribute('data-value');
      expect(Number(total)).toBe(cli.total.costUsd);
    };
    await tableMatches('profile', ['--since', since, '--until', today]);
    await tableMatches('model', ['--since', since, '--until', today]);
    // The model without a price is flagged, and its cost is not guessed.
    const mystery = page.locator('[data-table="model"] tr[data-key="mystery-model-x"]');
    await expect(mystery.locator('.badge').textContent()).resolves.toBe('no price');
    await expect(mystery.locator('[data-field="costUsd"]').textContent()).resolves.toBe('?');

    // The per-day figures behind the chart equal `usage --by-day`.
    const byDay = await usageJson(['--by-day', '--since', since, '--until', today]);
    const daily = await page.locator('[data-table="daily"] tbody tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-day'), Number(tr.querySelector('td[data-value]')!.getAttribute('data-value'))])));
    for (const g of byDay.groups) expect(daily[g.day], g.day).toBe(g.costUsd);
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);

    // Filter by profile in the form: the figures follow.
    await page.getByLabel('Profile', { exact: true }).selectOption('work');
    await until(async () => page.url().includes('profile=work'));
    await until(async () => (await page.locator('[data-table="profile"] tbody tr').count()) === 1);
    await tableMatches('profile', ['--since', since, '--until', today, '--profile', 'work']);
    await expectCard('today', ['--since', today, '--profile', 'work']);
    await tableMatches('model', ['--since', since, '--until', today, '--profile', 'work']);

    // Stack by model instead: the legend lists the models.
    await page.goto(`http://127.0.0.1:${box.port}/#/spend?since=${since}&until=${today}&by=model`);
    await until(async () => ((await page.locator('.u-legend').textContent()) ?? '').includes('gpt-5-codex'));
    await page.goto(`http://127.0.0.1:${box.port}/#/spend?since=${since}&until=${today}`);
    await page.locator('[data-table="model"] tfoot').waitFor();
    await screenshots(page, 'spend');
    // Dark theme follows the system.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 17, 23)');
    await screenshots(page, 'spend-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('creates a profile in the form, with the CLI\'s checks and words, and `ringlet profiles list` shows it', async () => {
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${box.port}/#/profiles`);
    await page.locator('[data-profile="work"]').waitFor();
    await screenshots(page, 'profiles');
    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByLabel('Name').waitFor();

    // A name the CLI refuses, refused with the CLI's sentence, before anything is sent.
    await page.getByLabel('Name').fill('bad name');
    const cliName = await ringlet(['profiles', 'create', 'claude', 'bad name', '--provider', 'anthropic'], box.env);
    expect(cliName.code).not.toBe(0);
    await expect(page.locator('#p-name-err').textContent()).resolves.toBe(cliName.stderr.trim().replace(/^(ringlet: |error: )/i, ''));

    // A combination only the daemon can judge: the CLI's error text comes back.
    await page.getByLabel('Name').fill('web1');
    await page.getByLabel('Provider').selectOption('custom');
    await page.getByRole('button', { name: 'Create profile' }).click();
    const server = page.locator('[data-error="server"]');
    await server.waitFor();
    const cliCustom = await ringlet(['profiles', 'create', 'claude', 'x1', '--provider', 'custom'], box.env);
    expect(await server.textContent()).toBe(cliCustom.stderr.trim().replace(/^(ringlet: |error: )/i, ''));
    await screenshots(page, 'profile-new');

    await page.getByLabel('Provider').selectOption('anthropic');
    await page.getByLabel('Model').fill('claude-sonnet-4-5');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.getByRole('heading', { name: 'web1' }).waitFor();
    const list = JSON.parse((await ringlet(['profiles', 'list', '--json'], box.env)).stdout);
    expect(list.find((p: any) => p.name === 'web1')).toMatchObject({ agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', keyAlias: 'web1' });

    // Edit a non-secret field.
    await page.locator('#e-model').fill('claude-opus-4-1');
    await page.locator('#e-sandbox').selectOption('always');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    const shown = JSON.parse((await ringlet(['profiles', 'show', 'web1', '--json'], box.env)).stdout);
    expect(shown).toMatchObject({ model: 'claude-opus-4-1', sandbox: 'always' });

    // Set the key: it goes to the credential store and is never sent back.
    const secret = 'sk-ant-web-form-9999999999';
    const before = browser.bodies.length;
    await page.getByLabel('API key').fill(secret);
    await page.getByRole('button', { name: 'Store key' }).click();
    await page.getByText(/Key stored/).waitFor();
    await page.locator('dd .badge', { hasText: 'stored' }).waitFor();
    expect(readFileSync(join(box.dir, 'config', 'ringlet', 'credentials.toml'), 'utf8')).toContain(secret);
    await page.waitForTimeout(300);
    expect(browser.bodies.slice(before).join('\n')).not.toContain(secret);
    expect(await page.locator('#k-value').inputValue()).toBe('');
    await screenshots(page, 'profile-detail');
  });

  it('starts Claude Code from the page, types into its terminal, sees the answer; detach, and `ringlet attach` shows the same screen', { timeout: 240_000 }, async () => {
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${box.port}/#/sessions`);
    await page.getByLabel('Profile').selectOption('a');
    await page.getByRole('button', { name: 'Start session' }).click();
    await until(() => /#\/sessions\/[0-9a-f]{8}$/.test(page.url()), 20_000);
    const id = /sessions\/([0-9a-f]{8})$/.exec(page.url())![1];
    await page.locator('.xterm-rows').waitFor();

    // Claude Code first asks whether to trust the working directory: answered in the browser terminal
    // with the arrow keys, then its prompt, then a question.
    let screen = '';
    const waitScreen = (re: RegExp, what: string) => until(async () => re.test((screen = await terminalText(page))), 60_000, () => `${what}:\n${screen}`);
    const PROMPT = /for shortcuts|shift\+tab to cycle|\n❯ /;
    await waitScreen(/trust this folder|for shortcuts|shift\+tab to cycle/, 'Claude Code never started');
    await page.locator('.xterm-helper-textarea').focus();
    // Claude Code draws the question a moment before it reads keys: press until the selection moves.
    if (/trust this folder/.test(screen)) {
      await until(async () => {
        if (/❯ Yes, I trust/.test((screen = await terminalText(page)))) return true;
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(500);
        return false;
      }, 30_000, () => `the selection never moved:\n${screen}`);
      await page.keyboard.press('Enter');
    }
    await waitScreen(PROMPT, 'Claude Code never showed its prompt');
    await page.keyboard.type('say hi from the browser');
    await waitScreen(/say hi from the browser/, 'the typed text never showed');
    await page.keyboard.press('Enter');
    await until(async () => (screen = await terminalText(page)).includes('answer from the dashboard fake'), 60_000, () => `no answer on screen:\n${screen}`);
    expect(fake.modelRequests().some((r) => r.apiKey === KEY)).toBe(true);
    await screenshots(page, 'terminal', () => page.waitForTimeout(800));

    await page.locator('[data-action="detach"]').click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    const listed = JSON.parse((await ringlet(['sessions', '--json'], box.env)).stdout).find((s: any) => s.id === id);
    expect(listed).toMatchObject({ status: 'running', clients: 0 });
    await screenshots(page, 'sessions');

    // The CLI attaches to the same session and sees the same conversation on its screen.
    const cli = new PtyRun(['attach', id], box.env, { cols: 100, rows: 30 });
    try {
      await cli.waitForScreen('answer from the dashboard fake', 30_000);
      expect(await cli.screen()).toContain('say hi from the browser');
      cli.write('\x1c');
      cli.write('d');
      expect(await cli.exit).toBe(0);
    } finally {
      cli.proc.kill();
    }

    // Kill, with a confirmation first.
    await page.locator(`tr[data-session="${id}"]`).getByRole('button', { name: `Kill session ${id}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Kill session' }).click();
    await page.locator(`tr[data-session="${id}"][data-status="exited"]`).waitFor({ timeout: 15_000 });
  });

  it('keeps terminal colours (palette and 24-bit) under a CSP without inline styles', async () => {
    const { page } = browser;
    const r = await ringlet(['profiles', 'run', 'a', '--detach', '--', 'sh', '-c', 'printf "\\033[31mRED\\033[0m \\033[38;2;255;128;0mORANGE\\033[0m\\n"; exec sleep 30'], box.env);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    await page.goto(`http://127.0.0.1:${box.port}/#/sessions/${id}`);
    await until(async () => (await terminalText(page)).includes('ORANGE'), 15_000);
    const colour = (text: string) => page.evaluate((t) => {
      const span = [...document.querySelectorAll('.xterm-rows span')].find((s) => s.textContent === t);
      return span ? getComputedStyle(span).color : 'missing';
    }, text);
    expect(await colour('ORANGE')).toBe('rgb(255, 128, 0)');
    const red = await colour('RED');
    expect(red).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    expect(red).not.toBe(await page.evaluate(() => getComputedStyle(document.querySelector('.xterm-rows')!).color));
    expect((await ringlet(['sessions', 'kill', id], box.env)).code).toBe(0);
  });

  it('shows the exit status when the session being viewed ends', async () => {
    const { page } = browser;
    const r = await ringlet(['profiles', 'run', 'a', '--detach', '--', 'sh', '-c', 'echo viewing; sleep 2; exit 7'], box.env);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    await page.goto(`http://127.0.0.1:${box.port}/#/sessions/${id}`);
    const overlay = page.locator('.term-overlay[data-exit="7"]');
    await overlay.waitFor({ timeout: 30_000 }).catch(async (e) => {
      // Say what the page showed instead: a failure here is otherwise hard to read.
      console.log(page.url(), browser.errors, await page.locator('main').innerHTML());
      throw e;
    });
    expect(await overlay.textContent()).toContain('exit status 7');
    expect(await terminalText(page)).toContain('viewing');
  });

  it('refuses requests that a page on another origin makes with the session cookie', async () => {
    // A page on another port of the same host: same site, so the browser does send the SameSite=Strict cookie.
    const evilPort = await freePort();
    const target = `http://127.0.0.1:${box.port}`;
    const html = `<!doctype html><script>
      window.results = {};
      fetch('${target}/api/profiles', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ name: 'evil', agent: 'claude', provider: 'anthropic' }) }).then(() => results.post = 'sent', (e) => results.post = 'error');
      fetch('${target}/api/usage', { credentials: 'include' }).then((r) => results.get = 'read ' + r.status, () => results.get = 'blocked');
      const ws = new WebSocket('ws://127.0.0.1:${box.port}/api/sessions/none/ws');
      ws.onopen = () => results.ws = 'open';
      ws.onerror = () => results.ws = 'refused';
    </script>`;
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    });
    await new Promise<void>((r) => evil.listen(evilPort, '127.0.0.1', r));
    const page = await browser.context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${evilPort}/`);
      await until(async () => Object.keys(await page.evaluate(() => (window as any).results)).length === 3, 10_000);
      const results = await page.evaluate(() => (window as any).results);
      expect(results.ws).toBe('refused');
      expect(results.get).toBe('blocked');
      expect(JSON.parse((await ringlet(['profiles', 'list', '--json'], box.env)).stdout).map((p: any) => p.name)).not.toContain('evil');
      const log = readFileSync(join(box.env.RINGLET_HOME!, 'daemon.log'), 'utf8');
      expect(log).toMatch(/denied 403 POST \/api\/profiles .*cross-origin/);
      expect(log).toMatch(/denied 403 GET \/api\/sessions\/none\/ws .*cross-origin/);
    } finally {
      await page.close();
      evil.close();
    }

    // The same checks without a browser: the valid cookie is not enough from a foreign origin or site.
    const foreign = { cookie: cookieHeader(), origin: `http://127.0.0.1:${evilPort}` };
    expect((await request(box.port, 'POST', '/api/profiles', { headers: foreign, body: { name: 'evil2', agent: 'claude', provider: 'anthropic' } })).status).toBe(403);
    expect((await request(box.port, 'POST', '/api/profiles', { headers: { cookie: cookieHeader() }, body: { name: 'evil3', agent: 'claude', provider: 'anthropic' } })).status).toBe(403);
    expect((await upgrade(box.port, '/api/sessions/none/ws', { headers: foreign })).status).toBe(403);
    expect((await request(box.port, 'GET', '/api/usage', { headers: { cookie: cookieHeader(), 'sec-fetch-site': 'same-site' } })).status).toBe(401);
    expect((await request(box.port, 'GET', '/api/usage', { headers: { cookie: cookieHeader(), 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    // A foreign Host (DNS rebinding) is refused even with the cookie.
    expect((await request(box.port, 'GET', '/api/usage', { headers: { cookie: cookieHeader(), host: `evil.example:${box.port}` } })).status).toBe(403);
  });

  it('lists hooks and denials on the Hooks page', async () => {
    const add = await ringlet(['hooks', 'add', 'a', '--on', 'pre-tool-use', '--matcher', 'Bash', '--name', 'no-rm', '--shell', 'exit 0'], box.env);
    expect(add.code, add.stderr).toBe(0);
    const glob = await ringlet(['hooks', 'add', '--all-profiles', '--on', 'stop', '--name', 'log-stop', '--shell', 'true'], box.env);
    expect(glob.code, glob.stderr).toBe(0);
    appendAudit('hook-deny', { hook: 'no-rm', tool: 'Bash', reason: 'no rm -rf here' }, { profile: 'a', env: box.env });
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${box.port}/#/hooks`);
    await page.locator('[data-hook="a/no-rm"]').waitFor().catch(async (e) => {
      console.log(page.url(), browser.errors, await page.locator('body').innerHTML());
      throw e;
    });
    await page.locator('[data-hook="*/log-stop"]').waitFor();
    await page.locator('[data-table="denials"]', { hasText: 'no rm -rf here' }).waitFor();
    await screenshots(page, 'hooks');
  });

  it('says "reconnecting" while the daemon is away and recovers when it returns', async () => {
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${box.port}/#/spend`);
    await page.locator('[data-connection="ok"]').waitFor();
    expect((await ringlet(['daemon', 'stop', '--force'], box.env)).code).toBe(0);
    await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 20_000 });
    await page.getByRole('alert').filter({ hasText: 'not answering' }).waitFor();
    await screenshots(page, 'reconnecting', () => page.waitForTimeout(300));
    // Back (any command that needs the daemon starts it); the browser session survived the restart.
    expect((await ringlet(['daemon', 'start'], box.env)).code).toBe(0);
    await page.locator('[data-connection="ok"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-total="today"][data-cost]').waitFor();
  });

  it('sign-out and rotate-token end browser sessions', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: /Sign in to the ringlet dashboard/ }).waitFor();
    expect((await request(box.port, 'GET', '/api/usage', { headers: { cookie: cookieHeader() } })).status).toBe(401);

    await page.goto(await loginUrl());
    await page.locator('[data-connection="ok"]').waitFor();
    expect((await ringlet(['daemon', 'rotate-token'], box.env)).code).toBe(0);
    await page.locator('[data-connection="signed-out"]').waitFor({ timeout: 20_000 });
    const status = await page.evaluate(async () => (await fetch('/api/sessions')).status);
    expect(status).toBe(401);
  });

  it('ran without a Content-Security-Policy violation (the terminal included) or an uncaught error', () => {
    expect(browser.cspViolations).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
