import { z } from 'zod';

/** What the personal-data page promised before the period became a setting (the extranet's default). */
export const DEFAULT_RETENTION_LABEL = '3 ans';

/** The placeholder an editor writes in a CMS page where the retention period must appear. */
export const RETENTION_PLACEHOLDER = '{durée de conservation}';

const answer = z.object({ months: z.number().int().positive(), label: z.string().min(1).max(40) });

/**
 * The retention period in force ("3 ans"), read from the extranet's public endpoint (no personal
 * data) and kept a minute. Down, slow or odd answer: the last known figure, else the default.
 */
export function createRetentionClient(opts: { baseUrl: string; timeoutMs?: number; ttlMs?: number }) {
  const base = opts.baseUrl.replace(/\/$/, '');
  const ttl = opts.ttlMs ?? 60_000;
  let memo: { at: number; label: string } | null = null;
  return async function retentionPeriod(): Promise<string> {
    if (memo && Date.now() - memo.at < ttl) return memo.label;
    let label = memo?.label ?? DEFAULT_RETENTION_LABEL;
    try {
      const res = await fetch(`${base}/api/public/retention`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 800),
      });
      if (res.ok) {
        const parsed = answer.safeParse(await res.json());
        if (parsed.success) label = parsed.data.label;
      } else {
        await res.body?.cancel();
      }
    } catch {
      // keep the last known figure
    }
    memo = { at: Date.now(), label };
    return label;
  };
}

/** Puts the period where the CMS text has the placeholder (HTML or plain text; the label is plain). */
export function fillRetention(text: string, label: string): string {
  const safe = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return text.split(RETENTION_PLACEHOLDER).join(safe);
}
