/** What migrate knows about agents, their environment variables, and providers' key variables. */

export const AGENT_IDS = ['claude', 'codex', 'grok', 'droid', 'opencode', 'gemini', 'aider'] as const;
export type AgentId = (typeof AGENT_IDS)[number];

/** Agents ringlet can run as a profile's agent (aider is recognised and reported, but not a profile agent). */
export const PROFILE_AGENTS: ReadonlySet<string> = new Set(['claude', 'codex', 'grok', 'droid', 'opencode', 'gemini']);

/** Executable basenames. */
export const AGENT_BINARIES: Readonly<Record<string, AgentId>> = {
  claude: 'claude',
  'claude-code': 'claude',
  codex: 'codex',
  grok: 'grok',
  droid: 'droid',
  opencode: 'opencode',
  gemini: 'gemini',
  aider: 'aider',
};

/** npm/pip package names run through npx, bunx, pnpm dlx, uvx, pipx run. */
export const AGENT_PACKAGES: Readonly<Record<string, AgentId>> = {
  '@anthropic-ai/claude-code': 'claude',
  '@openai/codex': 'codex',
  '@google/gemini-cli': 'gemini',
  '@vibe-kit/grok-cli': 'grok',
  'grok-cli': 'grok',
  'opencode-ai': 'opencode',
  'aider-chat': 'aider',
  'droid': 'droid',
};

export interface AgentVars {
  /** Key variables, preferred first. */
  keys: string[];
  baseUrl: string[];
  model: string[];
  configDir: string[];
}

// Provider key variables opencode and aider read directly.
const MULTI_KEYS = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'GROQ_API_KEY', 'XAI_API_KEY', 'GEMINI_API_KEY', 'DEEPSEEK_API_KEY', 'MOONSHOT_API_KEY', 'ZAI_API_KEY', 'ZHIPU_API_KEY', 'MINIMAX_API_KEY'];

