import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Body of the CMS webhook (docs/contracts.md). */
export const webhookBody = z.object({
  event: z.string().max(100),
  model: z.string().max(100),
  documentId: z.string().max(100).nullish(),
  at: z.string().max(40).optional(),
});

export const WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Still spend the same time as a real comparison.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** Checks the HMAC signature and that the timestamp is less than 5 minutes old. */
export function verifyWebhook(input: {
  secret: string | undefined;
  timestamp: string | null;
  signature: string | null;
  rawBody: string;
  now?: number;
}): boolean {
  const { secret, timestamp, signature, rawBody } = input;
  if (!secret || !timestamp || !signature || !/^\d{1,16}$/.test(timestamp)) return false;
  const age = (input.now ?? Date.now()) - Number(timestamp);
  if (Math.abs(age) > WEBHOOK_MAX_AGE_MS) return false;
  return safeEqual(signWebhook(secret, timestamp, rawBody), signature);
}

/**
 * Signatures already accepted, kept in memory until they expire, to refuse a replayed webhook.
 *
 * Per instance, and lost on restart: the site has no database, and here that is safe. The only
 * effect of this webhook is emptying the content cache, so a replay that reaches another instance
 * (or this one after a restart) at worst empties a cache once more; it can never change content.
 * The extranet, whose webhook triggers work, keeps its list in its database instead.
 */
export function createReplayGuard(maxEntries = 10_000) {
  const seen = new Map<string, number>();
  return {
    /** true the first time a signature is seen before `validUntilMs`, false for a replay */
    first(signature: string, validUntilMs: number, now = Date.now()): boolean {
      for (const [key, until] of seen) if (until < now) seen.delete(key);
      if (seen.has(signature)) return false;
      if (seen.size >= maxEntries) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      seen.set(signature, validUntilMs);
      return true;
    },
  };
}
