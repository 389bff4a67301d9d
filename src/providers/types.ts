/** The wire formats ringlet knows how to route and meter. */
export type Wire = 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';

export interface ProviderSpec {
  id: string;
  label: string;
  /**
   * api: a key from the keychain; custom: endpoint given per profile; self: the agent's own login, no key;
   * cloud: Bedrock/Vertex, credentials stay with the cloud's own tooling.
   */
  kind: 'api' | 'custom' | 'self' | 'cloud';
  /**
   * Base URL per wire the provider serves. Anthropic-wire URLs have no /v1 (clients append /v1/messages);
   * OpenAI-wire URLs end in /v1 or equivalent (clients append /chat/completions or /responses).
   */
  endpoints: Partial<Record<Wire, string>>;
  /** The env var people conventionally keep this provider's key in (hints for --from-env and migrate). */
  keyEnv?: string;
  /** A default model per wire, used when the profile sets none and the agent needs one. */
  defaultModel?: Partial<Record<Wire, string>>;
  /** Hostnames that identify this provider in a base URL (migrate infers providers from URLs). */
  hosts?: string[];
}
