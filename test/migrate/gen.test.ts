import { it } from 'vitest';
import { audit } from '../../src/migrate/audit.js';
import { planMigration } from '../../src/migrate/planner.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import { checkManifest } from '../../src/profiles/store.js';
import { fixtureHome } from './helpers.js';
it('print', () => {
  for (const n of ['zsh', 'bash', 'fish', 'direnv', 'wrappers']) {
    const sb = fixtureHome(n);
    const a = audit({ home: sb.home, env: sb.env });
    const plan = planMigration(a, { existing: () => undefined, provider: (id) => BUILTIN_PROVIDERS.find((p) => p.id === id), check: (m) => checkManifest(m, sb.env), existingMappings: [] });
    console.log(n, JSON.stringify(plan.profiles.map((p) => `${p.name} ${p.agent}/${p.provider}${p.endpoint ? ' @' + p.endpoint : ''}${p.model ? ' model=' + p.model : ''} alias=${p.keyAlias} key=${p.key ? p.key.kind + (p.key.run ? ':run' : '') : '-'} dir=${p.configDir ? p.configDir.action : '-'} n=${p.findings.length}`), null, 1));
    console.log(n, 'keys', JSON.stringify(plan.keys.map((k) => `${k.provider}/${k.alias} ${k.key.kind} ${k.enabled}`)));
    console.log(n, 'maps', JSON.stringify(plan.mappings.map((m) => `${m.path.replace(sb.home, '~')} ${m.profile}`)));
    console.log(n, 'rewrites', JSON.stringify(plan.rewrites.map((r) => `${r.file.replace(sb.home, '~')}:${r.startLine}-${r.endLine} ${r.enabled} ${r.replacement.join('\\n')} ${r.note ?? ''}`), null, 1));
    console.log(n, 'skipped', JSON.stringify(plan.skipped), JSON.stringify(plan.aliases), plan.defaultProfile);
    sb.cleanup();
  }
});
