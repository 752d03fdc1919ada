import { z } from 'zod';

/** Strapi 5 REST shapes for the fields the site asks for (see the CMS content-type schemas). */

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

const seo = z
  .object({
    metaTitle: nullableString,
    metaDescription: nullableString,
    canonicalUrl: nullableString,
    noIndex: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
  })
  .nullish()
  .transform((v) => v ?? null);
export type Seo = z.infer<typeof seo>;

/** Strapi "blocks" rich text: validated loosely here, rendered defensively by blocks.ts. */
const blocks = z
  .array(z.object({ type: z.string() }).loose())
  .nullish()
  .transform((v) => v ?? []);
export type Blocks = z.infer<typeof blocks>;

const media = z
  .object({
    url: z.string(),
    alternativeText: nullableString,
    width: z.number().nullish(),
    height: z.number().nullish(),
  })
  .nullish()
  .transform((v) => v ?? null);

export type Media = z.infer<typeof media>;

const flag = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

const territoryRef = z
  .object({ documentId: z.string().optional(), name: z.string(), slug: z.string() })
  .nullish()
  .transform((v) => v ?? null);

const programRef = z
  .object({
    documentId: z.string().optional(),
    title: z.string(),
    slug: z.string(),
    kind: z.enum(['parcours', 'accompagnement', 'formation']),
  })
  .nullish()
  .transform((v) => v ?? null);

/** A funder: name, mandatory mention, logo with its alternative text. */
const funder = z.object({
  name: z.string(),
  mention: nullableString,
  logo: media,
  logoAlt: nullableString,
});
export type Funder = z.infer<typeof funder>;

export const territory = z.object({
  documentId: z.string(),
  name: z.string(),
  slug: z.string(),
  description: nullableString,
  epciCodes: z.array(z.union([z.string(), z.number()]).transform(String)).catch([]),
  teamPhone: nullableString,
  teamEmail: nullableString,
});
export type Territory = z.infer<typeof territory>;

export const program = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  kind: z.enum(['parcours', 'accompagnement', 'formation']),
  summary: z.string(),
  description: blocks,
  audience: nullableString,
  format: nullableString,
  cost: z
    .string()
    .nullish()
    .transform((v) => v || 'gratuit'),
  eligibility: nullableString,
  outcomes: nullableString,
  diThematiques: z.array(z.string()).nullish().catch(null),
  diPublics: z.array(z.string()).nullish().catch(null),
  diType: nullableString,
  diVolumeHoraireHebdomadaire: z.coerce.number().nullish().catch(null),
  diNombreSemaines: z.number().int().nullish(),
  order: z.number().nullish(),
  cover: media,
  coverAlt: nullableString,
  /** Mentions the funders of this program require on its pages (FSE+: emblem and sentence). */
  fundingMentions: z
    .array(funder)
    .nullish()
    .transform((v) => v ?? []),
  featured: flag,
  updatedAt: z.string(),
  seo,
});
export type Program = z.infer<typeof program>;

const time = z.string().regex(/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/);

const slot = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start: time.transform((t) => t.slice(0, 5)),
  end: time.transform((t) => t.slice(0, 5)),
  label: nullableString,
});
export type Slot = z.infer<typeof slot>;

const venue = z.object({
  name: z.string(),
  address: z.string(),
  postcode: z.string(),
  commune: z.string(),
  inseeCode: z.string(),
  accessNotes: nullableString,
  stepFreeAccess: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});

export const event = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  kind: z.enum(['session', 'information']).catch('session'),
  program: programRef,
  territory: territoryRef,
  venue,
  slots: z.array(slot).min(1),
  capacity: z
    .number()
    .int()
    .positive()
    .nullish()
    .transform((v) => v ?? 10),
  registrationOpensAt: nullableString,
  registrationClosesAt: nullableString,
  cancelled: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  practicalNotes: nullableString,
  description: nullableString,
  cover: media,
  coverAlt: nullableString,
  featured: flag,
  updatedAt: z.string(),
  seo,
});
export type CmsEvent = z.infer<typeof event>;

export const story = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  displayName: z.string(),
  consentDate: nullableString,
  consentScope: nullableString,
  consentWithdrawn: flag,
  territory: territoryRef,
  sector: z.string(),
  program: programRef,
  year: z.number().int().nullish(),
  summary: z.string(),
  body: blocks,
  quote: nullableString,
  cover: media,
  coverAlt: nullableString,
  featured: flag,
  publishedAt: nullableString,
  updatedAt: z.string(),
  seo,
});
export type Story = z.infer<typeof story>;

export const page = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  summary: nullableString,
  body: blocks,
  updatedAt: z.string(),
  seo,
});

/** An « actualité ». */
export const news = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  summary: z.string(),
  body: blocks,
  cover: media,
  coverAlt: nullableString,
  territory: territoryRef,
  featured: flag,
  publishedAt: nullableString,
  updatedAt: z.string(),
  seo,
});
export type News = z.infer<typeof news>;

export const global = z.object({
  siteName: z.string(),
  tagline: nullableString,
  contactPhone: z.string(),
  contactEmail: z.string(),
  address: z.string(),
  openingHours: nullableString,
  /** The image shown when a page is shared (og:image), with its alternative text. */
  shareImage: media,
  shareImageAlt: nullableString,
  funders: z
    .array(funder)
    .nullish()
    .transform((v) => v ?? []),
  defaultSeo: seo,
  updatedAt: z.string().optional(),
});
export type Global = z.infer<typeof global>;

const pagination = z.object({
  page: z.number(),
  pageSize: z.number(),
  pageCount: z.number(),
  total: z.number(),
});

export const listEnvelope = z.object({
  data: z.array(z.unknown()),
  meta: z.object({ pagination: pagination.optional() }).loose(),
});

export const singleEnvelope = z.object({ data: z.unknown() });
