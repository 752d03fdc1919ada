/** Public content types: what the read-only tokens may read and what triggers the webhook. */
export const PUBLIC_CONTENT_TYPES = {
  program: 'api::program.program',
  event: 'api::event.event',
  story: 'api::story.story',
  territory: 'api::territory.territory',
  page: 'api::page.page',
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
