import { sign, verify } from './signing.ts';

/**
 * Bots are stopped without a CAPTCHA by three cheap checks, in this order:
 * 1. a honeypot field that people never see nor fill;
 * 2. a minimum fill time, measured from a timestamp the server signed when it rendered the form;
 * 3. a per-IP rate limit (rate-limit.ts).
 * A filled honeypot (what only a robot fills) gets the same neutral "thank you" page as anyone and
 * nothing is stored. A form sent too fast is shown again, answers kept, to be confirmed: browser
 * autofill makes a fast person ordinary.
 */

/** Name of the honeypot input: tempting for form-filling bots, hidden from people. */
export const HONEYPOT_FIELD = 'site_web';
export const STAMP_FIELD = 'formStamp';

/** Nobody reads and fills even the short call-back form in under 3 seconds. */
export const MIN_FILL_MS = 3_000;
/** After a day the form is stale: it is shown again (values kept) with a fresh stamp. */
const MAX_FORM_AGE_MS = 24 * 60 * 60 * 1000;

export function issueStamp(key: Buffer, now = Date.now()): string {
  const at = String(now);
  return `${at}.${sign(key, at)}`;
}

export type StampCheck = 'ok' | 'too-fast' | 'expired' | 'invalid';

export function checkStamp(key: Buffer, stamp: unknown, now = Date.now()): StampCheck {
  if (typeof stamp !== 'string') return 'invalid';
  const [at, signature] = stamp.split('.');
  if (!at || !signature || !/^\d{10,16}$/.test(at) || !verify(key, at, signature)) return 'invalid';
  const age = now - Number(at);
  if (age < MIN_FILL_MS) return 'too-fast';
  if (age > MAX_FORM_AGE_MS) return 'expired';
  return 'ok';
}

export function honeypotFilled(form: FormData): boolean {
  const v = form.get(HONEYPOT_FIELD);
  return typeof v === 'string' && v.trim() !== '';
}
