import type { Profile } from './manifest-types.js';

/** The JSON shape of a profile in `profiles list/show --json` and the daemon's /api/profiles. Never a key. */
export function profileSummary(p: Profile) {
  const m = p.manifest;
  const pc = m['provider-config'] ?? {};
  return {
    name: p.name,
    agent: m.agent,
    provider: m.provider,
    model: pc.model ?? null,
    keyAlias: pc['key-alias'] ?? null,
    endpoint: pc.endpoint ?? null,
    wire: pc.wire ?? null,
    binary: m.run?.binary ?? null,
    meter: m.run?.meter ?? true,
    sandbox: m.run?.sandbox ?? 'remote',
    home: p.home,
  };
}
