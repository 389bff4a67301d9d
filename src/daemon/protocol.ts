/**
 * The terminal WebSocket at /api/sessions/{id}/ws (see docs/api.md).
 *
 * Server -> client: binary frames are terminal output (the first one is the screen snapshot); text frames
 * are JSON control messages (ServerMessage). Client -> server: binary frames are keyboard input; text
 * frames are JSON ClientMessage. Anything else closes the connection with 1008 (policy); a frame over
 * MAX_FRAME bytes closes it with 1009.
 */

export const MAX_FRAME = 1024 * 1024;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_NORMAL = 1000;
/** Sent when the session is removed or the daemon stops. */
export const CLOSE_GOING_AWAY = 1001;

export const LIMITS = { minCols: 2, maxCols: 1000, minRows: 1, maxRows: 500 };

export type ClientMessage =
  | { type: 'resize'; cols: number; rows: number }
  /** Text input, for clients (browsers) that prefer text frames; binary frames carry the same. */
  | { type: 'input'; data: string };

export type ServerMessage =
  | { type: 'hello'; session: unknown; cols: number; rows: number }
  /** The client fell too far behind: output was dropped and the next binary frame is a fresh snapshot. */
  | { type: 'resync'; reason: 'slow' }
  | { type: 'size'; cols: number; rows: number }
  | { type: 'exit'; exitCode: number; signal: string | null };

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(n)));
}

export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  return { cols: clamp(cols, LIMITS.minCols, LIMITS.maxCols), rows: clamp(rows, LIMITS.minRows, LIMITS.maxRows) };
}

/** Parses a text frame; undefined for anything malformed (the caller closes with CLOSE_POLICY). */
export function parseClientMessage(text: string): ClientMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const m = v as Record<string, unknown>;
  if (m.type === 'resize') {
    if (typeof m.cols !== 'number' || typeof m.rows !== 'number' || !Number.isFinite(m.cols) || !Number.isFinite(m.rows)) return undefined;
    return { type: 'resize', ...clampSize(m.cols, m.rows) };
  }
  if (m.type === 'input' && typeof m.data === 'string') return { type: 'input', data: m.data };
  return undefined;
}
