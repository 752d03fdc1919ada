import {
  CMS_PREVIEW_TOKEN,
  CMS_PUBLIC_URL,
  CMS_SITE_TOKEN,
  CMS_URL,
  CMS_WEBHOOK_SECRET,
  EXTRANET_URL,
  PREVIEW_SECRET,
  SITE_URL,
} from 'astro:env/server';
import { createAvailabilityClient } from './availability.ts';
import { CmsUnavailableError, createCmsClient } from './cms/client.ts';
import type { Global } from './cms/schemas.ts';
import { pageCache } from './page-cache.ts';
import { createRetentionClient } from './retention.ts';

/**
 * Origins of the given CMS addresses; a loopback CMS is also reached under its other loopback
 * name (the demo's admin is opened at http://localhost:1337 while CMS_URL says 127.0.0.1).
 */
function adminOrigins(urls: (string | undefined)[]): string[] {
  const origins = new Set<string>();
  for (const raw of urls) {
    if (!raw) continue;
    const url = new URL(raw);
    origins.add(url.origin);
    const alias = { '127.0.0.1': 'localhost', localhost: '127.0.0.1' }[url.hostname];
    if (alias) {
      url.hostname = alias;
      origins.add(url.origin);
    }
  }
  return [...origins];
}

/** Process-wide singletons, built once from the declared environment. */
export const cms = createCmsClient({
  baseUrl: CMS_URL,
  token: CMS_SITE_TOKEN,
  previewToken: CMS_PREVIEW_TOKEN,
});
export const availability = createAvailabilityClient({ baseUrl: EXTRANET_URL });
/** The data-retention period in force, set by an admin in the extranet. */
export const retentionPeriod = createRetentionClient({ baseUrl: EXTRANET_URL });
export const config = {
  siteUrl: SITE_URL.replace(/\/$/, ''),
  webhookSecret: CMS_WEBHOOK_SECRET,
  previewSecret: PREVIEW_SECRET,
  /** The Strapi admin shows previews in a frame: the only origins allowed to frame the site. */
  adminOrigins: adminOrigins([CMS_PUBLIC_URL, CMS_URL]),
};

/** Drops every cached CMS answer and every cached page (CMS webhook). */
export function purgeAll(): void {
  cms.purge();
  pageCache.purge();
}

/** Shown when the CMS has never answered since start: enough to call or write to the team. */
export const FALLBACK_GLOBAL: Global = {
  siteName: 'Maillage',
  tagline: 'Créer son activité, accompagné·e près de chez soi',
  contactPhone: '',
  contactEmail: '',
  address: '',
  openingHours: null,
  shareImage: null,
  shareImageAlt: null,
  funders: [],
  defaultSeo: null,
};

/**
 * Runs a CMS read; when the CMS is unreachable and nothing was cached yet, returns `fallback`
 * and flags the page as degraded instead of failing.
 */
export async function safely<T>(
  read: () => Promise<T>,
  fallback: T,
): Promise<{ value: T; degraded: boolean }> {
  try {
    return { value: await read(), degraded: false };
  } catch (error) {
    if (error instanceof CmsUnavailableError) return { value: fallback, degraded: true };
    throw error;
  }
}

/**
 * Answer of a feed whose content the CMS never gave since start: 503, never cached, so that
 * neither the page cache nor a CDN keeps an empty feed once the CMS is back.
 */
export function feedUnavailable(
  message = 'Contenu momentanément indisponible. Réessayez dans quelques minutes.',
) {
  return new Response(message, {
    status: 503,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '60',
    },
  });
}

export async function loadGlobal(): Promise<Global> {
  return (await safely(() => cms.global(), FALLBACK_GLOBAL)).value ?? FALLBACK_GLOBAL;
}

export function absoluteUrl(path: string): string {
  return `${config.siteUrl}${path.startsWith('/') ? path : `/${path}`}`;
}
