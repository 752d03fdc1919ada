import { z } from 'zod';
import { applyAccountAction } from '../features/accounts/admin.service.ts';
import { FieldRefusal, formAction } from '../lib/action.ts';
import { list, str } from '../lib/http.ts';

/** The account forms' fields as typed (their rules are in accounts.admin.ts). */
const accountForm = z.preprocess(
  (v) => {
    const form = v as Record<string, string | string[] | undefined>;
    return {
      user: str(form.user),
      name: str(form.name),
      email: str(form.email),
      role: str(form.role),
      territories: list(form.territories),
    };
  },
  z.object({
    user: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.string(),
    territories: z.array(z.string()),
  }),
);

/** One of the admin's account forms: where to go next, or its French messages. */
const accountAction = (action: 'invite' | 'disable' | 'enable' | 'territories' | 'reinvite') =>
  formAction({
    role: 'admin',
    input: accountForm,
    handler: async (form, viewer, { locals }) => {
      const { db, kind, auth, config } = locals.runtime;
      const deps = { db, kind, auth, baseURL: config.extranetUrl };
      const result = await applyAccountAction(deps, viewer.id, { action, ...form });
      if (!result.ok) throw new FieldRefusal(result.errors, { status: result.status });
      return result.redirect;
    },
  });

/** The team's accounts (`/admin/comptes`, admins only). */
export const accounts = {
  invite: accountAction('invite'),
  disable: accountAction('disable'),
  enable: accountAction('enable'),
  territories: accountAction('territories'),
  reinvite: accountAction('reinvite'),
};
