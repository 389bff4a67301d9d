import { UserError, EXIT } from '../errors.js';
import { isValidName } from '../config/paths.js';
import { fillTemplate } from './assets.js';
import { refreshShellAliasCache } from './cache.js';
import { buildState, RESERVED_NAMES } from './state.js';
import { quote, type ShellName } from './quote.js';

/**
 * `ringlet shell init <shell>`: the real script in shell/ringlet.<shell>, with its `#@NAME@` lines
 * replaced by generated code (settings, state, the command function, wrappers, completions).
 */

export interface InitOptions {
  /** Name of the shell function that runs ringlet and then refreshes the shell (default "ringlet"). */
  cmd: string;
  /** Commands wrapped so they run inside the selected profile. */
  wrap: string[];
  /** Define the [shell.aliases] functions. */
  aliases: boolean;
}

export function checkInitOptions(o: InitOptions): void {
  if (!isValidName(o.cmd)) throw new UserError(`--cmd ${JSON.stringify(o.cmd)}: use letters, digits, ".", "_" or "-"`, EXIT.usage);
  if (o.cmd !== 'ringlet' && RESERVED_NAMES.has(o.cmd)) throw new UserError(`--cmd ${o.cmd} would shadow a shell builtin`, EXIT.usage);
  for (const w of o.wrap) {
    if (!isValidName(w)) throw new UserError(`--wrap ${JSON.stringify(w)}: use letters, digits, ".", "_" or "-"`, EXIT.usage);
    if (RESERVED_NAMES.has(w) || w === o.cmd) throw new UserError(`--wrap ${w} would shadow ${w === o.cmd ? 'the --cmd function' : 'a shell builtin'}`, EXIT.usage);
  }
}

/** The flags a reload passes back to `shell init --state`, so the state matches what was loaded. */
export function initArgs(shell: ShellName, o: InitOptions): string[] {
  const a: string[] = [shell];
  if (o.cmd !== 'ringlet') a.push('--cmd', o.cmd);
  if (o.wrap.length) a.push('--wrap', o.wrap.join(','));
  if (!o.aliases) a.push('--no-aliases');
  return a;
}

export function renderState(shell: ShellName, o: InitOptions, env: NodeJS.ProcessEnv = process.env): string {
  // Aliases added by editing config.toml by hand reach the completion cache here (this runs when it changed).
  try {
    refreshShellAliasCache(env);
  } catch {
    /* completion of alias names is a convenience */
  }
  return buildState(shell, { aliases: o.aliases, reserved: [o.cmd, ...o.wrap] }, env);
}

function settings(shell: ShellName, o: InitOptions): string {
  const q = (s: string) => quote(shell, s);
  const args = initArgs(shell, o).map(q).join(' ');
  if (shell === 'fish') return `set -g __ringlet_args ${args}\nset -g __ringlet_cmdname ${q(o.cmd)}`;
  return `__ringlet_args=(${args})\n__ringlet_cmdname=${q(o.cmd)}`;
}

function commandFunction(shell: ShellName, o: InitOptions): string {
  const name = o.cmd; // validated: a plain word
  if (shell === 'fish') {
    const wraps = name === 'ringlet' ? '' : ' --wraps ringlet';
    return `function ${name}${wraps} --description 'ringlet, then refresh the profile of this shell'\n    __ringlet_cmd $argv\nend`;
  }
  return `builtin unalias ${name} 2>/dev/null || :\nfunction ${name} { __ringlet_cmd "$@"; }`;
}

function wrappers(shell: ShellName, o: InitOptions): string {
  return o.wrap
    .map((w) =>
      shell === 'fish'
        ? `function ${w} --description ${quote('fish', `${w} in the selected ringlet profile`)}\n    __ringlet_wrap ${w} $argv\nend`
        : `builtin unalias ${w} 2>/dev/null || :\nfunction ${w} { __ringlet_wrap ${w} "$@"; }`,
    )
    .join('\n');
}

/** The whole init script. `completions` is the completion script for this shell (renderCompletions). */
export function renderInit(shell: ShellName, o: InitOptions, completions: string, env: NodeJS.ProcessEnv = process.env): string {
  checkInitOptions(o);
  const parts: Record<string, string> = {
    ARGS: settings(shell, o),
    STATE: renderState(shell, o, env).trimEnd(),
    COMMAND: commandFunction(shell, o),
    WRAPPERS: wrappers(shell, o),
    // The zsh file starts with #compdef, meaningful only to compinit in an fpath file.
    COMPLETIONS: completions.replace(/^#compdef .*\n/, '').trimEnd(),
  };
  return fillTemplate(`ringlet.${shell}`, parts);
}
