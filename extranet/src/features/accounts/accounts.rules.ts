import { z } from 'zod';
import { knownTerritories } from '../territories/territories.ts';

/** The invitation form as typed (shown again with its French messages when refused). */
export interface InviteValues {
  name: string;
  email: string;
  role: string;
  territories: string[];
}

export const EMPTY_INVITE: InviteValues = { name: '', email: '', role: 'advisor', territories: [] };

/**
 * Territories known now (the CMS copy, read at each call: a territory added in the CMS is offered),
 * the ones it no longer publishes included, so saving an advisor does not silently drop one.
 */
export const territoriesField = () => {
  const slugs = knownTerritories().map((t) => t.slug);
  return z.array(z.enum(slugs as [string, ...string[]], { error: 'Territoire inconnu.' }));
};

export const inviteForm = () =>
  z.object({
    name: z.string().trim().min(1, { error: 'Indiquez le nom.' }).max(120, { error: 'Nom trop long.' }),
    email: z.string().trim().toLowerCase().email({ error: 'Indiquez une adresse e-mail valide.' }).max(254),
    role: z.enum(['admin', 'advisor'], { error: 'Choisissez un rôle.' }),
    territories: territoriesField(),
  });

/** A better-auth user id, as the account forms send it. */
export const userId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
