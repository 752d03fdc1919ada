import type { AstroGlobal } from 'astro';
import type { CmsEvent, Global } from './cms/schemas.ts';
import { cms, FALLBACK_GLOBAL, safely } from './context.ts';

type Page = Pick<AstroGlobal, 'rewrite'>;

/**
 * What a page answers when its CMS document is not there: the "unavailable" page when the CMS is
 * down and had not given it since start, else a 404.
 */
async function missing(page: Page, degraded: boolean): Promise<Response> {
  return degraded ? page.rewrite('/indisponible') : new Response(null, { status: 404 });
}

/** The CMS document a page shows, or the Response the page returns instead (see `missing`). */
export async function documentOrMissing<T>(page: Page, read: () => Promise<T | null>): Promise<T | Response> {
  const { value, degraded } = await safely(read, null);
  return value ?? missing(page, degraded);
}

/** A session's pages (detail and registration form): the session and the site's settings, read together. */
export async function loadSession(
  page: Page,
  slug: string,
): Promise<{ event: CmsEvent; global: Global } | Response> {
  const [{ value: event, degraded }, g] = await Promise.all([
    safely(() => cms.event(slug), null),
    safely(() => cms.global(), FALLBACK_GLOBAL),
  ]);
  if (!event) return missing(page, degraded);
  return { event, global: g.value ?? FALLBACK_GLOBAL };
}
