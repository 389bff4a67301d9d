import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listProviders } from '../providers/registry.js';
import { configDir, realHome, ringletHome } from '../config/paths.js';
import type { Profile } from './manifest-types.js';

export const DEFAULT_SHARE = ['.gitconfig', '.ssh', '.config/git', '.config/gh'];

/** Variables that would let one account's settings leak into another profile's run. */
const ALWAYS_STRIPPED = [
  'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL', 'ANTHROPIC_SMALL_FAST_MODEL',
  'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CONFIG_DIR',
  'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_API_BASE', 'OPENAI_ORG_ID', 'CODEX_HOME',
  'GROK_API_KEY', 'GROK_BASE_URL', 'GROK_MODEL', 'GROK_HOME', 'XAI_API_KEY',
  'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GEMINI_MODEL',
  'FACTORY_API_KEY', 'OPENCODE_CONFIG',
  // XDG dirs would point agents that honour them (OpenCode, Gemini) at the real HOME's state.
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME',
];

export function baseEnvironment(inherited: NodeJS.ProcessEnv): Record<string, string> {
  const strip = new Set([...ALWAYS_STRIPPED, ...listProviders(inherited).flatMap((p) => (p.keyEnv ? [p.keyEnv] : []))]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(inherited)) if (v !== undefined && !strip.has(k)) out[k] = v;
  return out;
}

/** Symlink shared dotfiles of the real HOME into the profile HOME, so git and ssh still know who you are. */
export function linkShared(realHome: string, profileHome: string, entries: string[]): void {
  for (const entry of entries) {
    if (entry.startsWith('/') || entry.split('/').includes('..')) continue;
    const src = join(realHome, entry);
    const dst = join(profileHome, entry);
    if (!existsSync(src)) continue;
    try {
      lstatSync(dst);
      continue; // present (maybe the profile's own copy): leave it
    } catch {
      /* absent */
    }
    mkdirSync(dirname(dst), { recursive: true });
    symlinkSync(src, dst);
  }
}

/**
 * What every process of a profile run sees: the profile HOME, which profile/agent/provider it is, and where
 * the user's own ringlet state lives (a nested `ringlet`, e.g. hook dispatch, still finds it).
 */
export function ringletVariables(profile: Profile, agent: string, provider: string, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    HOME: profile.home,
    RINGLET_PROFILE: profile.name,
    RINGLET_AGENT: agent,
    RINGLET_PROVIDER: provider,
    RINGLET_HOME: ringletHome(env),
    RINGLET_CONFIG_DIR: configDir(env),
    RINGLET_REAL_HOME: realHome(env),
  };
}
