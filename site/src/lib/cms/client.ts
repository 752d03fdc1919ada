import { parisDate } from '@maillage/platform/clock';
import { SwrCache, type SwrOptions } from './cache.ts';
import {
  EVENT_QUERY,
  GLOBAL_FIELDS,
  GLOBAL_POPULATE,
  NEWS_QUERY,
  PAGE_FIELDS,
  PROGRAM_QUERY,
  STORY_QUERY,
  TERRITORY_FIELDS,
} from './queries.ts';
import * as s from './schemas.ts';
import { CmsUnavailableError, createTransport } from './transport.ts';

export { CmsUnavailableError };

export interface CmsClientOptions {
  baseUrl: string;
  token?: string | undefined;
  timeoutMs?: number;
  cache?: Partial<SwrOptions>;
  fetch?: typeof fetch;
  /** Called with a short message (no personal data: CMS content is public). */
  warn?: (message: string) => void;
  /** Today's date in Europe/Paris, YYYY-MM-DD (injected by tests). */
  today?: () => string;
  /** CMS_PREVIEW_TOKEN: the only token the CMS serves drafts to (`status=draft`, preview route only). */
  previewToken?: string | undefined;
}

/** Characters Strapi allows in a UID field (slug). */
const UID = /^[A-Za-z0-9._~-]{1,200}$/;

export type PreviewType = 'program' | 'event' | 'story' | 'page' | 'news' | 'global';

/** Sort key of an event: its first half-day. */
export function firstSlot(e: s.CmsEvent): s.Slot {
  return [...e.slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start))[0] as s.Slot;
}

