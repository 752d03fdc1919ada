/** Public content types: what the read-only tokens may read and what triggers the webhook. */
export const PUBLIC_CONTENT_TYPES = {
  program: 'api::program.program',
  event: 'api::event.event',
  story: 'api::story.story',
  territory: 'api::territory.territory',
  page: 'api::page.page',
  news: 'api::news.news',
  global: 'api::global.global',
} as const;

export type PublicModel = keyof typeof PUBLIC_CONTENT_TYPES;
export type PublicUid = (typeof PUBLIC_CONTENT_TYPES)[PublicModel];

const UID_TO_MODEL = new Map<string, PublicModel>(
  Object.entries(PUBLIC_CONTENT_TYPES).map(([model, uid]) => [uid, model as PublicModel]),
);

export function modelOf(uid: string): PublicModel | undefined {
  return UID_TO_MODEL.get(uid);
}

export const SINGLE_TYPES: ReadonlySet<string> = new Set([PUBLIC_CONTENT_TYPES.global]);

/** Types published and unpublished on a date by the scheduler (fields publishAt / unpublishAt). */
export const SCHEDULED_TYPES: readonly PublicUid[] = [
  PUBLIC_CONTENT_TYPES.program,
  PUBLIC_CONTENT_TYPES.event,
  PUBLIC_CONTENT_TYPES.story,
  PUBLIC_CONTENT_TYPES.page,
  PUBLIC_CONTENT_TYPES.news,
];

/**
 * Addresses the site already uses (site/src/pages): a CMS page cannot take one of them, since
 * the site's own route would win. Keep in step with the site (site/test/routes.test.ts checks it).
 */
export const RESERVED_PAGE_SLUGS: readonly string[] = [
  '404',
  '500',
  '_image',
  'actualites',
  'agenda',
  'agenda.ics',
  'api',
  'apercu',
  'confirmation',
  'contact',
  'data-inclusion',
  'etre-rappele',
  'idee-de-projet',
  'indisponible',
  'inscription',
  'media',
  'partage.png',
  'partenaires',
  'professionnel',
  'programmes',
  'robots.txt',
  'sitemap.xml',
  'temoignages',
];
