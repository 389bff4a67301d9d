import { isAbsolute, resolve } from 'node:path';
import { isWritableUnder, networkMode, policyFromEnv, type PolicyLike, type PolicySummary } from './policy.js';

/**
 * Sandbox denials as the agent saw them, read from its post-tool hook payload (Claude Code: PostToolUse with
 * `tool_response`, PostToolUseFailure with `error`; Codex: the same nested shape). bwrap itself logs nothing,
 * so this is what ringlet can know: a tool's output naming EROFS/EACCES/EPERM on a path the policy does not
 * let it write, or (network off / allow-list) a failed name lookup or unreachable network.
 * See docs/sandbox.md for what this does not catch.
 */
export interface SandboxDenial {
  kind: 'filesystem' | 'network';
  /** The path the tool was refused, absolute. */
  path?: string;
  /** EROFS, EACCES, EPERM, or ENETUNREACH/EAI for the network. */
  error: string;
  tool: string;
  /** The output line it was found in (trimmed to 300 characters). */
  excerpt: string;
}

const FS_ERRORS: [RegExp, string][] = [
  [/read-only file system|\bEROFS\b|\[Errno 30\]|os error 30/i, 'EROFS'],
  [/permission denied|\bEACCES\b|\[Errno 13\]|os error 13/i, 'EACCES'],
  [/operation not permitted|\bEPERM\b|\[Errno 1\]|os error 1\b/i, 'EPERM'],
];
const NET_ERRORS: [RegExp, string][] = [
  [/network is unreachable|\bENETUNREACH\b/i, 'ENETUNREACH'],
  [/could not resolve host|temporary failure in name resolution|\bEAI_AGAIN\b|name or service not known|\bENOTFOUND\b/i, 'EAI_AGAIN'],
];

/** Path-like tokens of a line: quoted strings first, then bare words with a slash. */
function pathsIn(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']+)'|"([^"]+)"|`([^`]+)`|‘([^’]+)’/g)) {
    const s = (m[1] ?? m[2] ?? m[3] ?? m[4]).trim();
    if (s.includes('/') || s.startsWith('.')) out.push(s);
  }
  for (const m of line.matchAll(/(?:^|[\s:(=])((?:~|\.{1,2})?\/[^\s:'"`),]+|[\w.-]+\/[^\s:'"`),]*)/g)) out.push(m[1]);
  return out.filter((p) => !/^https?:|^\/\//.test(p));
}

/** Every string inside a hook's tool_response / error value. */
function textsOf(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) textsOf(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) textsOf(x, out, depth + 1);
  return out;
}

const inputPath = (input: unknown): string | undefined => {
  if (!input || typeof input !== 'object') return undefined;
  const o = input as Record<string, unknown>;
  const p = o.file_path ?? o.notebook_path ?? o.path;
  return typeof p === 'string' ? p : undefined;
};

/**
 * Denials in one tool result. `toolResponse` is PostToolUse's `tool_response` or PostToolUseFailure's
 * `error` (a string). `policy` is the run's (inside the sandbox: policyFromEnv()). Relative paths resolve
 * against `cwd` (the hook payload's) or the first writable root.
 */
export function classifySandboxDenial(
  toolName: string,
  toolInput: unknown,
  toolResponse: unknown,
  policy: PolicyLike,
  cwd?: string,
): SandboxDenial[] {
  const base = cwd ?? policy.cwd ?? policy.writable[0] ?? '/';
  const found = new Map<string, SandboxDenial>();
  const excerpt = (l: string) => l.trim().slice(0, 300);
  const lines = textsOf(toolResponse).flatMap((t) => t.split(/\r?\n/));
  for (const line of lines) {
    const fsErr = FS_ERRORS.find(([re]) => re.test(line));
    if (fsErr) {
      const candidates = pathsIn(line);
      const fallback = inputPath(toolInput);
      if (!candidates.length && fallback) candidates.push(fallback);
      for (const c of candidates) {
        const abs = c.startsWith('~') ? undefined : isAbsolute(c) ? resolve(c) : resolve(base, c);
        if (!abs) continue;
        // Inside a writable root this is an ordinary permission error, not the sandbox.
        if (isWritableUnder(policy, abs)) continue;
        const key = `fs:${abs}`;
        if (!found.has(key)) found.set(key, { kind: 'filesystem', path: abs, error: fsErr[1], tool: toolName, excerpt: excerpt(line) });
        break;
      }
      continue;
    }
    const netErr = networkMode(policy) !== 'on' ? NET_ERRORS.find(([re]) => re.test(line)) : undefined;
    if (netErr && !found.has(`net:${netErr[1]}`)) found.set(`net:${netErr[1]}`, { kind: 'network', error: netErr[1], tool: toolName, excerpt: excerpt(line) });
  }
  return [...found.values()];
}

/** The same, from a whole hook payload (`tool_name`, `tool_input`, `tool_response` or `error`, `cwd`). */
export function classifyHookPayload(payload: Record<string, unknown>, policy: PolicySummary | undefined = policyFromEnv()): SandboxDenial[] {
  if (!policy) return [];
  const tool = typeof payload.tool_name === 'string' ? payload.tool_name : 'unknown';
  const response = payload.tool_response ?? payload.error;
  return classifySandboxDenial(tool, payload.tool_input, response, policy, typeof payload.cwd === 'string' ? payload.cwd : undefined);
}
