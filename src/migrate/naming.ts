/** Profile names from what people called their aliases: `claude-work` → work, `claude_glm` → glm, `kimi-cc` → kimi. */
import { isValidName } from '../config/paths.js';

const AGENT_WORDS = ['claude-code', 'claude', 'cc', 'codex', 'cx', 'gemini', 'gm', 'grok', 'droid', 'opencode', 'oc', 'aider', 'code', 'cli', 'ai', 'run'];
const AFFIXES: [string, RegExp, RegExp][] = AGENT_WORDS.map((w) => [w, new RegExp(`^${w.replace('-', '\\-')}[-_.]`, 'i'), new RegExp(`[-_.]${w.replace('-', '\\-')}$`, 'i')]);
const GENERIC_PROVIDERS = new Set(['anthropic', 'self', 'custom', 'openai', 'bedrock', 'vertex', 'google', 'xai']);

export function sanitizeName(s: string): string {
  const out = s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/\.\.+/g, '.').replace(/[-.]+$/, '').slice(0, 64);
  return isValidName(out) ? out : '';
}

export function suggestName(kind: string, name: string | null, agent: string, provider: string | null): string {
  if (kind === 'export') return 'default';
  let n = name ?? '';
  for (let changed = true; changed; ) {
    changed = false;
    for (const [w, pre, suf] of AFFIXES) {
      if (pre.test(n) && n.length > w.length + 2) {
        n = n.replace(pre, '');
        changed = true;
      } else if (suf.test(n) && n.length > w.length + 2) {
        n = n.replace(suf, '');
        changed = true;
      }
    }
  }
  n = sanitizeName(n);
  if (!n || AGENT_WORDS.includes(n.toLowerCase()) || (n.length < 3 && n !== name)) {
    if (provider && !GENERIC_PROVIDERS.has(provider)) return provider;
    return sanitizeName(name ?? '') || agent;
  }
  return n;
}
