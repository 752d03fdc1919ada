import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import type { Auth } from '../auth/auth.ts';
import { findAccount } from './accounts.repository.ts';
import { inviteUser, resendInvitation, setDisabled, setTerritories } from './accounts.service.ts';

/**
 * The admin's account page (admin/comptes.astro, forms in actions/accounts.ts): invite, disable or
 * enable, change territories, send the invitation again — on an account that exists.
 */
export interface AccountAdminDeps {
  db: Kysely<Database>;
  kind: DbKind;
  auth: Auth;
  /** the extranet's address, for the invitation link */
  baseURL: string;
}

export class AccountNotFoundError extends Error {}
export class OwnAccountError extends Error {}

async function existing(db: Kysely<Database>, id: string): Promise<void> {
  if (!(await findAccount(db, id))) throw new AccountNotFoundError();
}

/** AccountNotFoundError unless the account exists. */
export const accountExists = (deps: AccountAdminDeps, id: string) => existing(deps.db, id);

/** Sends an invitation to a new account (AccountExistsError when the address has one). */
export async function inviteAccount(
  deps: AccountAdminDeps,
  actorId: string,
  input: { name: string; email: string; role: 'admin' | 'advisor'; territories: string[] },
): Promise<void> {
  await inviteUser(deps.db, deps.kind, deps.auth, { actorId, ...input, baseURL: deps.baseURL });
}

/** Disables or enables an account, never the admin's own. */
export async function setAccountDisabled(
  deps: AccountAdminDeps,
  actorId: string,
  id: string,
  disabled: boolean,
): Promise<void> {
  await existing(deps.db, id);
  if (id === actorId) throw new OwnAccountError();
  await setDisabled(deps.db, deps.kind, actorId, id, disabled);
}

/** The territories an account follows. */
export async function setAccountTerritories(
  deps: AccountAdminDeps,
  actorId: string,
  id: string,
  territories: string[],
): Promise<void> {
  await existing(deps.db, id);
  await setTerritories(deps.db, actorId, id, territories);
}

/** The invitation sent again (a new link). */
export async function reinviteAccount(deps: AccountAdminDeps, actorId: string, id: string): Promise<void> {
  await existing(deps.db, id);
  await resendInvitation(deps.db, deps.auth, actorId, id, deps.baseURL);
}
