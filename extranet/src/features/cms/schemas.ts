import { z } from 'zod';

/**
 * What the extranet reads from the CMS, as zod schemas (Strapi 5 REST answers: flat entries with a
 * documentId). Optional where the CMS allows an empty field; anything else is refused.
 */

// No length limits of our own: the CMS has its own, and an editor's long text must not drop an entry.
const optionalText = z.string().nullish();

/** A territory (design §3): its EPCI codes route requests to it, its team signs the messages. */
export const cmsTerritory = z.object({
  slug: z.string().regex(/^[A-Za-z0-9._~-]{1,100}$/),
  name: z.string().trim().min(1).max(200),
  epciCodes: z.array(z.string().regex(/^\d{9}$/)).nullish(),
  teamEmail: optionalText,
  teamPhone: optionalText,
});
export type CmsTerritory = z.infer<typeof cmsTerritory>;

/** A published territory that can route requests: at least one EPCI code. */
export const routableTerritory = cmsTerritory.extend({
  epciCodes: z.array(z.string().regex(/^\d{9}$/)).min(1),
});

/** The association's general contact (single type `global`). */
export const cmsGlobalContact = z.object({
  data: z.object({ contactEmail: optionalText, contactPhone: optionalText }).nullable(),
});

/** The association's name and funders (single type `global`), printed on the sign-in sheet. */
export const cmsAssociation = z.object({
  data: z
    .object({
      siteName: optionalText,
      funders: z.array(z.object({ name: optionalText, mention: optionalText })).nullish(),
    })
    .nullish(),
});

const slot = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start: z.string().regex(/^\d{2}:\d{2}/),
  end: z.string().regex(/^\d{2}:\d{2}/),
  label: optionalText,
});

/** An event (a dated session of a program, or an information meeting). */
export const cmsEventEntry = z.object({
  documentId: z.string().min(1).max(100),
  title: z.string().min(1),
  slug: optionalText,
  kind: optionalText,
  capacity: z.number().int().nonnegative().nullish(),
  cancelled: z.boolean().nullish(),
  registrationOpensAt: optionalText,
  registrationClosesAt: optionalText,
  practicalNotes: optionalText,
  program: z.object({ title: optionalText, slug: optionalText, kind: optionalText }).nullish(),
  territory: z.object({ name: optionalText, slug: optionalText }).nullish(),
  venue: z.record(z.string(), z.unknown()).nullish(),
  slots: z.array(slot).nullish(),
});
export type CmsEventEntry = z.infer<typeof cmsEventEntry>;
