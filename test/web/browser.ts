import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../support/env.js';

/** Debian's chromium, headless, with nothing that reaches the network on its own. */
export const CHROMIUM = process.env.RINGLET_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations the pages reported (console messages). */
  cspViolations: string[];
  /** Every response body text the page received (to check the token never reaches it). */
  bodies: string[];
  /** Uncaught exceptions in the pages. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser profile (its own --user-data-dir), so no cookie or cache leaks between tests. */
export async function launch(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlet-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const cspViolations: string[] = [];
  const bodies: string[] = [];
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (e) => errors.push(`${e.message}\n${e.stack ?? ''}`));
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    p.on('response', (r) => {
      void r.text().then((t) => bodies.push(t), () => {});
    });
  };
  watch(page);
  context.on('page', watch);
  return {
    context, page, cspViolations, bodies, errors,
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Saves the page at desktop and phone (390 px) width, full length, under test-output/screenshots. */
export async function screenshots(page: Page, name: string, settle: () => Promise<void> = () => page.waitForTimeout(600)): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const [tag, size] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await settle();
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${tag}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
  await settle();
}

/** The visible text of the xterm.js screen in the page. */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.xterm-rows > div')].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
}
