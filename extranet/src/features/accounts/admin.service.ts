import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import type { Auth } from '../auth/auth.ts';
import { findAccount } from './accounts.repository.ts';
import { territoriesField } from './accounts.rules.ts';
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
export class UnknownTerritoryError extends Error {}

/** AccountNotFoundError unless the account exists. */
async function accountExists(deps: Pick<AccountAdminDeps, 'db'>, id: string): Promise<void> {
  if (!(await findAccount(deps.db, id))) throw new AccountNotFoundError();
}

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
  await accountExists(deps, id);
  if (id === actorId) throw new OwnAccountError();
  await setDisabled(deps.db, deps.kind, actorId, id, disabled);
}

/** The territories an account follows: the account first (404), then territories the CMS copy knows. */
export async function setAccountTerritories(
  deps: AccountAdminDeps,
  actorId: string,
  id: string,
  territories: string[],
): Promise<void> {
  await accountExists(deps, id);
  const known = territoriesField().safeParse(territories);
  if (!known.success) throw new UnknownTerritoryError();
  await setTerritories(deps.db, actorId, id, known.data);
}

/** The invitation sent again (a new link). */
export async function reinviteAccount(deps: AccountAdminDeps, actorId: string, id: string): Promise<void> {
  await accountExists(deps, id);
  await resendInvitation(deps.db, deps.auth, actorId, id, deps.baseURL);
}
