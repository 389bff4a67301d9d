export type SandboxMode = 'never' | 'remote' | 'always';

/** profiles/<name>/ringlet.toml, as read and validated. Keys on disk are kebab-case. */
export interface ProfileManifest {
  agent: string;
  provider: string;
  'provider-config'?: {
    'key-alias'?: string;
    /** Overrides the provider's default endpoint (base URL). */
    endpoint?: string;
    model?: string;
    /** Force a wire format when the agent and provider share several. */
    wire?: 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';
    /** bedrock: AWS region; vertex: region */
    region?: string;
    /** vertex: GCP project id */
    project?: string;
  };
  run?: {
    /** Path or name of the agent binary, overriding PATH lookup. */
    binary?: string;
    /** Meter (local proxy) on by default; false passes the real key to the agent instead. */
    meter?: boolean;
    sandbox?: SandboxMode;
  };
  home?: {
    /** Entries of the real HOME linked into the profile HOME (default .gitconfig .ssh .config/git .config/gh). */
    share?: string[];
  };
  sandbox?: {
    writable?: string[];
    hidden?: string[];
    /** "on" | "off" | list of host names */
    network?: 'on' | 'off' | string[];
    'inner-sandbox'?: boolean;
    'allow-unsandboxed-remote'?: boolean;
  };
  [k: string]: unknown;
}

export interface Profile {
  name: string;
  dir: string;
  home: string;
  manifest: ProfileManifest;
}
