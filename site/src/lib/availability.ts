import { z } from 'zod';

export const availabilityEntry = z.object({
  capacity: z.number().int().nonnegative(),
  taken: z.number().int().nonnegative(),
  left: z.number().int().nonnegative(),
  waitlistOpen: z.boolean(),
  registrationOpen: z.boolean(),
});
export type Availability = z.infer<typeof availabilityEntry>;

/**
 * Places left for one event, from the extranet's public endpoint. Any failure (down, slow, 404,
 * unexpected answer) gives `null`: the page then shows the capacity without a count.
 */
export function createAvailabilityClient(opts: { baseUrl: string; timeoutMs?: number; ttlMs?: number }) {
  const base = opts.baseUrl.replace(/\/$/, '');
  const ttl = opts.ttlMs ?? 10_000;
  const memo = new Map<string, { at: number; value: Availability | null }>();
  return async function availability(documentId: string): Promise<Availability | null> {
    const hit = memo.get(documentId);
    if (hit && Date.now() - hit.at < ttl) return hit.value;
    let value: Availability | null = null;
    try {
      const res = await fetch(`${base}/api/public/availability/${encodeURIComponent(documentId)}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 800),
      });
      if (res.ok) {
        const body: unknown = await res.json();
        // Accept either the bare entry or {"events":{"<id>":entry}}.
        const direct = availabilityEntry.safeParse(body);
        const wrapped = z.object({ events: z.record(z.string(), availabilityEntry) }).safeParse(body);
        value = direct.success
          ? direct.data
          : wrapped.success
            ? (wrapped.data.events[documentId] ?? null)
            : null;
      } else {
        await res.body?.cancel();
      }
    } catch {
      value = null;
    }
    memo.set(documentId, { at: Date.now(), value });
    if (memo.size > 2000) memo.clear();
    return value;
  };
}
