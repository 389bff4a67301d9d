/**
 * Carry out a plan: read the keys (literal, file, or a command the user agreed to run), create profiles,
 * store keys, import config dirs, add directory mappings and aliases to config.toml, rewrite rc files.
 * Every file touched is backed up into the migration's journal first and written atomically (mode kept).
 * Applying a plan whose work is already done changes nothing and writes no journal.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, EXIT } from '../errors.js';
import { writeFileAtomic } from '../config/atomic.js';
import { loadConfig, saveConfig, type RingletConfig } from '../config/config.js';
import { tomlStringify, type TomlTable } from '../config/toml.js';
import { paths } from '../config/paths.js';
import { createProfile } from '../profiles/store.js';
import { getSecret, setSecret } from '../credentials/store.js';
import { audit, internalsOf } from './audit.js';
import { readTextFile, encodeText } from './files.js';
import { JournalWriter } from './journal.js';
import { keyObtainable, sha256, type Plan, type PlannedKey, type PlannedProfile } from './planner.js';
import { applyEdits, type Edit } from './rewrite.js';
import type { AuditResult, SecretValue } from './types.js';

export interface ApplyOptions {
  env?: NodeJS.ProcessEnv;
  /** Key commands may prompt (op, bw, gpg): give them the terminal. */
  interactive?: boolean;
  /** Progress lines for the user (never holds a key). */
  log?: (line: string) => void;
  now?: Date;
  /** Seconds a key command may run. */
  keyCommandTimeout?: number;
}

export interface ApplyResult {
  /** The migration id (`--undo` restores it); null when nothing needed doing. */
  id: string | null;
  profilesCreated: string[];
  keysStored: { provider: string; alias: string }[];
  filesRewritten: string[];
  mappingsAdded: { path: string; profile: string }[];
  configDirs: { from: string; to: string; action: 'copy' | 'move' }[];
  warnings: string[];
}

const HOME_DIR_OF: Record<string, string> = { claude: '.claude', codex: '.codex', grok: '.grok', gemini: '.gemini' };

