import { Command, Option } from 'clipanion';
import * as t from 'typanion';

export class ProfilesCreateCommand extends Command {
  static override paths = [['profiles', 'create']];
  static override usage = Command.Usage({
    category: 'Profiles',
    description: 'Create a profile: an agent, a provider, a key and a HOME of its own',
    details: `
      The key alias names a key stored with \`ringlet keychain set <provider> <alias>\`; it defaults to the profile name.
      \`--endpoint\` overrides the provider's base URL (a regional endpoint, a gateway); \`--custom-endpoint\` is the
      base URL for provider \`custom\` (any Anthropic- or OpenAI-shaped API).
    `,
    examples: [
      ['Claude Code on an Anthropic key', 'ringlet profiles create claude work --provider anthropic --key-alias work'],
      ['Codex on OpenAI with a model', 'ringlet profiles create codex oai --provider openai --model gpt-5-codex'],
      ['Claude Code on MiniMax', 'ringlet profiles create claude mm --provider minimax --key-alias mm'],
      ['A local gateway', 'ringlet profiles create claude lab --provider custom --custom-endpoint http://127.0.0.1:4000'],
    ],
  });

  agent = Option.String({ name: 'agent' });
  name = Option.String({ name: 'name' });
  provider = Option.String('--provider', { required: true, description: 'Provider id (see `ringlet providers list`)' });
  keyAlias = Option.String('--key-alias', { description: 'Keychain alias of the key (default: the profile name)' });
  model = Option.String('--model', { description: 'Model the agent should use' });
  endpoint = Option.String('--endpoint', { description: "Override the provider's base URL" });
  customEndpoint = Option.String('--custom-endpoint', { description: 'Base URL for provider custom' });
  wire = Option.String('--wire', { description: 'Force a wire format: anthropic, openai-chat, openai-responses, gemini', validator: t.isEnum(['anthropic', 'openai-chat', 'openai-responses', 'gemini'] as const) });

  async execute(): Promise<number> {
    const { createProfile } = await import('../../profiles/store.js');
    const p = createProfile({
      name: this.name, agent: this.agent, provider: this.provider, keyAlias: this.keyAlias, model: this.model,
      endpoint: this.customEndpoint ?? this.endpoint, wire: this.wire,
    });
    const alias = p.manifest['provider-config']?.['key-alias'];
    this.context.stdout.write(`created profile ${p.name} (${p.manifest.agent} on ${p.manifest.provider}); HOME ${p.home}\n`);
    if (alias) {
      const { getSecret } = await import('../../credentials/store.js');
      if (!getSecret(p.manifest.provider, alias)) this.context.stdout.write(`next: ringlet keychain set ${p.manifest.provider} ${alias}\n`);
    }
    return 0;
  }
}
