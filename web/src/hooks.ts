// Small hooks the pages share.
import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

// Runs `load` when `key` changes (aborting the previous call) and keeps its
// latest result.
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ data: s.data, error: undefined, loading: true }));
    load(abort.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState({ data: undefined, error, loading: false });
      },
    );
    return () => abort.abort();
    // `load` is a new function at every render; `key` says when it changes.
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}

// The document's title: the page's name, then the site's.
export function useTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · Trivium` : 'Trivium';
  }, [title]);
}
