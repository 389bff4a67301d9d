import type { ProviderSpec, Wire } from '../providers/types.js';

/** Everything an agent module needs to prepare a profile HOME and environment for one run. */
export interface AgentContext {
  profile: string;
  /** The profile's HOME directory (becomes $HOME of the agent). */
  home: string;
  /** The user's real HOME. */
  realHome: string;
  provider: ProviderSpec;
  /** The wire chosen for this agent and provider. */
  wire: Wire;
  /** Base URL the agent must call: the meter's (with the provider's path) or the provider's own. */
  baseUrl: string;
  /** What the agent presents as its key: the meter's local token, or the real key with metering off. Absent for self/cloud. */
  apiKey?: string;
  model?: string;
  region?: string;
  project?: string;
  /**
   * Command line (shell words, already quoted) that agents' own hook systems should call to reach
   * ringlet's hook dispatcher; the event name is appended. Undefined when no hooks are wired.
   */
  hookCommand?: string;
  /** The agent's own hook events to wire to hookCommand (e.g. `PreToolUse`); the agent module's default list when undefined. */
  hookEvents?: readonly string[];
}

export interface AgentSpec {
  id: string;
  label: string;
  /** Executable name looked up on PATH. */
  binary: string;
  /** Wires the agent can speak, preferred first. */
  wires: Wire[];
  /** Providers of kind self/cloud it supports (by provider id). */
  selfAuth?: boolean;
  cloud?: string[];
  /** Arguments that print a version, e.g. ['--version']. */
  versionArgs: string[];
  /** Environment variables for the run (set on top of the inherited environment). */
  env(ctx: AgentContext): Record<string, string>;
  /** Write or merge the files the agent needs in ctx.home. Idempotent; never clobbers the user's own settings. */
  prepareHome(ctx: AgentContext): void;
  /** Directories under a HOME where the agent keeps logs with usage (for import after a run). */
  logDirs(home: string): string[];
  /**
   * Inherited variables to remove for the run, because they would override the profile (a user's
   * CLAUDE_CONFIG_DIR escaping the profile HOME, an ANTHROPIC_AUTH_TOKEN outranking the key, …).
   */
  unsetEnv?(ctx: AgentContext): string[];
  /** Entries of the real HOME this agent needs linked for this provider (e.g. `.aws` for Bedrock), beyond the defaults. */
  homeShare?(ctx: AgentContext): string[];
}
