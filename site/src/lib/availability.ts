import { type AvailabilityEntry, availabilityEntry } from '@maillage/contract';
import { nowMs } from '@maillage/platform/clock';

/**
 * Places left for one event, from the extranet's public endpoint. Any failure (down, slow, 404,
 * unexpected answer) gives `null`: the page then shows the capacity without a count.
 */
export function createAvailabilityClient(opts: { baseUrl: string; timeoutMs?: number; ttlMs?: number }) {
  const base = opts.baseUrl.replace(/\/$/, '');
  const ttl = opts.ttlMs ?? 10_000;
  const memo = new Map<string, { at: number; value: AvailabilityEntry | null }>();
  return async function availability(documentId: string): Promise<AvailabilityEntry | null> {
    const hit = memo.get(documentId);
    if (hit && nowMs() - hit.at < ttl) return hit.value;
    let value: AvailabilityEntry | null = null;
    try {
      const res = await fetch(`${base}/api/public/availability/${encodeURIComponent(documentId)}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 800),
      });
      if (res.ok) {
        // The extranet's answer for one event, validated by the contract it is written against.
        const parsed = availabilityEntry.safeParse(await res.json());
        value = parsed.success ? parsed.data : null;
      } else {
        await res.body?.cancel();
      }
    } catch {
      value = null;
    }
    memo.set(documentId, { at: nowMs(), value });
    if (memo.size > 2000) memo.clear();
    return value;
  };
}
