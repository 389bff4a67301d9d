import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getConnection, getEpoch, subscribe, type Connection } from './api.js';

export function useConnection(): { connection: Connection; epoch: number } {
  const [state, setState] = useState({ connection: getConnection(), epoch: getEpoch() });
  useEffect(() => subscribe(() => setState({ connection: getConnection(), epoch: getEpoch() })), []);
  return state;
}

export interface Poll<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `fn` now, whenever `key` changes, every `everyMs` while the page is visible, and again when the
 * daemon comes back after an outage. The last good data stays on screen while a reload is under way.
 */
export function usePoll<T>(fn: () => Promise<T>, key: string, everyMs: number): Poll<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const { epoch } = useConnection();
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const keyRef = useRef(key);

  useEffect(() => {
    if (keyRef.current !== key) {
      keyRef.current = key;
      setData(undefined);
    }
    let live = true;
    setLoading(true);
    fnRef.current().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick, epoch]);

  useEffect(() => {
    if (!everyMs) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible' && getConnection() === 'ok') setTick((n) => n + 1);
    }, everyMs);
    return () => clearInterval(t);
  }, [everyMs, key]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** Re-renders every `ms` (for "uptime" and "ago" texts). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Sets document.title for the view. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · ringlet`;
  }, [title]);
}
