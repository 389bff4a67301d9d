import { afterAll, expect, it } from 'vitest';
import { makeSandbox } from '../support/env.js';
import { audit } from '../../src/migrate/audit.js';
import { buildLargeHome } from './large-home.js';

const sb = makeSandbox();
afterAll(() => sb.cleanup());

it('audits a HOME with 10k files under the project roots in under 2 s', () => {
  const { files, envrcs } = buildLargeHome(sb.env.HOME!, 10_000);
  expect(files).toBe(10_000);
  audit({ home: sb.env.HOME!, env: sb.env }); // warm the module and the page cache
  const t0 = performance.now();
  const a = audit({ home: sb.env.HOME!, env: sb.env });
  const ms = performance.now() - t0;
  console.log(`migrate audit: ${files} files, ${envrcs} .envrc, ${ms.toFixed(0)} ms`);
  expect(a.findings.filter((f) => f.kind === 'envrc')).toHaveLength(envrcs);
  expect(ms).toBeLessThan(2000);
}, 120_000);
