import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Auth } from './auth.ts';
import {
  ACCOUNT_POLICY,
  accountKey,
  checkThrottle,
  clearThrottle,
  IP_POLICY,
  ipKey,
  recordFailure,
} from './throttle.ts';

export type SignInOutcome =
  | { kind: 'signed-in'; headers: Headers }
  | { kind: 'two-factor'; headers: Headers }
  | { kind: 'refused'; message: string; status: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function minutesUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 60_000));
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
  const keys = [
    { key: accountKey(input.email), policy: ACCOUNT_POLICY },
    { key: ipKey(input.ip), policy: IP_POLICY },
  ];
  const verdict = await checkThrottle(db, keys);
  if (verdict.blockedUntil) {
    return {
      kind: 'refused',
      status: 429,
      message: `Trop de tentatives de connexion. Réessayez dans ${minutesUntil(verdict.blockedUntil)} minute(s), ou choisissez « Mot de passe oublié ».`,
    };
  }
  if (verdict.delayMs) await sleep(verdict.delayMs);

  const headers = new Headers(input.headers);
  headers.delete('content-type');
  headers.delete('content-length');
  const res = await auth.api
    .signInEmail({
      body: { email: input.email, password: input.password, rememberMe: true },
      headers,
      asResponse: true,
    })
    .catch(() => null);
  if (!res || !res.ok) {
    await recordFailure(db, keys);
    return { kind: 'refused', status: 401, message: 'Adresse e-mail ou mot de passe incorrect.' };
  }
  const body = (await res.json().catch(() => ({}))) as { twoFactorRedirect?: boolean };
  await clearThrottle(db, keys[0]!.key);
  return { kind: body.twoFactorRedirect ? 'two-factor' : 'signed-in', headers: res.headers };
}
