import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { findUserIdByEmail } from './auth.repository.ts';
import type { Auth } from './auth.ts';
import {
  ACCOUNT_POLICY,
  accountKey,
  checkThrottle,
  clearThrottle,
  IP_POLICY,
  ipKey,
  recordFailure,
  type ThrottlePolicy,
} from './throttle.service.ts';

export type SignInOutcome =
  | { kind: 'signed-in'; headers: Headers }
  | { kind: 'two-factor'; headers: Headers }
  | { kind: 'refused'; message: string; status: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function minutesUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 60_000));
}

type ThrottleKeys = { key: string; policy: ThrottlePolicy }[];

function throttleKeys(email: string, ip: string): ThrottleKeys {
  return [
    { key: accountKey(email), policy: ACCOUNT_POLICY },
    { key: ipKey(ip), policy: IP_POLICY },
  ];
}

/**
 * Runs a password check under the sign-in throttle: the attempt waits the delay earned by earlier
 * failures of this account or address, an address that keeps failing is refused for a while (an
 * account never is: its owner's right password always gets through), a failure is counted and a
 * success clears the account's counter. Returns how long the address is refused, or the check's
 * answer.
 */
export async function throttledPasswordCheck(
  db: Kysely<Database>,
  who: { email: string; ip: string },
  check: () => Promise<boolean>,
): Promise<{ ok: boolean } | { refusedMinutes: number }> {
  const keys = throttleKeys(who.email, who.ip);
  const verdict = await checkThrottle(db, keys);
  if (verdict.blockedUntil) return { refusedMinutes: minutesUntil(verdict.blockedUntil) };
  if (verdict.delayMs) await sleep(verdict.delayMs);
  const ok = await check().catch(() => false);
  if (ok) await clearThrottle(db, keys[0]!.key);
  else await recordFailure(db, keys);
  return { ok };
}

export function tooManyAttempts(minutes: number): string {
  return `Trop de tentatives depuis votre connexion. Réessayez dans ${minutes} minute(s), ou choisissez « Mot de passe oublié ».`;
}

/**
 * Email + password sign-in with throttling per account and per IP. The same message for an unknown
 * email and a wrong password, so the form does not reveal who has an account.
 */
export async function signInWithPassword(
  db: Kysely<Database>,
  auth: Auth,
  input: { email: string; password: string; ip: string; headers: Headers },
): Promise<SignInOutcome> {
  const headers = new Headers(input.headers);
  headers.delete('content-type');
  headers.delete('content-length');
  const got: { res?: Response | null } = {};
  const verdict = await throttledPasswordCheck(db, input, async () => {
    got.res = await auth.api
      .signInEmail({
        body: { email: input.email, password: input.password, rememberMe: true },
        headers,
        asResponse: true,
      })
      .catch(() => null);
    return Boolean(got.res?.ok);
  });
  if ('refusedMinutes' in verdict)
    return { kind: 'refused', status: 429, message: tooManyAttempts(verdict.refusedMinutes) };
  const signedIn = got.res;
  if (!verdict.ok || !signedIn)
    return { kind: 'refused', status: 401, message: 'Adresse e-mail ou mot de passe incorrect.' };
  const body = (await signedIn.json().catch(() => ({}))) as { twoFactorRedirect?: boolean };
  return { kind: body.twoFactorRedirect ? 'two-factor' : 'signed-in', headers: signedIn.headers };
}

/**
 * Sign-in successes and failures in the audit log.
 *
 * A failure keeps which account was aimed at (its id) when the address is one of ours, and
 * nothing at all about the address otherwise: not even a hash. A hash of an e-mail address is
 * still personal data (anyone can hash a guessed address and compare, and staff addresses follow
 * a pattern), and it would keep the typos of passers-by; the account id is all an admin needs to
 * see that someone is trying an account. The password is never stored in any form.
 */
export async function auditSignIn(
  db: Kysely<Database>,
  input:
    | {
        step: 'password';
        email: string;
        ok: boolean;
        reason?: 'wrong-credentials' | 'throttled' | 'demo-refused';
      }
    | { step: 'code'; userId: string | null; ok: boolean; backupCode: boolean },
): Promise<void> {
  let userId: string | null;
  if (input.step === 'password') {
    const user = await findUserIdByEmail(db, input.email);
    userId = user?.id ?? null;
  } else {
    userId = input.userId;
  }
  if (input.ok) {
    await audit(db, {
      actorId: userId,
      action: 'auth.signin',
      entityType: 'user',
      entityId: userId,
      details: { step: input.step, ...(input.step === 'code' ? { backupCode: input.backupCode } : {}) },
    });
    return;
  }
  await audit(db, {
    actorId: null,
    action: 'auth.signin-failed',
    entityType: 'user',
    entityId: userId,
    details:
      input.step === 'password'
        ? { step: 'password', reason: input.reason ?? 'wrong-credentials', knownAccount: userId !== null }
        : { step: 'code', backupCode: input.backupCode },
  });
}
