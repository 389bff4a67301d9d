import type { CommandClass } from 'clipanion';

/**
 * Every CLI command, grouped by the first word(s) they answer to. A command line loads only the group its
 * first word names, so start-up does not pay for every other command's module; help, completions and
 * unknown words load them all. Command files keep heavy imports (SQLite, PTYs, keychain) inside execute().
 */
const GROUPS: { words: string[]; load: () => Promise<CommandClass[]> }[] = [
  { words: ['profiles', 'keychain', 'providers', 'agents', 'init'], load: () => import('./foundation.js').then((m) => m.commands) },
  { words: ['usage'], load: () => import('./usage-commands.js').then((m) => m.commands) },
  { words: ['import'], load: () => import('./import-commands.js').then((m) => m.commands) },
  { words: ['shell', 'allow', 'deny', 'revoke', 'alias', 'completions'], load: () => import('./shell-commands.js').then((m) => m.commands) },
  { words: ['hooks'], load: () => import('./hooks-commands.js').then((m) => m.commands) },
  { words: ['sandbox', 'audit'], load: () => import('./sandbox-commands.js').then((m) => m.commands) },
  { words: ['migrate'], load: () => import('./migrate-commands.js').then((m) => m.commands) },
  { words: ['daemon', 'sessions', 'attach', 'remotes'], load: () => import('./daemon-commands.js').then((m) => m.commands) },
  { words: ['dashboard'], load: () => import('./dashboard-commands.js').then((m) => m.commands) },
];

/** The commands needed to parse `argv` (all of them when argv is absent or its first word is unknown). */
export async function loadCommands(argv?: string[]): Promise<CommandClass[]> {
  const first = argv?.[0];
  const wanted = GROUPS.filter((g) => first !== undefined && g.words.includes(first));
  const groups = await Promise.all((wanted.length ? wanted : GROUPS).map((g) => g.load()));
  return groups.flat();
}
