import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * HMAC keys for the form's signed timestamp and the confirmation token. They are derived from the
 * service token every site instance already shares with the extranet, so several instances accept
 * each other's forms without a new secret to distribute. Without a token (a misconfigured dev
 * machine), a per-process key still works for a single instance.
 */
export function deriveKey(secret: string | undefined, purpose: 'form-stamp' | 'confirmation'): Buffer {
  const base = secret && secret.length > 0 ? secret : processKey;
  return createHmac('sha256', base).update(`maillage:site:${purpose}:v1`).digest();
}
const processKey = randomBytes(32).toString('hex');

export function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function verify(key: Buffer, payload: string, signature: string): boolean {
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