export function createCmsClient(options: CmsClientOptions) {
  const warn = options.warn ?? ((m: string) => console.warn(`[cms] ${m}`));
  const today = options.today ?? (() => parisDate());
  const cache = new SwrCache({ ttlMs: 60_000, retryAfterMs: 5_000, maxEntries: 1000, ...options.cache });
  const { list, one, single } = createTransport({
    baseUrl: options.baseUrl,
    token: options.token,
    previewToken: options.previewToken,
    timeoutMs: options.timeoutMs ?? 3000,
    fetch: options.fetch ?? fetch,
    warn,
  });

  const bySlug = (slug: string) => ({ slug: { $eq: slug } });
  /** Slugs are Strapi UIDs: anything else cannot exist, so it reaches neither the CMS nor the cache. */
  const cachedBySlug = <T>(kind: string, slug: string, load: () => Promise<T | null>): Promise<T | null> =>
    UID.test(slug) ? cache.get(`${kind}:${slug}`, load) : Promise.resolve(null);
  const sortEvents = (events: s.CmsEvent[]) =>
    events
      .map((e) => ({
        ...e,
        slots: [...e.slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start)),
      }))
      .sort((a, b) => {
        const fa = firstSlot(a);
        const fb = firstSlot(b);
        return (fa.date + fa.start).localeCompare(fb.date + fb.start);
      });
  // Belt and braces: the CMS unpublishes a story whose consent is withdrawn; never show one anyway.
  const hasConsent = (st: s.Story) => Boolean(st.consentDate) && !st.consentWithdrawn;
  const withConsent = (stories: s.Story[]) => stories.filter(hasConsent);
  let lastUpcoming: s.CmsEvent[] | null = null;

  return {
    cache,
    purge: () => cache.purge(),

    global: () =>
      cache.get('global', () =>
        single('/api/global', s.global, { fields: GLOBAL_FIELDS, populate: GLOBAL_POPULATE }),
      ),

    territories: () =>
      cache.get('territories', () =>
        list('/api/territories', s.territory, { fields: TERRITORY_FIELDS, sort: ['name:asc'] }),
      ),

    programs: () =>
      cache.get('programs', () =>
        list('/api/programs', s.program, {
          ...PROGRAM_QUERY,
          sort: ['order:asc', 'title:asc'],
        }),
      ),

    program: (slug: string) =>
      cachedBySlug('program', slug, () =>
        one('/api/programs', s.program, { ...PROGRAM_QUERY, filters: bySlug(slug) }),
      ),

    /**
     * Sessions with at least one half-day today or later, first half-day first. When the day
     * changes while the CMS is down, yesterday's list (minus what is over) is served.
     */
    upcomingEvents: async () => {
      const day = today();
      const upcoming = (events: s.CmsEvent[]) => events.filter((e) => e.slots.some((sl) => sl.date >= day));
      try {
        lastUpcoming = await cache.get(`events:upcoming:${day}`, async () =>
          upcoming(
            sortEvents(
              await list('/api/events', s.event, {
                ...EVENT_QUERY,
                filters: { slots: { date: { $gte: day } } },
              }),
            ),
          ),
        );
        return lastUpcoming;
      } catch (error) {
        if (error instanceof CmsUnavailableError && lastUpcoming) return upcoming(lastUpcoming);
        throw error;
      }
    },

    event: (slug: string) =>
      cachedBySlug('event', slug, async () => {
        const e = await one('/api/events', s.event, {
          ...EVENT_QUERY,
          filters: bySlug(slug),
        });
        return e ? (sortEvents([e])[0] ?? null) : null;
      }),

    stories: () =>
      cache.get('stories', async () =>
        withConsent(
          await list('/api/stories', s.story, {
            ...STORY_QUERY,
            sort: ['publishedAt:desc'],
          }),
        ),
      ),

    story: (slug: string) =>
      cachedBySlug('story', slug, async () => {
        const st = await one('/api/stories', s.story, {
          ...STORY_QUERY,
          filters: bySlug(slug),
        });
        return st && hasConsent(st) ? st : null;
      }),

    page: (slug: string) =>
      cachedBySlug('page', slug, () =>
        one('/api/pages', s.page, { fields: PAGE_FIELDS, populate: { seo: true }, filters: bySlug(slug) }),
      ),

    /** Every published page (catch-all route and sitemap). */
    pages: () =>
      cache.get('pages', () =>
        list('/api/pages', s.page, { fields: PAGE_FIELDS, populate: { seo: true }, sort: ['title:asc'] }),
      ),

    /** News, newest first. */
    news: () =>
      cache.get('news', () =>
        list('/api/news-items', s.news, { ...NEWS_QUERY, sort: ['date:desc', 'publishedAt:desc'] }),
      ),

    newsItem: (slug: string) =>
      cachedBySlug('news', slug, () =>
        one('/api/news-items', s.news, { ...NEWS_QUERY, filters: bySlug(slug) }),
      ),

    /** Draft content for the preview route: never cached. */
    async preview(type: PreviewType, ref: { documentId?: string; slug?: string }) {
      const filters = ref.documentId ? { documentId: { $eq: ref.documentId } } : bySlug(ref.slug ?? '');
      const draft = { filters, status: 'draft' };
      if (type === 'global') {
        const item = await single('/api/global', s.global, {
          fields: GLOBAL_FIELDS,
          populate: GLOBAL_POPULATE,
          status: 'draft',
        });
        return { type, item: item ? { ...item, title: item.siteName } : null } as const;
      }
      if (type === 'page') {
        return {
          type,
          item: await one('/api/pages', s.page, { fields: PAGE_FIELDS, populate: { seo: true }, ...draft }),
        } as const;
      }
      if (type === 'news') {
        return { type, item: await one('/api/news-items', s.news, { ...NEWS_QUERY, ...draft }) } as const;
      }
      if (type === 'program') {
        return { type, item: await one('/api/programs', s.program, { ...PROGRAM_QUERY, ...draft }) } as const;
      }
      if (type === 'event') {
        const e = await one('/api/events', s.event, { ...EVENT_QUERY, ...draft });
        return { type, item: e ? (sortEvents([e])[0] ?? null) : null } as const;
      }
      return { type, item: await one('/api/stories', s.story, { ...STORY_QUERY, ...draft }) } as const;
    },
  };
}
