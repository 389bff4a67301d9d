import type { CommandClass } from 'clipanion';

/**
 * Every CLI command, in one list (the completions generator walks it too).
 * Command files must keep heavy imports (SQLite, PTYs, keychain) inside execute(), via `await import()`.
 * Each area keeps its own block so parallel work touches different lines.
 */
export async function loadCommands(): Promise<CommandClass[]> {
  const groups = await Promise.all([
    // foundation
    import('./foundation.js').then((m) => m.commands),
    // cost: ringlet usage
    import('./usage-commands.js').then((m) => m.commands),
    // cost: ringlet import
    import('./import-commands.js').then((m) => m.commands),
    // shell: shell init, allow, deny, alias, completions
    import('./shell-commands.js').then((m) => m.commands),
    // sandbox + audit: ringlet sandbox check, ringlet audit verify|query|tail
    import('./sandbox-commands.js').then((m) => m.commands),
  ]);
  return groups.flat();
}
