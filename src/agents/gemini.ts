import { join } from 'node:path';
import type { AgentContext, AgentSpec } from './types.js';
import { child, readJsonObject, writeJsonIfChanged } from './home-files.js';

/**
 * Gemini CLI (@google/gemini-cli). Facts checked against the 0.61 bundle:
 * - Its HOME is `GEMINI_CLI_HOME` when set, else os.homedir(); settings live in `<home>/.gemini/settings.json`.
 * - Key: `GEMINI_API_KEY`, sent as the `x-goog-api-key` header. Endpoint: `GOOGLE_GEMINI_BASE_URL` (the
 *   @google/genai SDK appends `/v1beta/models/<model>:streamGenerateContent`). Model: `GEMINI_MODEL`.
 * - `security.auth.selectedType` picks the auth method; without it the interactive UI opens the auth
 *   dialog. Values: `gemini-api-key`, `oauth-personal` (Google login), `vertex-ai`.
 * - Vertex: `GOOGLE_GENAI_USE_VERTEXAI=true` with `GOOGLE_CLOUD_PROJECT` / `GOOGLE_CLOUD_LOCATION` and the
 *   gcloud application-default credentials.
 * - Chats (with per-message token counts) are kept under `<home>/.gemini/tmp/<project>/chats/`.
 */

function authType(ctx: AgentContext): string {
  if (ctx.provider.kind === 'self') return 'oauth-personal';
  if (ctx.provider.kind === 'cloud') return 'vertex-ai';
  return 'gemini-api-key';
}

function env(ctx: AgentContext): Record<string, string> {
  // GEMINI_CLI_HOME outranks HOME for Gemini; pin it so an inherited value cannot point at the real HOME.
  const out: Record<string, string> = { GEMINI_CLI_HOME: ctx.home };
  if (ctx.model) out.GEMINI_MODEL = ctx.model;
  if (ctx.provider.kind === 'self') return out;
  if (ctx.provider.kind === 'cloud') {
    out.GOOGLE_GENAI_USE_VERTEXAI = 'true';
    if (ctx.project) out.GOOGLE_CLOUD_PROJECT = ctx.project;
    if (ctx.region) out.GOOGLE_CLOUD_LOCATION = ctx.region;
    return out;
  }
  if (ctx.apiKey) out.GEMINI_API_KEY = ctx.apiKey;
  if (ctx.baseUrl) out.GOOGLE_GEMINI_BASE_URL = ctx.baseUrl.replace(/\/+$/, '');
  return out;
}

/**
 * Inherited variables that would outrank the profile: another key or endpoint, a backend switch (Vertex,
 * Code Assist), the key sent as a Bearer token instead of x-goog-api-key, or a trust file outside the HOME.
 */
function unsetEnv(ctx: AgentContext): string[] {
  const set = new Set(Object.keys(env(ctx)));
  const candidates = [
    'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GOOGLE_VERTEX_BASE_URL', 'GEMINI_MODEL',
    'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GENAI_USE_GCA', 'GEMINI_CLI_USE_COMPUTE_ADC', 'GEMINI_API_KEY_AUTH_MECHANISM',
    'GEMINI_CLI_TRUSTED_FOLDERS_PATH',
    // With a key, a stray project/location would not matter; with Vertex they are the profile's.
    ...(ctx.provider.kind === 'cloud' ? ['GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_PROJECT_ID', 'GOOGLE_CLOUD_LOCATION'] : []),
  ];
  return candidates.filter((v) => !set.has(v));
}

function prepareHome(ctx: AgentContext): void {
  const file = join(ctx.home, '.gemini', 'settings.json');
  const settings = readJsonObject(file);
  // Only the auth choice is ours: theme, tools, MCP servers and the rest stay the user's.
  child(child(settings, 'security'), 'auth').selectedType = authType(ctx);
  writeJsonIfChanged(file, settings, { mode: 0o600 });
}

export const gemini: AgentSpec = {
  id: 'gemini',
  label: 'Gemini CLI',
  binary: 'gemini',
  wires: ['gemini'],
  selfAuth: true,
  cloud: ['vertex'],
  versionArgs: ['--version'],
  env,
  prepareHome,
  logDirs: (home) => [join(home, '.gemini', 'tmp')],
  unsetEnv,
  // Vertex authenticates with gcloud's application-default credentials.
  homeShare: (ctx) => (ctx.provider.kind === 'cloud' ? ['.config/gcloud'] : []),
};
