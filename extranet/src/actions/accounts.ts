import type { ActionAPIContext } from 'astro:actions';
import { z } from 'zod';
import { inviteForm, territoriesField, userId } from '../features/accounts/accounts.rules.ts';
import { AccountExistsError } from '../features/accounts/accounts.service.ts';
import {
  type AccountAdminDeps,
  AccountNotFoundError,
  inviteAccount,
  OwnAccountError,
  reinviteAccount,
  setAccountDisabled,
  setAccountTerritories,
  UnknownTerritoryError,
} from '../features/accounts/admin.service.ts';
import { FieldRefusal, formAction } from '../lib/action.ts';
import { list } from '../lib/http.ts';

/** The team's accounts (`/admin/comptes`, admins only): each form answers where to go next. */
const deps = ({ locals }: ActionAPIContext): AccountAdminDeps => {
  const { db, kind, auth, config } = locals.runtime;
  return { db, kind, auth, baseURL: config.extranetUrl };
};

/** A form on one account: an id that is no account's is « Compte introuvable. » (404). */
const accountId = z.string().pipe(userId);
const missingAccount = () => new FieldRefusal({ form: 'Compte introuvable.' }, { status: 404 });
const checkboxes = (v: unknown) => list(v as string | string[] | undefined);

async function onAccount<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof AccountNotFoundError) throw missingAccount();
    if (error instanceof UnknownTerritoryError) throw new FieldRefusal({ form: 'Territoire inconnu.' });
    if (error instanceof OwnAccountError)
      throw new FieldRefusal({ form: 'Vous ne pouvez pas désactiver votre propre compte.' });
    throw error;
  }
}

/** Disable or enable: the same form, two buttons' worth of actions. */
const setDisabled = (disabled: boolean) =>
  formAction({
    role: 'admin',
    input: z.object({ user: z.unknown() }),
    handler: async ({ user }, viewer, context) => {
      const id = accountId.safeParse(user);
      if (!id.success) throw missingAccount();
      await onAccount(() => setAccountDisabled(deps(context), viewer.id, id.data, disabled));
      return `/admin/comptes?fait=${disabled ? 'disable' : 'enable'}`;
    },
  });

export const accounts = {
  invite: formAction({
    role: 'admin',
    input: () =>
      z.preprocess(
        (v) => {
          const form = v as Record<string, unknown>;
          return { ...form, role: form.role || 'advisor', territories: checkboxes(form.territories) };
        },
        inviteForm().extend({ territories: z.array(z.string()) }),
      ),
    handler: async (input, viewer, context) => {
      // Known territories checked here, so that a forged one is reported under `territories`.
      const territories = territoriesField().safeParse(input.territories);
      if (!territories.success) throw new FieldRefusal({ territories: 'Territoire inconnu.' });
      try {
        await inviteAccount(deps(context), viewer.id, { ...input, territories: territories.data });
        return '/admin/comptes?invite=1';
      } catch (error) {
        if (!(error instanceof AccountExistsError)) throw error;
        throw new FieldRefusal({ email: 'Un compte existe déjà avec cette adresse.' });
      }
    },
  }),
  disable: setDisabled(true),
  enable: setDisabled(false),
  territories: formAction({
    role: 'admin',
    input: z.object({ user: z.unknown(), territories: z.preprocess(checkboxes, z.array(z.string())) }),
    handler: async ({ user, territories }, viewer, context) => {
      const id = accountId.safeParse(user);
      if (!id.success) throw missingAccount();
      await onAccount(() => setAccountTerritories(deps(context), viewer.id, id.data, territories));
      return '/admin/comptes?fait=territories';
    },
  }),
  reinvite: formAction({
    role: 'admin',
    input: z.object({ user: z.unknown() }),
    handler: async ({ user }, viewer, context) => {
      const id = accountId.safeParse(user);
      if (!id.success) throw missingAccount();
      await onAccount(() => reinviteAccount(deps(context), viewer.id, id.data));
      return '/admin/comptes?invite=1';
    },
  }),
};
