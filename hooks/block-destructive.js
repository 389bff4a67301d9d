// A pre-tool-use guard for shell tools, run in ringlet's QuickJS sandbox (no files, no processes).
// ringlet calls on_pre_tool_use(ctx) before each matching tool call; return allow() or deny(reason).
// ctx: { event, profile, agent, provider, tool, input, cwd, sessionId, … } — for shell tools
// (Claude Code and Codex "Bash", Droid "Execute") input.command is the command line.

const RULES = [
  [/\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+-?[a-zA-Z]*[fF]|-[a-zA-Z]*[fF][a-zA-Z]*\s+-?[a-zA-Z]*[rR]|-[a-zA-Z]*([rR][fF]|[fF][rR]))/, 'recursive forced delete (rm -rf)'],
  [/\brm\s+.*--recursive\b.*--force\b|\brm\s+.*--force\b.*--recursive\b/, 'recursive forced delete (rm --recursive --force)'],
  [/\bmkfs(\.\w+)?\b/, 'formatting a filesystem (mkfs)'],
  [/\bdd\b[^|;&]*\bof=\/dev\//, 'writing to a raw device (dd of=/dev/…)'],
  [/>\s*\/dev\/(sd|nvme|hd|vd)\w*/, 'writing to a raw disk device'],
  [/\bgit\s+push\b[^|;&]*(\s--force\b|\s-f\b|\s--force-with-lease\b)/, 'force push'],
  [/\bgit\s+reset\s+--hard\b/, 'git reset --hard'],
  [/\bgit\s+clean\s+-[a-zA-Z]*f/, 'git clean -f'],
  [/\bchmod\s+-R\s+0?777\b/, 'chmod -R 777'],
  [/\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/, 'piping a download into a shell'],
  [/:\(\)\s*\{\s*:\|:&\s*\};:/, 'fork bomb'],
  [/\bshutdown\b|\breboot\b|\bhalt\b|\bpoweroff\b/, 'shutting the machine down'],
];

function on_pre_tool_use(ctx) {
  const input = ctx.input || {};
  const command = typeof input.command === 'string' ? input.command : typeof input.cmd === 'string' ? input.cmd : '';
  if (!command) return allow();
  for (const [re, what] of RULES) {
    if (re.test(command)) return deny(`blocked: ${what}. Ask the user to run it themselves if it is really wanted.`);
  }
  return allow();
}
