import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { Terminal as HeadlessTerminal } from '@xterm/headless';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/** Lines of scrollback a session keeps for replay; serialize() costs ~35 ms per 1 000 lines. */
export const SCROLLBACK_LINES = 1000;

/**
 * What a real terminal must be told, before a snapshot, to forget the previous session state: leave the
 * alternate screen, reset scroll region, attributes, cursor and every mouse/keypad/paste mode, then clear.
 * The snapshot turns back on whatever the session has on.
 */
export const TERMINAL_RESET =
  '\x1b[?1049l\x1b[r\x1b[0m\x1b[?25h\x1b[0 q' +
  '\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1004l\x1b[?1005l\x1b[?1006l\x1b[?1015l\x1b[?1016l' +
  '\x1b[?2004l\x1b[?1l\x1b>\x1b[?6l\x1b[?7h';

const CURSOR_STYLE: Record<string, number> = { block: 2, underline: 4, bar: 6 };

// The serializer has no public API for these; they are read from xterm's core (pinned major version,
// and test/daemon/screen.test.ts fails if a field moves).
interface Core {
  coreService: { isCursorHidden: boolean; decPrivateModes: { cursorStyle?: string; cursorBlink?: boolean; origin: boolean } };
  coreMouseService: { activeEncoding: string };
  buffer: { scrollTop: number; scrollBottom: number };
}

/**
 * A headless terminal fed with everything a session prints, so a client that attaches later gets the
 * current screen (and recent scrollback) as one byte string, then the live stream.
 */
export class ScreenMirror {
  readonly term: HeadlessTerminal;
  private serializer = new SerializeAddon();
  private _title = '';

  constructor(cols: number, rows: number, scrollback = SCROLLBACK_LINES) {
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.term.loadAddon(this.serializer as never);
    this.term.onTitleChange((t) => (this._title = t));
  }

  /** The window title the program last set (OSC 0/2). */
  get title(): string {
    return this._title;
  }

  write(data: Uint8Array | string): void {
    this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /**
   * Calls `fn` once everything written so far has been parsed and nothing after it has: a snapshot taken in
   * `fn` plus every byte written after this call is exactly the session's output.
   */
  drained(fn: () => void): void {
    this.term.write('', fn);
  }

  /**
   * The screen as bytes that rebuild it on a real terminal: reset, clear, the serializer's output, then what
   * it leaves out (title, cursor visibility and style, SGR mouse encoding, scroll region). Call inside
   * drained(). `scrollback` lines of history are included (0 for a resync of a client that has them).
   */
  snapshot(scrollback = SCROLLBACK_LINES): string {
    const term = this.term;
    const core = (term as unknown as { _core: Core })._core;
    let out = TERMINAL_RESET + '\x1b[H\x1b[2J';
    out += this.serializer.serialize({ scrollback });
    if (this._title) out += `\x1b]2;${this._title.replace(/[\x00-\x1f\x7f]/g, '')}\x07`;
    const enc = core.coreMouseService.activeEncoding;
    if (enc === 'SGR') out += '\x1b[?1006h';
    else if (enc === 'SGR_PIXELS') out += '\x1b[?1016h';
    const modes = core.coreService.decPrivateModes;
    if (modes.cursorStyle && CURSOR_STYLE[modes.cursorStyle]) out += `\x1b[${CURSOR_STYLE[modes.cursorStyle] - (modes.cursorBlink ? 1 : 0)} q`;
    const { scrollTop, scrollBottom } = core.buffer;
    if (scrollTop !== 0 || scrollBottom !== term.rows - 1) {
      // DECSTBM homes the cursor: put it back (relative to the region when origin mode is on).
      const buf = term.buffer.active;
      const y = buf.cursorY - (modes.origin ? scrollTop : 0);
      out += `\x1b[${scrollTop + 1};${scrollBottom + 1}r\x1b[${y + 1};${buf.cursorX + 1}H`;
    }
    if (core.coreService.isCursorHidden) out += '\x1b[?25l';
    return out;
  }

  /** The visible screen as plain text lines (for tests, logs and the session list preview). */
  text(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < this.term.rows; i++) lines.push(buf.getLine(buf.baseY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  dispose(): void {
    this.term.dispose();
  }
}
