import type { z } from 'zod';
import { parisToday } from '../dates.ts';
import { SwrCache, type SwrOptions } from './cache.ts';
import { toQuery } from './query.ts';
import * as s from './schemas.ts';

/** The CMS could not give an answer and no earlier copy exists. */
export class CmsUnavailableError extends Error {}

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

const MEDIA = { fields: ['url', 'alternativeText', 'width', 'height'] };

const PROGRAM_QUERY = {
  fields: [
    'title',
    'slug',
    'kind',
    'summary',
    'description',
    'audience',
    'format',
    'cost',
    'eligibility',
    'outcomes',
    'diThematiques',
    'diPublics',
    'diType',
    'diVolumeHoraireHebdomadaire',
    'diNombreSemaines',
    'order',
    'coverAlt',
    'featured',
    'updatedAt',
  ],
  populate: {
    seo: true,
    cover: MEDIA,
    fundingMentions: { populate: { logo: MEDIA } },
  },
};

const EVENT_QUERY = {
  fields: [
    'title',
    'slug',
    'kind',
    'capacity',
    'registrationOpensAt',
    'registrationClosesAt',
    'cancelled',
    'practicalNotes',
    'description',
    'coverAlt',
    'featured',
    'updatedAt',
  ],
  populate: {
    program: { fields: ['title', 'slug', 'kind'] },
    territory: { fields: ['name', 'slug'] },
    venue: true,
    slots: true,
    cover: MEDIA,
    seo: true,
  },
};

const STORY_QUERY = {
  fields: [
    'title',
    'slug',
    'displayName',
    'consentDate',
    'consentScope',
    'consentWithdrawn',
    'sector',
    'year',
    'summary',
    'body',
    'quote',
    'coverAlt',
    'featured',
    'publishedAt',
    'updatedAt',
  ],
  populate: {
    territory: { fields: ['name', 'slug'] },
    program: { fields: ['title', 'slug', 'kind'] },
    cover: MEDIA,
    seo: true,
  },
};

const NEWS_QUERY = {
  fields: ['title', 'slug', 'date', 'summary', 'body', 'coverAlt', 'featured', 'publishedAt', 'updatedAt'],
  populate: { territory: { fields: ['name', 'slug'] }, cover: MEDIA, seo: true },
};

const PAGE_FIELDS = ['title', 'slug', 'summary', 'body', 'updatedAt'];
const TERRITORY_FIELDS = ['name', 'slug', 'description', 'epciCodes', 'teamPhone', 'teamEmail'];
const GLOBAL_FIELDS = [
  'siteName',
  'tagline',
  'contactPhone',
  'contactEmail',
  'address',
  'openingHours',
  'shareImageAlt',
  'updatedAt',
];
const GLOBAL_POPULATE = {
  funders: { populate: { logo: MEDIA } },
  shareImage: MEDIA,
  defaultSeo: true,
};

/** Sort key of an event: its first half-day. */
export function firstSlot(e: s.CmsEvent): s.Slot {
  return [...e.slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start))[0] as s.Slot;
}

export function createCmsClient(options: CmsClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 3000;
  const warn = options.warn ?? ((m: string) => console.warn(`[cms] ${m}`));
  const today = options.today ?? parisToday;
  const cache = new SwrCache({ ttlMs: 60_000, retryAfterMs: 5_000, maxEntries: 1000, ...options.cache });

  async function request(path: string, params: Record<string, unknown>): Promise<unknown> {
    const url = `${baseUrl}${path}?${toQuery(params)}`;
    const token = params.status === 'draft' ? options.previewToken : options.token;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: {
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      warn(`${path}: CMS injoignable (${(error as Error).name})`);
      throw new CmsUnavailableError('CMS injoignable', { cause: error });
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      warn(`${path}: réponse HTTP ${res.status}`);
      throw new CmsUnavailableError(`CMS HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch (error) {
      warn(`${path}: réponse illisible`);
      throw new CmsUnavailableError('Réponse du CMS illisible', { cause: error });
    }
  }

  /** Validates each entry; an invalid entry is dropped (and logged), an invalid envelope fails. */
  function parseItems<T extends z.ZodType>(schema: T, items: unknown[], path: string): z.infer<T>[] {
    const out: z.infer<T>[] = [];
    for (const item of items) {
      const parsed = schema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else {
        const id = (item as { documentId?: unknown } | null)?.documentId;
        warn(`${path}: entrée ${typeof id === 'string' ? id : '?'} ignorée (format inattendu)`);
      }
    }
    return out;
  }

  async function list<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, unknown>,
  ): Promise<z.infer<T>[]> {
    const all: z.infer<T>[] = [];
    for (let page = 1; page <= 20; page++) {
      const body = await request(path, { ...params, pagination: { page, pageSize: 100 } });
      const env = s.listEnvelope.safeParse(body);
      if (!env.success) {
        warn(`${path}: réponse inattendue`);
        throw new CmsUnavailableError('Réponse du CMS inattendue');
      }
      all.push(...parseItems(schema, env.data.data, path));
      const pageCount = env.data.meta.pagination?.pageCount ?? 1;
      if (page >= pageCount) break;
    }
    return all;
  }

  async function one<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, unknown>,
  ): Promise<z.infer<T> | null> {
    const items = await list(path, schema, params);
    return items[0] ?? null;
  }

  async function single<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, unknown>,
  ): Promise<z.infer<T> | null> {
    const body = await request(path, params);
    if (body === null) return null;
    const env = s.singleEnvelope.safeParse(body);
    const parsed = env.success ? schema.safeParse(env.data.data) : null;
    if (!parsed?.success) {
      warn(`${path}: réponse inattendue`);
      throw new CmsUnavailableError('Réponse du CMS inattendue');
    }
    return parsed.data;
  }

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

export type CmsClient = ReturnType<typeof createCmsClient>;
