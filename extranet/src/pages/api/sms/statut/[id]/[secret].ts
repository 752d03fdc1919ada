import { bodyTooLarge } from '@maillage/platform/body-limit';
import type { APIRoute } from 'astro';
import { applyDeliveryReport, deliveryReportSchema } from '../../../../../features/sms/sms.service.ts';
import { json } from '../../../../../lib/http.ts';

/** A delivery report is a few hundred bytes; a reply at most a few SMS long. */
const MAX_REPORT_BYTES = 16 * 1024;
let refusedMismatches = 0;

/**
 * The SMS provider's delivery reports and replies, one URL per message: its id and a 32-byte secret
 * (only the secret's SHA-256 is stored, compared in constant time). An unknown id or secret is a
 * 404 that says nothing; a replay changes nothing and is answered 200 (the provider stops retrying).
 */
export const POST: APIRoute = async ({ request, params, locals }) => {
  if (await bodyTooLarge(request, MAX_REPORT_BYTES))
    return json({ error: 'too-large' }, 413, { connection: 'close' });
  const id = Number(params.id);
  const secret = params.secret ?? '';
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647 || !/^[\w-]{43}$/.test(secret))
    return json({ error: 'not-found' }, 404);
  const raw = await request.text().catch(() => '');
  if (raw.length > MAX_REPORT_BYTES) return json({ error: 'too-large' }, 413, { connection: 'close' });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return json({ error: 'invalid' }, 400);
  }
  const report = deliveryReportSchema.safeParse(body);
  if (!report.success) return json({ error: 'invalid' }, 400);
  const outcome = await applyDeliveryReport(locals.runtime.db, { id, secret, report: report.data });
  if (outcome === 'not-found') return json({ error: 'not-found' }, 404);
  if (outcome === 'mismatch') {
    // Never the number nor the message: only how many were refused since the start.
    refusedMismatches++;
    console.warn(
      `[sms] compte rendu refusé : numéro différent de celui du message (${refusedMismatches} depuis le démarrage)`,
    );
    return json({ error: 'mismatch' }, 422);
  }
  return json({ ok: true, changed: outcome === 'applied' });
};
