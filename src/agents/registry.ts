import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { UserError, EXIT } from '../errors.js';
import type { ProviderSpec, Wire } from '../providers/types.js';
import type { AgentSpec } from './types.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { grok } from './grok.js';
import { droid } from './droid.js';
import { opencode } from './opencode.js';
import { gemini } from './gemini.js';

export const AGENTS: AgentSpec[] = [claude, codex, grok, droid, opencode, gemini];

export function getAgent(id: string): AgentSpec {
  const a = AGENTS.find((x) => x.id === id);
  if (!a) throw new UserError(`unknown agent "${id}" (known: ${AGENTS.map((x) => x.id).join(', ')})`, EXIT.usage);
  return a;
}

/** PATH lookup without spawning `which`. */
export function findOnPath(bin: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const candidates = bin.includes('/') ? [bin] : pathVar.split(delimiter).filter(Boolean).map((d) => join(d, bin));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return isAbsolute(c) ? c : join(process.cwd(), c);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export interface Detected { id: string; label: string; path?: string; version?: string }

export function detectAgent(a: AgentSpec, binary = a.binary): Detected {
  const path = findOnPath(binary);
  if (!path) return { id: a.id, label: a.label };
  const r = spawnSync(path, a.versionArgs, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const version = out.match(/\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?/)?.[0];
  return { id: a.id, label: a.label, path, version };
}

/**
 * Which wire an agent uses with a provider, or a one-line reason it cannot.
 * `preferred` is the profile's explicit wire, if any.
 */
export function chooseWire(agent: AgentSpec, provider: ProviderSpec, preferred?: Wire): Wire | undefined {
  if (provider.kind === 'self') {
    if (!agent.selfAuth) throw new UserError(`${agent.id} has no login of its own; pick a provider with a key (see \`ringlet providers list\`)`, EXIT.usage);
    return undefined;
  }
  if (provider.kind === 'cloud') {
    if (!agent.cloud?.includes(provider.id)) throw new UserError(`${agent.id} cannot use ${provider.id}; only ${AGENTS.filter((a) => a.cloud?.includes(provider.id)).map((a) => a.id).join(', ') || 'no agent'} can`, EXIT.usage);
    return undefined;
  }
  if (preferred) {
    if (!agent.wires.includes(preferred)) throw new UserError(`${agent.id} does not speak the ${preferred} wire (it speaks ${agent.wires.join(', ')})`, EXIT.usage);
    return preferred;
  }
  if (provider.kind === 'custom') return agent.wires[0];
  const w = agent.wires.find((x) => provider.endpoints[x]);
  if (!w) {
    const serves = Object.keys(provider.endpoints).join(', ') || 'nothing';
    throw new UserError(`${agent.id} cannot use provider ${provider.id}: ${agent.id} speaks ${agent.wires.join(', ')}, ${provider.id} serves ${serves}`, EXIT.usage);
  }
  return w;
}
