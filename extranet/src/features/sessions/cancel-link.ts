import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { addDays, nowMs, parisInstant } from '@maillage/platform/clock';

/**
 * "Je ne peux pas venir": a link in the confirmation and reminder e-mails that lets the person free
 * their place without signing in. The token is `<registration id>.<expiry, unix seconds>.<HMAC>`:
 * no personal data in the URL, and only the registration it was signed for can be cancelled. The
 * key is derived from the extranet's secret (BETTER_AUTH_SECRET), so every instance checks it.
 */
export const CANCEL_PATH = '/je-ne-peux-pas-venir';
const TOKEN = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

function key(secret: string): Buffer {
  return createHash('sha256').update(`maillage-cancel-link:${secret}`).digest();
}

function signature(secret: string, registrationId: number, expires: number): string {
  return createHmac('sha256', key(secret))
    .update(`cancel:${registrationId}.${expires}`)
    .digest('base64url')
    .slice(0, 22);
}

/** The link stays valid until the end of the session's last day (Paris), 60 days without dates. */
export function cancelLinkExpiry(lastSlotDate: string | null | undefined): number {
  const at = lastSlotDate ? parisInstant(addDays(lastSlotDate, 1)).getTime() : nowMs() + 60 * 86_400_000;
  return Math.floor(at / 1000);
}

export function signCancelToken(secret: string, registrationId: number, expires: number): string {
  return `${registrationId}.${expires}.${signature(secret, registrationId, expires)}`;
}

export function cancelUrl(
  secret: string,
  extranetUrl: string,
  registrationId: number,
  lastSlotDate: string | null | undefined,
): string {
  const url = new URL(CANCEL_PATH, extranetUrl);
  url.searchParams.set('t', signCancelToken(secret, registrationId, cancelLinkExpiry(lastSlotDate)));
  return url.toString();
}

export type CancelTokenCheck =
  | { ok: true; registrationId: number }
  | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a token: forged or altered → invalid; past its expiry → expired. */
export function verifyCancelToken(secret: string, token: string | null | undefined): CancelTokenCheck {
  const m = TOKEN.exec(token ?? '');
  if (!m) return { ok: false, reason: 'invalid' };
  const registrationId = Number(m[1]);
  const expires = Number(m[2]);
  const expected = Buffer.from(signature(secret, registrationId, expires));
  const given = Buffer.from(m[3] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'invalid' };
  if (expires * 1000 <= nowMs()) return { ok: false, reason: 'expired' };
  return { ok: true, registrationId };
}
