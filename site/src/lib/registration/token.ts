import { z } from 'zod';
import { sign, verify } from './signing.ts';

/**
 * What the confirmation page may show, carried in a signed, short-lived token in its URL. It holds
 * no personal data: a reference (a counter), a status and the public slug of the event.
 */
const confirmationPayload = z.object({
  r: z.string().regex(/^MAI-\d{4}-\d{6}$/),
  s: z.enum(['received', 'waitlisted']),
  k: z.enum(['event', 'support', 'callback']),
  e: z.string().max(200).optional(),
  /** How the person prefers to be contacted (appel, sms, email): not identifying. */
  c: z.enum(['appel', 'sms', 'email', 'sms-email']).optional(),
  p: z.literal(1).optional(),
  x: z.number().int(),
});
export type ConfirmationPayload = z.infer<typeof confirmationPayload>;

const CONFIRMATION_TTL_MS = 6 * 60 * 60 * 1000;

export function signConfirmation(
  key: Buffer,
  data: Omit<ConfirmationPayload, 'x'>,
  now = Date.now(),
): string {
  const body = Buffer.from(JSON.stringify({ ...data, x: now + CONFIRMATION_TTL_MS })).toString('base64url');
  return `${body}.${sign(key, body)}`;
}

export function readConfirmation(
  key: Buffer,
  token: string | null | undefined,
  now = Date.now(),
): ConfirmationPayload | null {
  if (!token || token.length > 1000) return null;
  const [body, signature] = token.split('.');
  if (!body || !signature || !verify(key, body, signature)) return null;
  try {
    const parsed = confirmationPayload.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.x < now) return null;
    return parsed.data;
  } catch {
    return null;
  }
}
