import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_BODY_BYTES } from '@maillage/platform/body-limit';
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { firstDelivery } from '../../features/webhooks/webhooks.repository.ts';
import { json } from '../../lib/http.ts';

const MAX_AGE_MS = 5 * 60_000;
const payload = z.object({
  event: z.string().max(100),
  model: z.string().max(100),
  documentId: z.string().max(100).optional(),
  at: z.string().max(40).optional(),
});

/** Verifies `sha256=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>` in constant time. */
export function verifySignature(
  secret: string,
  timestamp: string | null,
  rawBody: string,
  signature: string | null,
  now = Date.now(),
): boolean {
  if (!timestamp || !signature || !/^\d{10,16}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > MAX_AGE_MS) return false;
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The CMS tells us content changed: refresh the copy of events when an event (or territory/program) changed. */
export const POST: APIRoute = async ({ request, locals }) => {
  const rt = locals.runtime;
  const raw = await request.text().catch(() => '');
  const secret = rt.config.webhookSecret;
  if (
    !secret ||
    raw.length > MAX_BODY_BYTES ||
    !verifySignature(
      secret,
      request.headers.get('x-maillage-timestamp'),
      raw,
      request.headers.get('x-maillage-signature'),
    )
  ) {
    return json({ error: 'unauthorized' }, 401);
  }
  // A valid signature is accepted once: a captured webhook replayed within its 5 minutes is refused.
  const timestamp = Number(request.headers.get('x-maillage-timestamp'));
  const signature = request.headers.get('x-maillage-signature') as string;
  if (!(await firstDelivery(rt.db, signature, timestamp + MAX_AGE_MS)))
    return json({ error: 'replay', message: 'Notification déjà reçue.' }, 409);
  let body: unknown = null;
  try {
    body = JSON.parse(raw);
  } catch {
    // handled below
  }
  const parsed = payload.safeParse(body);
  if (!parsed.success) return json({ error: 'invalid' }, 400);
  if (!['event', 'program', 'territory'].includes(parsed.data.model)) return json({ refreshed: false }, 200);
  const refreshed = await rt.refreshEvents();
  return json({ refreshed }, refreshed ? 200 : 202);
};
