/**
 * The browser side of a session's terminal (loaded on demand: xterm.js is most of the bundle). Speaks the
 * daemon's WebSocket protocol (src/daemon/protocol.ts): binary frames are output (the first is the screen
 * snapshot) and keyboard input; text frames are JSON control messages.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { installCspStyleShim } from './csp-styles.js';

export interface TermEvents {
  onHello(session: { id: string; status: string }): void;
  onExit(exitCode: number, signal: string | null): void;
  /** The socket closed without an exit message (daemon gone, session removed, refused). */
  onDrop(code: number): void;
  onSize(cols: number, rows: number, ours: { cols: number; rows: number }): void;
}

export interface TermHandle {
  focus(): void;
  copy(): Promise<boolean>;
  paste(text: string): void;
  send(data: string): void;
  /** Close the socket (detach); the session keeps running. Resolves once the daemon has seen it close. */
  detach(): Promise<void>;
  /** Open a new socket and replay the screen again (after the daemon came back). */
  reconnect(): void;
  dispose(): void;
  readonly term: Terminal;
}

const enc = new TextEncoder();

function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (n: string, d: string) => css.getPropertyValue(n).trim() || d;
  return { background: v('--term-bg', '#11131a'), foreground: v('--term-fg', '#e6e8ef'), cursor: v('--term-fg', '#e6e8ef'), selectionBackground: '#4f46e580' };
}

export function openTerminal(el: HTMLElement, sessionId: string, events: TermEvents, onEscape: () => void): TermHandle {
  installCspStyleShim();
  const term = new Terminal({
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    fontSize: el.clientWidth < 500 ? 12 : 14,
    scrollback: 5000,
    cursorBlink: true,
    allowProposedApi: false,
    theme: theme(),
    screenReaderMode: false,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  try {
    fit.fit();
  } catch {
    /* not laid out yet */
  }

  let ws: WebSocket | undefined;
  let exited = false;
  let closedByUs = false;

  const sendBytes = (data: string | Uint8Array) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(typeof data === 'string' ? enc.encode(data) : data);
  };

  term.onData((d) => sendBytes(d));
  term.onBinary((d) => sendBytes(Uint8Array.from(d, (c) => c.charCodeAt(0))));
  term.onResize(({ cols, rows }) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  });
  // Browser-friendly keys the terminal would otherwise swallow: copy a selection, and leave the terminal.
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    if (e.ctrlKey && e.shiftKey && (e.key === 'C' || e.key === 'c') && term.hasSelection()) {
      void navigator.clipboard?.writeText(term.getSelection());
      e.preventDefault();
      return false;
    }
    if (e.shiftKey && e.key === 'F6') {
      onEscape();
      return false;
    }
    return true;
  });

  const connect = () => {
    closedByUs = false;
    term.reset();
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const sock = new WebSocket(`${proto}://${location.host}/api/sessions/${encodeURIComponent(sessionId)}/ws?cols=${term.cols}&rows=${term.rows}`);
    sock.binaryType = 'arraybuffer';
    ws = sock;
    sock.onmessage = (m) => {
      if (m.data instanceof ArrayBuffer) {
        term.write(new Uint8Array(m.data));
        return;
      }
      let msg: { type: string; [k: string]: unknown };
      try {
        msg = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (msg.type === 'hello') events.onHello(msg.session as { id: string; status: string });
      else if (msg.type === 'resync') term.reset();
      else if (msg.type === 'size') events.onSize(msg.cols as number, msg.rows as number, { cols: term.cols, rows: term.rows });
      else if (msg.type === 'exit') {
        exited = true;
        events.onExit(msg.exitCode as number, (msg.signal as string | null) ?? null);
      }
    };
    sock.onopen = () => sock.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
    sock.onclose = (e) => {
      if (ws !== sock) return;
      if (!exited && !closedByUs) events.onDrop(e.code);
    };
  };

  const ro = new ResizeObserver(() => {
    try {
      fit.fit();
    } catch {
      /* hidden */
    }
  });
  ro.observe(el);
  const mq = matchMedia('(prefers-color-scheme: dark)');
  const onTheme = () => (term.options.theme = theme());
  mq.addEventListener('change', onTheme);

  connect();
  term.focus();

  return {
    term,
    focus: () => term.focus(),
    async copy() {
      if (!term.hasSelection()) return false;
      await navigator.clipboard.writeText(term.getSelection());
      return true;
    },
    paste: (text) => term.paste(text),
    send: (data) => sendBytes(data),
    detach() {
      closedByUs = true;
      const sock = ws;
      if (!sock || sock.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise<void>((resolve) => {
        sock.addEventListener('close', () => resolve());
        setTimeout(resolve, 1000);
        sock.close(1000, 'detach');
      });
    },
    reconnect: () => connect(),
    dispose() {
      closedByUs = true;
      ws?.close(1000, 'detach');
      ro.disconnect();
      mq.removeEventListener('change', onTheme);
      // Leaving the page must never fail, whatever state the renderer is in.
      try {
        term.dispose();
      } catch {
        /* already torn down */
      }
    },
  };
}
