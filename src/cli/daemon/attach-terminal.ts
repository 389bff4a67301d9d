import { UserError, EXIT } from '../../errors.js';
import type { DaemonClient } from '../../daemon/client.js';
import type { ServerMessage } from '../../daemon/protocol.js';

/**
 * The terminal side of `ringlet attach`: raw mode, keystrokes to the session, its output to the screen,
 * resize following the terminal, and a detach key (a prefix key, then `d`) that leaves the session running.
 */

export const DEFAULT_DETACH_KEY = 'ctrl-\\';

export interface DetachKey {
  /** The prefix byte, or undefined when detaching by key is off. */
  prefix?: number;
  /** How to show it: "Ctrl-\ d". */
  label: string;
}

/** `ctrl-X` (X in @, A-Z, [, \, ], ^, _) or `none`. */
export function parseDetachKey(value: string): DetachKey {
  const v = value.trim();
  if (v.toLowerCase() === 'none') return { label: 'none' };
  const m = /^(?:ctrl|c)-(.)$/i.exec(v) ?? /^\^(.)$/.exec(v);
  if (!m) throw new UserError(`detach key: expected ctrl-X, such as ctrl-\\ or ctrl-a, or none (got ${JSON.stringify(value)})`, EXIT.usage);
  const ch = m[1].toUpperCase();
  const code = ch.charCodeAt(0);
  if (code < 0x40 || code > 0x5f) throw new UserError(`detach key: ctrl-${m[1]} is not a control key; use ctrl-@, ctrl-a … ctrl-z, ctrl-[, ctrl-\\, ctrl-], ctrl-^ or ctrl-_`, EXIT.usage);
  return { prefix: code ^ 0x40, label: `Ctrl-${ch} d` };
}

/** Splits keyboard input into what goes to the session and whether the detach sequence was typed. */
export class DetachFilter {
  private pending = false;
  constructor(private prefix: number | undefined) {}

  feed(data: Buffer): { send: Buffer; detach: boolean } {
    if (this.prefix === undefined) return { send: data, detach: false };
    const out: number[] = [];
    for (const b of data) {
      if (this.pending) {
        this.pending = false;
        if (b === 0x64 /* d */) return { send: Buffer.from(out), detach: true };
        out.push(this.prefix);
        // Prefix twice sends one prefix byte through.
        if (b !== this.prefix) out.push(b);
      } else if (b === this.prefix) this.pending = true;
      else out.push(b);
    }
    return { send: Buffer.from(out), detach: false };
  }
}

/** Undo whatever modes the session left on in this terminal before handing it back to the shell. */
const RESTORE =
  '\x1b[?1049l\x1b[r\x1b[0m\x1b[?25h\x1b[0 q\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1004l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1l\x1b>';

export interface AttachIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Attaches to session `id` until it ends (resolves to its exit status), the user detaches (0), or the
 * connection drops (1).
 */
export async function attachTerminal(client: DaemonClient, id: string, detachKey: DetachKey, how: { reattach: string }, io: AttachIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const { stdin, stdout, stderr } = io;
  const tty = Boolean(stdin.isTTY && stdout.isTTY);
  const size = () => (stdout.isTTY && stdout.columns && stdout.rows ? { cols: stdout.columns, rows: stdout.rows } : undefined);
  let exit: Extract<ServerMessage, { type: 'exit' }> | undefined;
  let announced = false;
  const onMessage = (buf: Buffer, isBinary: boolean) => {
    if (isBinary) {
      stdout.write(buf);
      return;
    }
    let msg: ServerMessage;
    try {
      msg = JSON.parse(buf.toString('utf8'));
    } catch {
      return;
    }
    if (msg.type === 'hello' && !announced) {
      announced = true;
      const s = msg.session as { id: string; profile: string };
      const keys = detachKey.prefix === undefined ? 'no detach key' : `detach: ${detachKey.label}`;
      stderr.write(`[ringlet] attached to session ${s.id} (${s.profile}) · ${keys}\r\n`);
      // Scroll the shell's screen (and this notice) into the scrollback instead of letting the
      // snapshot's clear erase it.
      if (tty) stdout.write('\n'.repeat(stdout.rows ?? 24));
    } else if (msg.type === 'exit') exit = msg;
  };
  const ws = await client.connect(id, size(), onMessage);

  return new Promise<number>((resolve) => {
    let detached = false;
    const filter = new DetachFilter(detachKey.prefix);

    const onInput = (d: Buffer | string) => {
      const { send, detach } = filter.feed(typeof d === 'string' ? Buffer.from(d) : d);
      if (send.length && ws.readyState === ws.OPEN) ws.send(send, { binary: true });
      if (detach) {
        detached = true;
        ws.close(1000, 'detached');
      }
    };
    const onResize = () => {
      const s = size();
      if (s && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'resize', ...s }));
    };
    const onSignal = () => {
      detached = true;
      ws.close(1000, 'client exiting');
    };

    ws.on('close', (code, reason) => {
      stdin.off('data', onInput);
      stdout.off('resize', onResize);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      if (tty) {
        stdin.setRawMode(false);
        stdout.write(RESTORE);
      }
      stdin.pause();
      const eol = tty ? '\r\n' : '\n';
      if (exit) {
        stderr.write(`${eol}[ringlet] session ${id} ended with status ${exit.exitCode}${exit.signal ? ` (${exit.signal})` : ''}${eol}`);
        resolve(exit.exitCode);
      } else if (detached) {
        stderr.write(`${eol}[ringlet] detached from session ${id}; reattach with: ${how.reattach}${eol}`);
        resolve(0);
      } else {
        const why = code === 1009 ? 'a message was too large' : code === 1008 ? `the daemon refused a message (${reason})` : code === 1001 ? String(reason || 'the daemon went away') : 'the connection dropped';
        stderr.write(`${eol}[ringlet] lost session ${id}: ${why}${eol}`);
        resolve(1);
      }
    });
    ws.on('error', () => {});

    if (tty) stdin.setRawMode(true);
    stdin.on('data', onInput);
    stdin.resume();
    stdout.on('resize', onResize);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  });
}
