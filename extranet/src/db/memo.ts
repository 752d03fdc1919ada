/**
 * A few seconds of in-process memory for data that every inbox view reads and that may be a
 * little stale (the session filter list, the "a place is free" banner). Safe to lose and local to
 * one instance, as the design asks of caches; cleared by this instance's own decisions.
 */
const entries = new Map<string, { at: number; value: Promise<unknown> }>();
const MAX = 500;

export function memo<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { at: now, value });
  // A failed load is not kept.
  value.catch(() => entries.delete(key));
  if (entries.size > MAX) entries.delete(entries.keys().next().value as string);
  return value;
}

export function clearMemo(): void {
  entries.clear();
}
