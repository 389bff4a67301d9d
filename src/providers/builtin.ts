import type { ProviderSpec } from './types.js';

/** Built-in providers. Endpoints per the providers' own docs (2026-11). */
export const BUILTIN_PROVIDERS: ProviderSpec[] = [
  {
    id: 'anthropic', label: 'Anthropic', kind: 'api', keyEnv: 'ANTHROPIC_API_KEY',
    endpoints: { anthropic: 'https://api.anthropic.com' },
    defaultModel: { anthropic: 'claude-sonnet-4-5' },
    hosts: ['api.anthropic.com'],
  },
  {
    id: 'openai', label: 'OpenAI', kind: 'api', keyEnv: 'OPENAI_API_KEY',
    endpoints: { 'openai-responses': 'https://api.openai.com/v1', 'openai-chat': 'https://api.openai.com/v1' },
    defaultModel: { 'openai-responses': 'gpt-5-codex', 'openai-chat': 'gpt-5' },
    hosts: ['api.openai.com'],
  },
  {
    id: 'minimax', label: 'MiniMax', kind: 'api', keyEnv: 'MINIMAX_API_KEY',
    endpoints: { anthropic: 'https://api.minimax.io/anthropic', 'openai-chat': 'https://api.minimax.io/v1' },
    defaultModel: { anthropic: 'MiniMax-M2', 'openai-chat': 'MiniMax-M2' },
    hosts: ['api.minimax.io', 'api.minimaxi.com', 'api.minimax.chat'],
  },
  {
    id: 'openrouter', label: 'OpenRouter', kind: 'api', keyEnv: 'OPENROUTER_API_KEY',
    endpoints: { anthropic: 'https://openrouter.ai/api', 'openai-chat': 'https://openrouter.ai/api/v1', 'openai-responses': 'https://openrouter.ai/api/v1' },
    hosts: ['openrouter.ai'],
  },
  {
    id: 'groq', label: 'Groq', kind: 'api', keyEnv: 'GROQ_API_KEY',
    endpoints: { 'openai-chat': 'https://api.groq.com/openai/v1', 'openai-responses': 'https://api.groq.com/openai/v1' },
    hosts: ['api.groq.com'],
  },
  {
    id: 'xai', label: 'xAI', kind: 'api', keyEnv: 'XAI_API_KEY',
    endpoints: { 'openai-chat': 'https://api.x.ai/v1', 'openai-responses': 'https://api.x.ai/v1', anthropic: 'https://api.x.ai' },
    defaultModel: { 'openai-chat': 'grok-4', 'openai-responses': 'grok-4', anthropic: 'grok-4' },
    hosts: ['api.x.ai'],
  },
  {
    id: 'zai', label: 'Z.ai', kind: 'api', keyEnv: 'ZAI_API_KEY',
    endpoints: { anthropic: 'https://api.z.ai/api/anthropic', 'openai-chat': 'https://api.z.ai/api/paas/v4' },
    defaultModel: { anthropic: 'glm-4.6', 'openai-chat': 'glm-4.6' },
    hosts: ['api.z.ai', 'open.bigmodel.cn'],
  },
  {
    id: 'moonshot', label: 'Moonshot (Kimi)', kind: 'api', keyEnv: 'MOONSHOT_API_KEY',
    endpoints: { anthropic: 'https://api.moonshot.ai/anthropic', 'openai-chat': 'https://api.moonshot.ai/v1' },
    defaultModel: { anthropic: 'kimi-k2-turbo-preview', 'openai-chat': 'kimi-k2-turbo-preview' },
    hosts: ['api.moonshot.ai', 'api.moonshot.cn', 'api.kimi.com'],
  },
  {
    id: 'google', label: 'Google Gemini API', kind: 'api', keyEnv: 'GEMINI_API_KEY',
    endpoints: { gemini: 'https://generativelanguage.googleapis.com', 'openai-chat': 'https://generativelanguage.googleapis.com/v1beta/openai' },
    hosts: ['generativelanguage.googleapis.com'],
  },
  {
    // The endpoint is the profile's --custom-endpoint; its wire is whatever the agent speaks.
    id: 'custom', label: 'Custom endpoint (Anthropic- or OpenAI-shaped)', kind: 'custom',
    endpoints: {},
  },
  { id: 'bedrock', label: 'Amazon Bedrock (AWS credentials)', kind: 'cloud', endpoints: {}, hosts: ['bedrock-runtime'] },
  { id: 'vertex', label: 'Google Vertex AI (gcloud credentials)', kind: 'cloud', endpoints: {}, hosts: ['aiplatform.googleapis.com'] },
  { id: 'self', label: "The agent's own login (no key)", kind: 'self', endpoints: {} },
];
