/**
 * Per-IP rate limit for the registration forms, kept in memory.
 *
 * Why in memory: design.md allows state that is "safe to lose"; a rate limit is exactly that (a
 * restart forgets counts, which only lets a few more requests through). The limit is therefore
 * per instance: with N site instances behind a load balancer a client can at most do N times the
 * limit, which is still enough to stop a flood. The extranet's idempotency key and its unique
 * constraints keep the data right whatever gets through. Counting in the extranet's database
 * would make every form post cost a database write on the personal-data side for no gain.
 */
export interface RateLimiter {
  /** Counts one hit for `key`; false when the limit is exceeded (the hit is not counted then). */
  hit(key: string, now?: number): boolean;
  reset(): void;
}

export function createRateLimiter(opts: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  const hits = new Map<string, number[]>();
  const maxKeys = opts.maxKeys ?? 50_000;
  return {
    hit(key, now = Date.now()) {
      const since = now - opts.windowMs;
      const list = (hits.get(key) ?? []).filter((t) => t > since);
      if (list.length >= opts.limit) {
        hits.set(key, list);
        return false;
      }
      list.push(now);
      hits.delete(key); // re-insert: Map order then tracks recency for the eviction below
      hits.set(key, list);
      if (hits.size > maxKeys) {
        const oldest = hits.keys().next().value;
        if (oldest !== undefined) hits.delete(oldest);
      }
      return true;
    },
    reset() {
      hits.clear();
    },
  };
}

/** IPv4 as is; IPv6 grouped by /64 (one household or phone gets a whole /64). */
export function ipKey(address: string | undefined | null): string {
  if (!address) return 'unknown';
  const ip = address.replace(/^::ffff:/, '');
  if (!ip.includes(':')) return ip;
  const [head] = ip.split('%');
  const parts = (head ?? '').split('::');
  const left = (parts[0] ?? '').split(':').filter(Boolean);
  const right = parts.length > 1 ? (parts[1] ?? '').split(':').filter(Boolean) : [];
  const full = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
