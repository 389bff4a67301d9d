import { Command, Option } from 'clipanion';
import * as t from 'typanion';

const onOff = t.isEnum(['on', 'off'] as const);

export class ProfilesSetCommand extends Command {
  static override paths = [['profiles', 'set']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: "Change a profile's model, provider, key alias, endpoint, binary, sandbox mode or metering",
    details: 'Pass an empty string to clear a field (e.g. `--model ""`). The whole profile is checked before it is written.',
    examples: [
      ['Switch model', 'ringlet profiles set work --model claude-opus-4-1'],
      ['Use another binary', 'ringlet profiles set work --binary ~/bin/claude-nightly'],
      ['Always sandbox', 'ringlet profiles set work --sandbox always'],
      ['Turn metering off', 'ringlet profiles set work --meter off'],
    ],
  });

  name = Option.String({ name: 'name' });
  model = Option.String('--model', { description: 'Model ("" clears)' });
  provider = Option.String('--provider', { description: 'Provider id' });
  keyAlias = Option.String('--key-alias', { description: 'Keychain alias ("" clears)' });
  endpoint = Option.String('--endpoint', { description: 'Base URL override ("" clears)' });
  binary = Option.String('--binary', { description: 'Agent binary path or name ("" clears)' });
  sandbox = Option.String('--sandbox', { description: 'never | remote | always', validator: t.isEnum(['never', 'remote', 'always'] as const) });
  meter = Option.String('--meter', { description: 'on | off', validator: onOff });
  share = Option.String('--share', { description: 'Comma-separated entries of your HOME linked into the profile HOME' });

  async execute(): Promise<number> {
    const { updateProfile } = await import('../../profiles/store.js');
    const clear = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);
    updateProfile(this.name, {
      model: clear(this.model), provider: this.provider, keyAlias: clear(this.keyAlias), endpoint: clear(this.endpoint),
      binary: clear(this.binary), sandbox: this.sandbox, meter: this.meter === undefined ? undefined : this.meter === 'on',
      share: this.share === undefined ? undefined : this.share.split(',').map((s) => s.trim()).filter(Boolean),
    });
    this.context.stdout.write(`updated profile ${this.name}\n`);
    return 0;
  }
}
