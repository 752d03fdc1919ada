import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import {
  deleteThrottle,
  findThrottleRows,
  setThrottleBlockedUntil,
  upsertThrottleFailure,
} from './auth.repository.ts';

/**
 * Sign-in throttling, stored in the database so that several instances share it.
 *
 * Per account and per IP address (IPv6 grouped by /64): after a few failures each new attempt is
 * slowed down by a delay that doubles with each further failure (capped). An account is never
 * refused: refusing it would let anyone lock an advisor out by typing wrong passwords, so its
 * owner's right password always gets through, only later. An address that keeps failing is refused
 * for a period that doubles with each further failure, capped at one hour. Nothing is permanent:
 * failures are forgotten a day after the last one, and a successful sign-in or password reset
 * clears the account's counter.
 */
export interface ThrottlePolicy {
  /** failures before attempts are slowed down */
  slowAfter: number;
  /** failures before attempts are refused for a while (never, when absent) */
  blockAfter?: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { slowAfter: 2 };
export const IP_POLICY: ThrottlePolicy = { slowAfter: 10, blockAfter: 30 };
const FORGET_AFTER_MS = 24 * 3600_000;
const MAX_BLOCK_MS = 3600_000;
const MAX_DELAY_MS = 8000;

/** IPv4 as is; IPv6 reduced to its /64 network (one household or office). */
export function ipKey(ip: string): string {
  const clean = ip.replace(/^::ffff:/, '');
  if (!isIPv6(clean)) return `ip:${clean}`;
  const [head, tail = ''] = clean.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = clean.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : clean.split(':');
  return `ip6:${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

/** The account key never holds the email itself (personal data): a hash of it. */
export function accountKey(email: string): string {
  return `acct:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32)}`;
}

export interface ThrottleVerdict {
  /** ms to wait before checking the password */
  delayMs: number;
  /** when set, refuse the attempt until then */
  blockedUntil: Date | null;
}

export async function checkThrottle(
  db: Kysely<Database>,
  keys: { key: string; policy: ThrottlePolicy }[],
  now = new Date(),
): Promise<ThrottleVerdict> {
  const rows = await findThrottleRows(
    db,
    keys.map((k) => k.key),
  );
  let delayMs = 0;
  let blockedUntil: Date | null = null;
  for (const { key, policy } of keys) {
    const row = rows.find((r) => r.key === key);
    if (!row || now.getTime() - Date.parse(row.last_failure_at) > FORGET_AFTER_MS) continue;
    if (
      policy.blockAfter !== undefined &&
      row.blocked_until &&
      Date.parse(row.blocked_until) > now.getTime()
    ) {
      const until = new Date(row.blocked_until);
      if (!blockedUntil || until > blockedUntil) blockedUntil = until;
    }
    if (row.failures >= policy.slowAfter) {
      delayMs = Math.max(delayMs, Math.min(MAX_DELAY_MS, 1000 * 2 ** (row.failures - policy.slowAfter)));
    }
  }
  return { delayMs, blockedUntil };
}

export async function recordFailure(
  db: Kysely<Database>,
  keys: { key: string; policy: ThrottlePolicy }[],
  now = new Date(),
): Promise<void> {
  const nowIso = now.toISOString();
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
  for (const { key, policy } of keys) {
    const row = await upsertThrottleFailure(db, { key, nowIso, forgetBefore });
    const failures = Number(row.failures);
    if (policy.blockAfter !== undefined && failures >= policy.blockAfter) {
      const ms = Math.min(MAX_BLOCK_MS, 60_000 * 2 ** (failures - policy.blockAfter));
      await setThrottleBlockedUntil(db, key, new Date(now.getTime() + ms).toISOString());
    }
  }
}

export async function clearThrottle(db: Kysely<Database>, key: string): Promise<void> {
  await deleteThrottle(db, key);
}
