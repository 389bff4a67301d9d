/** CLAUDE_CONFIG_DIR / CODEX_HOME / GROK_HOME directories the findings point at: do they exist, is a login inside? */
import { join } from 'node:path';
import { exists, isDir } from '../files.js';
import type { AgentId } from '../knowledge.js';
import type { ConfigDirInfo, Finding } from '../types.js';

const LOGIN_FILES: Partial<Record<AgentId, string[]>> = {
  claude: ['.credentials.json', '.claude.json'],
  codex: ['auth.json'],
  grok: ['user-settings.json', 'auth.json'],
  gemini: ['oauth_creds.json', 'google_accounts.json'],
};

export function inspectConfigDirs(findings: Finding[]): ConfigDirInfo[] {
  const byPath = new Map<string, ConfigDirInfo>();
  for (const f of findings) {
    if (!f.configDir || !f.configDir.startsWith('/')) continue;
    let info = byPath.get(f.configDir);
    if (!info) {
      const ok = isDir(f.configDir);
      info = { path: f.configDir, agent: f.agent, exists: ok, hasLogin: ok && (LOGIN_FILES[f.agent] ?? []).some((n) => exists(join(f.configDir!, n))), findings: [] };
      byPath.set(f.configDir, info);
    }
    info.findings.push(f.id);
  }
  return [...byPath.values()];
}
