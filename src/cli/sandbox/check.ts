import { Command, Option } from 'clipanion';
import { json, paint } from '../output.js';
import { EXIT } from '../../errors.js';

export class SandboxCheckCommand extends Command {
  static override paths = [['sandbox', 'check']];
  static override usage = Command.Usage({
    category: 'Sandbox',
    description: 'Report whether sandboxed runs work on this machine, and if not, why and how to fix it',
    details: `
      Runs the same probe a sandboxed \`profiles run\` does: bubblewrap present and new enough, user namespaces allowed
      (AppArmor's restriction included), the capability drop and the TIOCSTI seccomp filter accepted. Exits 0 when
      sandboxing works, ${EXIT.unavailable} when it does not. A run that must be sandboxed refuses to start in that case;
      it never runs unsandboxed instead.
    `,
    examples: [['Check', 'ringlet sandbox check'], ['As JSON', 'ringlet sandbox check --json']],
  });

  json = Option.Boolean('--json', false, { description: 'Print {ok, reason, fix, platform, bwrap, version, socat, disableUserns}' });

  async execute(): Promise<number> {
    const { checkSandbox } = await import('../../sandbox/check.js');
    const r = checkSandbox();
    if (this.json) {
      this.context.stdout.write(json(r));
    } else if (r.ok) {
      const tool = r.platform === 'darwin' ? 'sandbox-exec' : `bubblewrap ${r.version} (${r.bwrap})`;
      this.context.stdout.write(`${paint('ok', 'green')}: sandboxing works here: ${tool}\n`);
      if (r.platform === 'linux') {
        this.context.stdout.write(`network bridge: ${r.socat ? `socat (${r.socat})` : 'node (install socat for faster starts with network = off)'}\n`);
      }
    } else {
      this.context.stdout.write(`${paint('unavailable', 'red')}: ${r.reason}\nfix: ${r.fix}\n`);
    }
    return r.ok ? 0 : EXIT.unavailable;
  }
}
