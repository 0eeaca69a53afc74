import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** Runs `load()` whenever `deps` change; the newest call wins (an older answer arriving late is dropped).
 * `reload({ quiet: true })` keeps the shown data while it loads (live updates, after a refresh). */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const run = useCallback(
    async ({ quiet = false } = {}) => {
      const mine = ++generation.current;
      setState((s) => (quiet ? { ...s, loading: true } : { data: null, error: null, loading: true }));
      try {
        const data = await load();
        if (mine === generation.current) setState({ data, error: null, loading: false });
      } catch (error) {
        if (mine === generation.current) {
          setState((s) => ({ data: quiet ? s.data : null, error: error.message ?? String(error), loading: false }));
        }
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    deps,
  );
  useEffect(() => {
    run();
  }, [run]);
  return { ...state, reload: run };
}

/** `value`, once it has stopped changing for `ms` milliseconds (the search box asks once per pause). */
export function useDebounced(value, ms) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
