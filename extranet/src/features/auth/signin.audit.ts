import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';

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
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', input.email)
      .executeTakeFirst();
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