export async function applyPlan(plan: Plan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const res: ApplyResult = { id: null, profilesCreated: [], keysStored: [], filesRewritten: [], mappingsAdded: [], configDirs: [], warnings: [] };
  if (plan?.version !== 1 || !Array.isArray(plan.profiles)) throw new UserError('not a migrate plan (expected the JSON of `ringlet migrate --dry-run --json`)', EXIT.usage);

  // Keys are read again from the files now: the plan never held them.
  const fresh: AuditResult = audit({ home: plan.home, roots: plan.roots, env });
  const secrets = internalsOf(fresh).secrets;

  // 1. Obtain keys before changing anything.
  const values = new Map<PlannedKey, string>();
  const wanted: PlannedKey[] = [
    ...plan.profiles.filter((p) => p.enabled && p.key && p.keyAlias).map((p) => p.key!),
    ...plan.keys.filter((k) => k.enabled).map((k) => k.key),
  ];
  for (const k of wanted) {
    const v = obtainKey(k, secrets.get(k.finding), env, opts, res.warnings);
    if (v !== undefined) values.set(k, v);
  }

  // 2. Work out what is actually new.
  const toCreate = plan.profiles.filter((p) => p.enabled && !p.exists);
  const keyPlans: { provider: string; alias: string; value: string; profile?: PlannedProfile }[] = [];
  for (const p of plan.profiles.filter((x) => x.enabled && x.key && x.keyAlias)) {
    const v = values.get(p.key!);
    if (v === undefined) continue;
    let alias = p.keyAlias!;
    const existing = getSecret(p.provider, alias, env);
    if (existing === v) continue;
    if (existing !== undefined) {
      if (p.exists) {
        res.warnings.push(`keychain entry ${p.provider}/${alias} differs from the key in the files; kept (replace it with \`ringlet keychain set ${p.provider} ${alias} --replace\`)`);
        continue;
      }
      // The alias is taken by another key: use the next free one for this new profile.
      let n = 2;
      while (getSecret(p.provider, `${p.keyAlias}-${n}`, env) !== undefined) n++;
      alias = `${p.keyAlias}-${n}`;
      p.keyAlias = alias;
    }
    keyPlans.push({ provider: p.provider, alias, value: v, profile: p });
  }
  for (const k of plan.keys.filter((x) => x.enabled)) {
    const v = values.get(k.key);
    if (v === undefined) continue;
    const existing = getSecret(k.provider, k.alias, env);
    if (existing === v) continue;
    if (existing !== undefined) {
      res.warnings.push(`keychain entry ${k.provider}/${k.alias} exists with another value; kept`);
      continue;
    }
    keyPlans.push({ provider: k.provider, alias: k.alias, value: v });
  }

  // A definition is only rewritten when its profile will work without it.
  const keyOk = (p: PlannedProfile) => !p.key || !p.keyAlias || (keyObtainable(p.key) && (values.has(p.key) || getSecret(p.provider, p.keyAlias, env) !== undefined));
  const profileByName = new Map(plan.profiles.map((p) => [p.name, p]));
  const rewrites = plan.rewrites.filter((r) => {
    if (!r.enabled) return false;
    const p = profileByName.get(r.profile);
    if (!p || !p.enabled) return false;
    if (!keyOk(p)) {
      res.warnings.push(`${r.file}:${r.startLine} left as is: no key for profile ${p.name}`);
      return false;
    }
    return true;
  });
  const byFile = new Map<string, typeof rewrites>();
  for (const r of rewrites) {
    if (!byFile.has(r.real)) byFile.set(r.real, []);
    byFile.get(r.real)!.push(r);
  }
  const fileWork: { real: string; path: string; before: Buffer; after: Buffer; mode: number }[] = [];
  const stamp = (opts.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  for (const [real, rs] of byFile) {
    const tf = readTextFile(real);
    if (!tf.ok) {
      res.warnings.push(`${rs[0].file}: ${tf.reason}; not rewritten`);
      continue;
    }
    const before = readFileSync(real);
    if (plan.files[real] && plan.files[real] !== sha256(before)) {
      res.warnings.push(`${rs[0].file} changed since the plan was made; not rewritten (run migrate again)`);
      continue;
    }
    const edits: Edit[] = rs.map((r) => ({ startLine: r.startLine, endLine: r.endLine, replacement: r.replacement, nested: r.nested, dialect: r.dialect }));
    const out = applyEdits(tf.file.text, edits, stamp);
    const after = encodeText(out.text, tf.file.encoding, tf.file.bom);
    if (after.equals(before)) continue;
    fileWork.push({ real, path: rs[0].file, before, after, mode: tf.file.mode });
  }

  const cfgBefore = loadConfig(env);
  const cfg: RingletConfig = structuredClone(cfgBefore);
  const mappings = cfg['directory-mapping'] ?? [];
  for (const m of plan.mappings.filter((x) => x.enabled && profileByName.get(x.profile)?.enabled)) {
    if (mappings.some((e) => e.path === m.path)) {
      if (!mappings.some((e) => e.path === m.path && e.profile === m.profile)) res.warnings.push(`${m.path} is already mapped to another profile; left as is`);
      continue;
    }
    mappings.push({ path: m.path, profile: m.profile });
    res.mappingsAdded.push({ path: m.path, profile: m.profile });
  }
  if (mappings.length) cfg['directory-mapping'] = mappings;
  const aliases = { ...(cfg.shell?.aliases ?? {}) };
  for (const [name, profile] of Object.entries(plan.aliases ?? {})) {
    if (!profileByName.get(profile)?.enabled || aliases[name]) continue;
    if (!rewrites.some((r) => r.profile === profile)) continue;
    aliases[name] = profile;
  }
  if (Object.keys(aliases).length) cfg.shell = { ...(cfg.shell ?? {}), aliases };
  if (plan.defaultProfile && !cfg['default-profile'] && profileByName.get(plan.defaultProfile)?.enabled) cfg['default-profile'] = plan.defaultProfile;
  const cfgChanged = JSON.stringify(cfg) !== JSON.stringify(cfgBefore);

  const configDirWork = toCreate.filter((p) => p.configDir && p.configDir.action !== 'skip' && HOME_DIR_OF[p.agent]);
  if (!toCreate.length && !keyPlans.length && !fileWork.length && !cfgChanged && !configDirWork.length) {
    log('nothing to do: everything in the plan is in place');
    return res;
  }

  // 3. Do it, writing each step down first.
  const j = new JournalWriter(env, plan.home, opts.now ?? new Date());
  res.id = j.journal.id;
  for (const p of toCreate) {
    j.add({ type: 'profile', name: p.name });
    createProfile({ name: p.name, agent: p.agent, provider: p.provider, ...(p.keyAlias ? { keyAlias: p.keyAlias } : {}), ...(p.model ? { model: p.model } : {}), ...(p.endpoint ? { endpoint: p.endpoint } : {}) }, env);
    res.profilesCreated.push(p.name);
    log(`created profile ${p.name} (${p.agent}, ${p.provider})`);
  }
  for (const k of keyPlans) {
    j.add({ type: 'secret', provider: k.provider, alias: k.alias });
    await setSecret(k.provider, k.alias, k.value, {}, env);
    res.keysStored.push({ provider: k.provider, alias: k.alias });
    log(`stored key ${k.provider}/${k.alias}`);
  }
  for (const p of configDirWork) {
    const from = p.configDir!.path;
    const to = join(paths.profileHome(p.name, env), HOME_DIR_OF[p.agent]);
    if (existsSync(to) && readdirSync(to).length) {
      res.warnings.push(`${to} is not empty; ${from} not imported`);
      continue;
    }
    rmSync(to, { recursive: true, force: true });
    let action: 'copy' | 'move' = p.configDir!.action === 'move' ? 'move' : 'copy';
    j.add({ type: 'config-dir', action, from, to });
    if (action === 'move') {
      try {
        renameSync(from, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        action = 'copy';
        j.journal.steps[j.journal.steps.length - 1] = { type: 'config-dir', action, from, to };
        j.save();
        res.warnings.push(`${from} is on another filesystem: copied, not moved`);
      }
    }
    if (action === 'copy') cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    // With CLAUDE_CONFIG_DIR, .claude.json lives inside the dir; in a HOME it sits beside .claude/.
    if (p.agent === 'claude' && existsSync(join(to, '.claude.json'))) copyFileSync(join(to, '.claude.json'), join(paths.profileHome(p.name, env), '.claude.json'));
    res.configDirs.push({ from, to, action });
    log(`${action === 'move' ? 'moved' : 'copied'} ${from} into profile ${p.name}`);
  }
  if (cfgChanged) {
    const file = paths.config(env);
    const before = existsSync(file) ? readFileSync(file) : null;
    const mode = before ? statSync(file).mode & 0o7777 : 0o644;
    const backup = before ? j.backup(before) : null;
    // Written down before it is written, like every step (saveConfig writes exactly this text).
    const next = Buffer.from(`${tomlStringify(cfg as TomlTable)}\n`);
    j.add({ type: 'file', path: file, backup, existed: !!before, mode, before: before ? sha256(before) : null, after: sha256(next) });
    saveConfig(cfg, env);
    log(`updated ${file}`);
  }
  for (const w of fileWork) {
    const backup = j.backup(w.before);
    j.add({ type: 'file', path: w.real, backup, existed: true, mode: w.mode, before: sha256(w.before), after: sha256(w.after) });
    writeFileAtomic(w.real, w.after);
    res.filesRewritten.push(w.path);
    log(`rewrote ${w.path} (backup in ${j.dir})`);
  }
  j.finish();
  await recordMigrationAudit(res, env);
  return res;
}

function obtainKey(k: PlannedKey, secret: SecretValue | undefined, env: NodeJS.ProcessEnv, opts: ApplyOptions, warnings: string[]): string | undefined {
  const where = k.var ? `${k.var} (finding ${k.finding})` : `finding ${k.finding}`;
  let value: string | undefined;
  if (!secret) {
    if (k.kind === 'env' && k.fromEnv) value = env[k.fromEnv];
    else {
      warnings.push(`key for ${where} not found again in the files; not stored`);
      return undefined;
    }
  } else if (secret.kind === 'literal') value = secret.value;
  else if (secret.kind === 'env') {
    value = env[secret.name];
    if (value === undefined) warnings.push(`key for ${where} comes from $${secret.name}, which is not set here; not stored`);
  } else if (secret.file) {
    const r = readTextFile(secret.file, 64 * 1024);
    if (r.ok) value = r.file.text;
    else warnings.push(`key file ${secret.file}: ${r.reason}`);
  } else if (k.run) {
    value = runKeyCommand(secret.command, secret.dialect, opts, warnings, where);
  } else return undefined;
  if (value === undefined && k.kind === 'reference' && k.run && k.ref) value = runKeyCommand(`op read '${k.ref.replace(/'/g, '')}'`, 'posix', opts, warnings, where);
  if (value === undefined) return undefined;
  const v = value.replace(/^\s+|\s+$/g, '');
  if (!v) {
    warnings.push(`key for ${where} is empty; not stored`);
    return undefined;
  }
  if (/[\r\n]/.test(v)) {
    warnings.push(`key for ${where} spans several lines; not stored`);
    return undefined;
  }
  return v;
}

function runKeyCommand(command: string, dialect: 'posix' | 'fish', opts: ApplyOptions, warnings: string[], where: string): string | undefined {
  const shell = dialect === 'fish' ? 'fish' : existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
  const r = spawnSync(shell, ['-c', command], {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    timeout: (opts.keyCommandTimeout ?? 120) * 1000,
    stdio: [opts.interactive ? 'inherit' : 'ignore', 'pipe', opts.interactive ? 'inherit' : 'pipe'],
    maxBuffer: 64 * 1024,
  });
  if (r.error || r.status !== 0) {
    warnings.push(`the key command for ${where} failed (${r.error ? (r.error as NodeJS.ErrnoException).code ?? 'error' : `exit ${r.status}`}); not stored`);
    return undefined;
  }
  return r.stdout;
}

/** The one place a migration reaches the audit log: what changed, by name (never a key). Never throws. */
async function recordMigrationAudit(res: ApplyResult, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    const { recordAudit } = await import('../audit/report.js');
    await recordAudit('migration-applied', {
      migration: res.id,
      profiles: res.profilesCreated,
      stored: res.keysStored.map((k) => `${k.provider}/${k.alias}`),
      files: res.filesRewritten,
      mappings: res.mappingsAdded.map((m) => `${m.path} -> ${m.profile}`),
      configDirs: res.configDirs.map((c) => `${c.action} ${c.from}`),
    }, { env });
  } catch {
    /* the migration stands without its audit row */
  }
}