export const AGENT_VARS: Readonly<Record<AgentId, AgentVars>> = {
  claude: {
    keys: ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
    baseUrl: ['ANTHROPIC_BASE_URL', 'ANTHROPIC_BEDROCK_BASE_URL', 'ANTHROPIC_VERTEX_BASE_URL'],
    model: ['ANTHROPIC_MODEL'],
    configDir: ['CLAUDE_CONFIG_DIR'],
  },
  codex: { keys: ['OPENAI_API_KEY', 'CODEX_API_KEY'], baseUrl: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'], model: ['OPENAI_MODEL', 'CODEX_MODEL'], configDir: ['CODEX_HOME'] },
  grok: { keys: ['GROK_API_KEY', 'XAI_API_KEY'], baseUrl: ['GROK_BASE_URL', 'XAI_BASE_URL'], model: ['GROK_MODEL'], configDir: ['GROK_HOME'] },
  droid: { keys: ['FACTORY_API_KEY'], baseUrl: [], model: [], configDir: [] },
  opencode: { keys: MULTI_KEYS, baseUrl: ['ANTHROPIC_BASE_URL', 'OPENAI_BASE_URL'], model: ['OPENCODE_MODEL'], configDir: ['OPENCODE_CONFIG_DIR', 'OPENCODE_CONFIG'] },
  gemini: { keys: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], baseUrl: ['GOOGLE_GEMINI_BASE_URL', 'GEMINI_BASE_URL'], model: ['GEMINI_MODEL'], configDir: ['GEMINI_CONFIG_DIR'] },
  aider: { keys: MULTI_KEYS, baseUrl: ['OPENAI_API_BASE', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL'], model: ['AIDER_MODEL'], configDir: [] },
};

/** Switches that select a cloud provider. */
export const PROVIDER_SWITCHES: Readonly<Record<string, string>> = {
  CLAUDE_CODE_USE_BEDROCK: 'bedrock',
  CLAUDE_CODE_USE_VERTEX: 'vertex',
  GOOGLE_GENAI_USE_VERTEXAI: 'vertex',
};

/** Other variables that shape a profile (cloud region/project, extra model slots). Kept, not keys. */
export const PROFILE_EXTRAS = new Set([
  'ANTHROPIC_SMALL_FAST_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  'CLAUDE_CODE_SUBAGENT_MODEL', 'AWS_REGION', 'AWS_PROFILE', 'CLOUD_ML_REGION', 'ANTHROPIC_VERTEX_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION', 'CLAUDE_CODE_SKIP_BEDROCK_AUTH', 'CLAUDE_CODE_SKIP_VERTEX_AUTH',
]);

/** Key variables named after their provider (for key-only findings and provider hints). */
export const PROVIDER_KEY_VARS: Readonly<Record<string, string>> = {
  ANTHROPIC_API_KEY: 'anthropic',
  OPENAI_API_KEY: 'openai',
  CODEX_API_KEY: 'openai',
  MINIMAX_API_KEY: 'minimax',
  OPENROUTER_API_KEY: 'openrouter',
  GROQ_API_KEY: 'groq',
  XAI_API_KEY: 'xai',
  GROK_API_KEY: 'xai',
  ZAI_API_KEY: 'zai',
  Z_AI_API_KEY: 'zai',
  ZHIPU_API_KEY: 'zai',
  ZHIPUAI_API_KEY: 'zai',
  BIGMODEL_API_KEY: 'zai',
  GLM_API_KEY: 'zai',
  MOONSHOT_API_KEY: 'moonshot',
  KIMI_API_KEY: 'moonshot',
  GEMINI_API_KEY: 'google',
  GOOGLE_API_KEY: 'google',
  GOOGLE_GENERATIVE_AI_API_KEY: 'google',
};

/** Key prefixes that identify a provider when nothing else does. */
export const KEY_PREFIX_PROVIDERS: [RegExp, string][] = [
  [/^sk-ant-/, 'anthropic'],
  [/^sk-or-/, 'openrouter'],
  [/^gsk_/, 'groq'],
  [/^xai-/, 'xai'],
  [/^AIza/, 'google'],
  [/^sk-(proj|svcacct)-/, 'openai'],
];

/** Hosts the provider registry may not list (plans and regional endpoints), mapped to a provider id. */
export const EXTRA_HOSTS: [RegExp, string][] = [
  [/(^|\.)kimi\.com$/, 'moonshot'],
  [/(^|\.)moonshot\.(ai|cn)$/, 'moonshot'],
  [/(^|\.)bigmodel\.cn$/, 'zai'],
  [/(^|\.)z\.ai$/, 'zai'],
  [/(^|\.)minimaxi?\.(io|com|chat)$/, 'minimax'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)anthropic\.com$/, 'anthropic'],
  [/(^|\.)x\.ai$/, 'xai'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)openai\.com$/, 'openai'],
];

/** Every variable that makes a definition profile-worthy. */
export function isProfileVar(name: string): boolean {
  if (name in PROVIDER_SWITCHES) return true;
  for (const a of Object.values(AGENT_VARS)) {
    if (a.keys.includes(name) || a.baseUrl.includes(name) || a.model.includes(name) || a.configDir.includes(name)) return true;
  }
  return /^ANTHROPIC_DEFAULT_(OPUS|SONNET|HAIKU)_MODEL$|^ANTHROPIC_SMALL_FAST_MODEL$/.test(name);
}

/** Names that hold secrets: never shown, never written into a replacement line. */
export function isSecretVar(name: string): boolean {
  return /(^|_)(API_?KEY|AUTH_TOKEN|TOKEN|SECRET|PASSWORD|PASSWD|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$/i.test(name) || /_KEY$/.test(name);
}

export function isAgentBinary(name: string): name is keyof typeof AGENT_BINARIES {
  return Object.prototype.hasOwnProperty.call(AGENT_BINARIES, name);
}

/** Local gateways (LiteLLM, claude-code-router, …) are custom endpoints. */
export function isLocalHost(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|::1|host\.docker\.internal)$/.test(host) || /\.(local|lan|internal|localhost)$/.test(host) ||
    /^(10\.\d+|192\.168|172\.(1[6-9]|2\d|3[01]))\.\d+\.\d+$/.test(host);
}

/** Command-line flags that take a key (aider's --anthropic-api-key, --openai-api-key, --api-key provider=key). */
export const KEY_FLAGS = /^--?([a-z]+-)?(api-?key|auth-?token|token|secret|password)$/i;
