/**
 * Runs `work` once after `firstDelayMs`, then every `intervalMs`, never twice at once in this
 * process (a slow run makes the next tick wait, not pile up). Errors are logged under `label` with
 * their message only and the next tick tries again. Timers are unref'd: they never keep the
 * process alive. Jobs that must run once across instances claim their run in the database.
 */
export function startPeriodicJob(
  label: string,
  work: () => Promise<void>,
  options: { firstDelayMs: number; intervalMs: number },
): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } catch (error) {
      console.error(`[${label}] erreur :`, (error as Error).message);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), options.firstDelayMs);
  first.unref();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
