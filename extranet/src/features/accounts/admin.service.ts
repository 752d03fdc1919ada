import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import type { Auth } from '../auth/auth.ts';
import { knownTerritories } from '../territories/territories.ts';
import { findAccount } from './accounts.repository.ts';
import {
  AccountExistsError,
  inviteUser,
  resendInvitation,
  setDisabled,
  setTerritories,
} from './accounts.service.ts';

/**
 * The admin's account page (admin/comptes.astro): one call per form sent — invite, disable or
 * enable, change territories, send the invitation again. Every input checked here; the answer says
 * where to go next, or what to show again with its French messages.
 */

/** What the page's forms send (as typed: the invite form is shown again with them on an error). */
export interface AccountForm {
  action: string;
  user: string;
  name: string;
  email: string;
  role: string;
  territories: string[];
}

export interface InviteValues {
  name: string;
  email: string;
  role: string;
  territories: string[];
}

export type AccountActionResult =
  | { ok: true; redirect: string }
  | { ok: false; status: 400 | 404; errors: Record<string, string>; values: InviteValues };

export interface AccountAdminDeps {
  db: Kysely<Database>;
  kind: DbKind;
  auth: Auth;
  /** the extranet's address, for the invitation link */
  baseURL: string;
}

export const EMPTY_INVITE: InviteValues = { name: '', email: '', role: 'advisor', territories: [] };

/**
 * Territories known now (the CMS copy, read at each call: a territory added in the CMS is offered),
 * the ones it no longer publishes included, so saving an advisor does not silently drop one.
 */
const territoriesField = () => {
  const slugs = knownTerritories().map((t) => t.slug);
  return z.array(z.enum(slugs as [string, ...string[]], { error: 'Territoire inconnu.' }));
};

const inviteForm = () =>
  z.object({
    name: z.string().trim().min(1, { error: 'Indiquez le nom.' }).max(120, { error: 'Nom trop long.' }),
    email: z.string().trim().toLowerCase().email({ error: 'Indiquez une adresse e-mail valide.' }).max(254),
    role: z.enum(['admin', 'advisor'], { error: 'Choisissez un rôle.' }),
    territories: territoriesField(),
  });
const userId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const refused = (
  status: 400 | 404,
  errors: Record<string, string>,
  values: InviteValues = EMPTY_INVITE,
): AccountActionResult => ({ ok: false, status, errors, values });

export async function applyAccountAction(
  deps: AccountAdminDeps,
  actorId: string,
  form: AccountForm,
): Promise<AccountActionResult> {
  const { db, kind, auth, baseURL } = deps;
  if (form.action === 'invite') {
    const values = {
      name: form.name,
      email: form.email,
      role: form.role || 'advisor',
      territories: form.territories,
    };
    const parsed = inviteForm().safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0] ?? 'form')] ??= i.message;
      return refused(400, errors, values);
    }
    try {
      await inviteUser(db, kind, auth, { actorId, ...parsed.data, baseURL });
      return { ok: true, redirect: '/admin/comptes?invite=1' };
    } catch (e) {
      if (!(e instanceof AccountExistsError)) throw e;
      return refused(400, { email: 'Un compte existe déjà avec cette adresse.' }, values);
    }
  }

  const target = userId.safeParse(form.user);
  if (!target.success || !(await findAccount(db, target.data)))
    return refused(404, { form: 'Compte introuvable.' });
  const id = target.data;
  switch (form.action) {
    case 'disable':
    case 'enable':
      if (id === actorId) return refused(400, { form: 'Vous ne pouvez pas désactiver votre propre compte.' });
      await setDisabled(db, kind, actorId, id, form.action === 'disable');
      return { ok: true, redirect: `/admin/comptes?fait=${form.action}` };
    case 'territories': {
      const parsed = territoriesField().safeParse(form.territories);
      if (!parsed.success) return refused(400, { form: 'Territoire inconnu.' });
      await setTerritories(db, actorId, id, parsed.data);
      return { ok: true, redirect: '/admin/comptes?fait=territories' };
    }
    case 'reinvite':
      await resendInvitation(db, auth, actorId, id, baseURL);
      return { ok: true, redirect: '/admin/comptes?invite=1' };
    default:
      return refused(400, { form: 'Action inconnue.' });
  }
}
