import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type DbKind, isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { type Auth, INVITATION_SECONDS } from '../auth/auth.ts';
import { passwordProblem } from '../auth/passwords.rules.ts';
import { accountKey, clearThrottle } from '../auth/throttle.service.ts';
import { forgetUser } from '../auth/viewer-cache.ts';
import { sendMail } from '../mail/mail.service.ts';
import { invitationMail } from '../mail/templates.ts';
import {
  deleteSessions,
  findAccount,
  findAccountIdByEmail,
  getAccountContact,
  insertCredential,
  insertUser,
  replaceUserTerritories,
  selectAccountIdsWithPassword,
  selectAccounts,
  selectTerritoryLinks,
  selectUserTerritories,
  updateDisabled,
} from './accounts.repository.ts';

export class AccountExistsError extends Error {
  constructor() {
    super('account exists');
  }
}

export async function listAccounts(db: Kysely<Database>) {
  const users = await selectAccounts(db);
  const links = await selectTerritoryLinks(db);
  const hasPassword = new Set(await selectAccountIdsWithPassword(db));
  return users.map((u) => ({
    ...u,
    disabled: Boolean(u.disabled),
    twoFactorEnabled: Boolean(u.twoFactorEnabled),
    invited: !hasPassword.has(u.id),
    territories: links.filter((l) => l.user_id === u.id).map((l) => l.territory),
  }));
}

export async function userTerritories(db: Kysely<Database>, userId: string): Promise<string[]> {
  return selectUserTerritories(db, userId);
}

export async function setTerritories(
  db: Kysely<Database>,
  actorId: string,
  userId: string,
  territories: string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await selectUserTerritories(trx, userId, true);
    await replaceUserTerritories(trx, userId, territories);
    await audit(trx, {
      actorId,
      action: 'account.territories',
      entityType: 'user',
      entityId: userId,
      details: { territories, before },
    });
  });
  forgetUser(userId);
}

/** Sends (again) the link that lets an invited person choose a password. */
async function sendInvitation(
  db: Kysely<Database>,
  auth: Auth,
  userId: string,
  baseURL: string,
): Promise<void> {
  const user = await getAccountContact(db, userId);
  const token = randomBytes(24).toString('base64url');
  const ctx = await auth.$context;
  // Same token format as better-auth's password reset, so the reset endpoint sets the password.
  await ctx.internalAdapter.createVerificationValue({
    identifier: `reset-password:${token}`,
    value: userId,
    expiresAt: new Date(Date.now() + INVITATION_SECONDS * 1000),
  });
  const link = new URL(`/mot-de-passe?token=${encodeURIComponent(token)}&bienvenue=1`, baseURL).toString();
  await sendMail(db, invitationMail(user.email, user.name, link));
}

/** An admin sends the invitation again: recorded, like every change to an account. */
export async function resendInvitation(
  db: Kysely<Database>,
  auth: Auth,
  actorId: string,
  userId: string,
  baseURL: string,
): Promise<void> {
  await sendInvitation(db, auth, userId, baseURL);
  await audit(db, { actorId, action: 'account.reinvite', entityType: 'user', entityId: userId });
}

export async function inviteUser(
  db: Kysely<Database>,
  kind: DbKind,
  auth: Auth,
  input: {
    actorId: string | null;
    email: string;
    name: string;
    role: 'admin' | 'advisor';
    territories: string[];
    baseURL: string;
  },
): Promise<string> {
  const email = input.email.trim().toLowerCase();
  const id = randomBytes(16).toString('hex');
  const exists = await findAccountIdByEmail(db, email);
  if (exists) throw new AccountExistsError();
  try {
    await db.transaction().execute(async (trx) => {
      await insertUser(trx, kind, { ...input, id, email, name: input.name.trim() });
      await audit(trx, {
        actorId: input.actorId,
        action: 'account.invite',
        entityType: 'user',
        entityId: id,
        details: { role: input.role },
      });
    });
  } catch (error) {
    // Two admins inviting the same address at once: the second is told the account exists.
    if (isUniqueViolation(error)) throw new AccountExistsError();
    throw error;
  }
  await sendInvitation(db, auth, id, input.baseURL);
  return id;
}

/** Disabling an account ends all its sessions at once. */
export async function setDisabled(
  db: Kysely<Database>,
  kind: DbKind,
  actorId: string,
  userId: string,
  disabled: boolean,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await updateDisabled(trx, kind, userId, disabled);
    if (disabled) await deleteSessions(trx, userId);
    await audit(trx, {
      actorId,
      action: disabled ? 'account.disable' : 'account.enable',
      entityType: 'user',
      entityId: userId,
    });
  });
  forgetUser(userId);
}

/** Creates an account with a known password (demo accounts only). */
export async function ensureUserWithPassword(
  db: Kysely<Database>,
  kind: DbKind,
  auth: Auth,
  input: { email: string; name: string; role: 'admin' | 'advisor'; territories: string[]; password: string },
): Promise<void> {
  const found = await findAccountIdByEmail(db, input.email);
  if (found) return;
  const id = randomBytes(16).toString('hex');
  const ctx = await auth.$context;
  const hash = await ctx.password.hash(input.password);
  // Two instances starting together may both try: the loser finds the account made.
  try {
    await db.transaction().execute(async (trx) => {
      await insertUser(trx, kind, { ...input, id });
      await insertCredential(trx, kind, { id: randomBytes(16).toString('hex'), userId: id, hash });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

/** A new password set, or why it was refused (in French, for the form). */
export type PasswordResetResult = { ok: true } | { ok: false; error: string };

const EXPIRED_LINK = 'Ce lien n’est plus valable. Demandez un nouveau lien avec « Mot de passe oublié ».';

/**
 * Sets a new password from a reset or invitation link: the token must still be valid, the password
 * acceptable (passwords.rules.ts) and typed twice the same. better-auth checks the token again, stores
 * the hash and ends every session of the account; earlier wrong passwords stop slowing the account
 * down (whoever held the link owns the mailbox). Audited.
 */
export async function resetPassword(
  db: Kysely<Database>,
  auth: Auth,
  input: { token: string; password: string; confirmation: string },
): Promise<PasswordResetResult> {
  const ctx = await auth.$context;
  const verification = input.token
    ? await ctx.internalAdapter.findVerificationValue(`reset-password:${input.token}`)
    : null;
  // better-auth dates its tokens on the machine's clock, not the app's (@maillage/platform/clock).
  const userId = verification && new Date(verification.expiresAt) > new Date() ? verification.value : null;
  const user = userId ? await findAccount(db, userId) : undefined;
  if (!user) return { ok: false, error: EXPIRED_LINK };
  const problem =
    passwordProblem(input.password, user.email) ??
    (input.password !== input.confirmation ? 'Les deux mots de passe ne sont pas identiques.' : null);
  if (problem) return { ok: false, error: problem };
  const res = await auth.api
    .resetPassword({ body: { newPassword: input.password, token: input.token } })
    .catch(() => null);
  if (!res?.status) return { ok: false, error: EXPIRED_LINK };
  forgetUser(user.id);
  await clearThrottle(db, accountKey(user.email));
  await audit(db, {
    actorId: user.id,
    action: 'account.password-reset',
    entityType: 'user',
    entityId: user.id,
  });
  return { ok: true };
}
