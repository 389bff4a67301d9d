import { describe, expect, it } from 'vitest';
import xtermHeadless from '@xterm/headless';
import { ScreenMirror } from '../../src/daemon/screen.js';

const { Terminal } = xtermHeadless;

// The replay path: what a session printed, serialised by the mirror, rebuilds the same terminal state in
// a fresh terminal, including what @xterm/addon-serialize leaves out.

const parse = (t: InstanceType<typeof Terminal>, data: string) => new Promise<void>((r) => t.write(data, r));

interface Core {
  coreService: { isCursorHidden: boolean; decPrivateModes: { cursorStyle?: string; cursorBlink?: boolean } };
  coreMouseService: { activeEncoding: string; activeProtocol: string };
  buffer: { scrollTop: number; scrollBottom: number };
}

function state(t: InstanceType<typeof Terminal>, title: string) {
  const core = (t as unknown as { _core: Core })._core;
  const b = t.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < t.rows; i++) lines.push(b.getLine(b.baseY + i)?.translateToString(true) ?? '');
  return {
    lines, buffer: b.type, cursor: [b.cursorX, b.cursorY], title,
    hidden: core.coreService.isCursorHidden, style: core.coreService.decPrivateModes.cursorStyle, blink: core.coreService.decPrivateModes.cursorBlink,
    mouse: core.coreMouseService.activeProtocol, encoding: core.coreMouseService.activeEncoding,
    region: [core.buffer.scrollTop, core.buffer.scrollBottom], bracketed: t.modes.bracketedPasteMode, appCursor: t.modes.applicationCursorKeysMode,
  };
}

async function roundTrip(program: string, cols = 40, rows = 12) {
  const mirror = new ScreenMirror(cols, rows);
  mirror.write(program);
  const snapshot = await new Promise<string>((r) => mirror.drained(() => r(mirror.snapshot())));
  const fresh = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  let title = '';
  fresh.onTitleChange((t) => (title = t));
  // A client terminal that had other state before attaching: the snapshot must reset it.
  await parse(fresh, '\x1b[?1000h\x1b[?2004h\x1b[3;5rjunk on the screen\x1b[?25l');
  await parse(fresh, snapshot);
  return { want: state(mirror.term, mirror.title), got: state(fresh, title), snapshot };
}

describe('screen replay', () => {
  it('rebuilds a full-screen program: alt screen, title, hidden cursor, SGR mouse, scroll region, cursor style', async () => {
    const program =
      'shell line 1\r\nshell line 2\r\n' +
      '\x1b[?1049h\x1b[2J\x1b[H\x1b]2;editor — notes.txt\x07\x1b[?25l\x1b[?1002h\x1b[?1006h\x1b[?2004h\x1b[?1h\x1b[6 q' +
      '\x1b[1;1H\x1b[7m header \x1b[0m\x1b[12;1Hstatus bar\x1b[2;11r\x1b[5;3Hcursor here';
    const { want, got } = await roundTrip(program);
    expect(want).toMatchObject({ buffer: 'alternate', title: 'editor — notes.txt', hidden: true, encoding: 'SGR', mouse: 'DRAG', region: [1, 10], style: 'bar', blink: false, bracketed: true, appCursor: true });
    expect(got).toEqual(want);
  });

  it('rebuilds a plain shell screen with scrollback and the cursor mid-line', async () => {
    let program = '';
    for (let i = 0; i < 30; i++) program += `line ${i}\r\n`;
    program += '\x1b[32mgreen\x1b[0m prompt$ par';
    const { want, got, snapshot } = await roundTrip(program);
    expect(got).toEqual(want);
    expect(want.hidden).toBe(false);
    expect(snapshot).toContain('line 0');
  });

  it('keeps cursor style and visibility defaults when the program set none', async () => {
    const { want, got } = await roundTrip('hello');
    expect(got).toEqual(want);
    expect(got.region).toEqual([0, 11]);
  });
});
