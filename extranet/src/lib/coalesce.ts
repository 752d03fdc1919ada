/**
 * Runs `task` one at a time, and never misses a request: a call while a run is under way does not
 * join that run (it may have read its source before the change the caller was told about, e.g. a
 * CMS publish during a refresh) but waits for exactly one more run, started as soon as the current
 * one ends. Every call made during the same run shares that one follow-up run.
 */
export function coalesce<T>(task: () => Promise<T>): () => Promise<T> {
  let running = false;
  let followUp: PromiseWithResolvers<T> | null = null;

  const run = (): Promise<T> => {
    running = true;
    return (async () => {
      try {
        return await task();
      } finally {
        running = false;
        // Handed over here, synchronously: no call can slip in between and start a second run.
        const waiting = followUp;
        followUp = null;
        if (waiting) run().then(waiting.resolve, waiting.reject);
      }
    })();
  };

  return () => {
    if (!running) return run();
    followUp ??= Promise.withResolvers<T>();
    return followUp.promise;
  };
}
