import { existsSync, statSync } from 'node:fs';
import { UserError, EXIT } from '../errors.js';
import { readTomlFile, writeTomlFile } from '../config/toml.js';

/** credentials.toml: `[keys]` table of "provider/alias" = "secret". 0600 or refused. */
export class FileStore {
  constructor(readonly file: string) {}

  private checkMode(): void {
    if (!existsSync(this.file)) return;
    const mode = statSync(this.file).mode & 0o777;
    if (mode & 0o077) {
      throw new UserError(`${this.file} is readable by others (mode ${mode.toString(8)}); fix with: chmod 600 ${this.file}`, EXIT.config);
    }
  }

  private read(): Record<string, string> {
    this.checkMode();
    const raw = readTomlFile(this.file);
    const keys = raw?.keys;
    if (keys === undefined) return {};
    if (typeof keys !== 'object' || keys === null || Object.values(keys).some((v) => typeof v !== 'string')) {
      throw new UserError(`${this.file}: [keys] must map "provider/alias" to strings`, EXIT.config);
    }
    return keys as Record<string, string>;
  }

  private write(keys: Record<string, string>): void {
    writeTomlFile(this.file, { keys }, { mode: 0o600, forceMode: true });
  }

  get(account: string): string | undefined {
    return this.read()[account];
  }

  set(account: string, value: string): void {
    this.write({ ...this.read(), [account]: value });
  }

  delete(account: string): boolean {
    const keys = this.read();
    if (!(account in keys)) return false;
    delete keys[account];
    this.write(keys);
    return true;
  }

  accounts(): string[] {
    return Object.keys(this.read());
  }
}
