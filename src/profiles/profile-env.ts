import { chooseWire, getAgent } from '../agents/registry.js';
import { getProvider } from '../providers/registry.js';
import { realHome } from '../config/paths.js';
import { ringletVariables } from './environment.js';
import type { Wire } from '../providers/types.js';
import type { Profile } from './manifest-types.js';

/**
 * The variables a run sets, minus anything secret (no key, no local meter token), for `profiles env`.
 * Points at the provider directly, since no meter runs outside `profiles run`.
 */
export function profileEnvironment(p: Profile, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const agent = getAgent(p.manifest.agent);
  const provider = getProvider(p.manifest.provider, env);
  const pc = p.manifest['provider-config'] ?? {};
  const wire = chooseWire(agent, provider, pc.wire);
  const baseUrl = wire ? pc.endpoint ?? provider.endpoints[wire] ?? '' : '';
  const secretNames = new Set<string>();
  const probe = '\u0000ringlet-secret\u0000';
  const vars = agent.env({
    profile: p.name, home: p.home, realHome: realHome(env), provider, wire: wire ?? agent.wires[0], baseUrl, apiKey: probe, model: pc.model,
    region: pc.region, project: pc.project,
  });
  for (const [k, v] of Object.entries(vars)) if (v.includes(probe)) secretNames.add(k);
  const out = ringletVariables(p, agent.id, provider.id, env);
  for (const [k, v] of Object.entries(vars)) if (!secretNames.has(k)) out[k] = v;
  return out;
}
