import type { APIRoute } from 'astro';
import { config, purgeAll } from '../../lib/context.ts';
import { purgeImagesFor } from '../../lib/images.ts';
import { createReplayGuard, verifyWebhook, WEBHOOK_MAX_AGE_MS, webhookBody } from '../../lib/webhook.ts';

const replays = createReplayGuard();

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

const MAX_BODY = 10_000;

/** CMS → site: signed notice that content changed (docs/contracts.md). Empties the content cache. */
export const POST: APIRoute = async ({ request }) => {
  const tooLarge = () => json(413, { error: 'Requête trop volumineuse.' });
  // Refused before reading when announced; a body without a length is checked once read.
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY) return tooLarge();
  const raw = await request.text();
  if (raw.length > MAX_BODY) return tooLarge();
  const ok = verifyWebhook({
    secret: config.webhookSecret,
    timestamp: request.headers.get('x-maillage-timestamp'),
    signature: request.headers.get('x-maillage-signature'),
    rawBody: raw,
  });
  if (!ok) return json(401, { error: 'Signature absente ou invalide.' });
  // In memory, per instance: see createReplayGuard for why that is enough for a cache purge.
  const timestamp = Number(request.headers.get('x-maillage-timestamp'));
  if (!replays.first(request.headers.get('x-maillage-signature') as string, timestamp + WEBHOOK_MAX_AGE_MS))
    return json(409, { error: 'Notification déjà reçue.' });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return json(400, { error: 'Le corps de la requête doit être du JSON.' });
  }
  const parsed = webhookBody.safeParse(body);
  if (!parsed.success) return json(400, { error: 'Notification du CMS au format inattendu.' });
  purgeAll();
  purgeImagesFor(parsed.data.event, parsed.data.model);
  console.info(`[cms-webhook] ${parsed.data.event} ${parsed.data.model}: cache vidé`);
  return json(200, { ok: true });
};

export const ALL: APIRoute = () => json(405, { error: 'Méthode non autorisée.' });
