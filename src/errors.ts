/** An error the user can fix: printed as one line, no stack, non-zero exit. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes, following sysexits where one fits. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  config: 78, // EX_CONFIG
  unavailable: 69, // EX_UNAVAILABLE: missing agent binary, no keychain
} as const;
