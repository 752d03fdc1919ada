import { describe, expect, it } from 'vitest';
import { SwrCache } from '../src/lib/cms/cache.ts';

function setup() {
  let now = 1_000_000;
  const cache = new SwrCache({ ttlMs: 1000, retryAfterMs: 500, maxEntries: 3, now: () => now });
  return { cache, tick: (ms: number) => (now += ms) };
}

describe('stale-while-revalidate cache', () => {
  it('serves a fresh entry without calling the loader again', async () => {
    const { cache } = setup();
    let calls = 0;
    const load = async () => ++calls;
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(1);
    expect(calls).toBe(1);
    expect(cache.stats.hits).toBe(1);
  });

  it('serves a stale entry at once and refreshes it in the background', async () => {
    const { cache, tick } = setup();
    let calls = 0;
    const load = async () => ++calls;
    await cache.get('k', load);
    tick(1500);
    expect(await cache.get('k', load)).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('k', load)).toBe(2);
  });

  it('refreshes before serving after a purge', async () => {
    const { cache } = setup();
    let value = 'old';
    await cache.get('k', async () => value);
    value = 'new';
    cache.purge();
    expect(await cache.get('k', async () => value)).toBe('new');
  });

  it('keeps serving the last good copy when the loader fails, and waits before retrying', async () => {
    const { cache, tick } = setup();
    await cache.get('k', async () => 'good');
    cache.purge();
    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw new Error('down');
    };
    expect(await cache.get('k', failing)).toBe('good');
    expect(await cache.get('k', failing)).toBe('good');
    expect(attempts).toBe(1);
    tick(600);
    expect(await cache.get('k', failing)).toBe('good');
    expect(attempts).toBe(2);
  });

  it('fails when there is no copy at all', async () => {
    const { cache } = setup();
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });

  it('keeps the purge when it happens during a load', async () => {
    const { cache } = setup();
    let release!: (v: string) => void;
    const pending = cache.get('k', () => new Promise<string>((r) => (release = r)));
    cache.purge();
    release('before-publish');
    expect(await pending).toBe('before-publish');
    expect(await cache.get('k', async () => 'after-publish')).toBe('after-publish');
  });

  it('loads once for concurrent readers', async () => {
    const { cache } = setup();
    let calls = 0;
    const load = () => new Promise<number>((r) => setTimeout(() => r(++calls), 5));
    const values = await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
    expect(values).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
  });

  it('evicts the least recently used entry beyond its size', async () => {
    const { cache } = setup();
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k);
    await cache.get('a', async () => 'a');
    await cache.get('d', async () => 'd');
    expect(cache.size).toBe(3);
    let reloaded = false;
    await cache.get('b', async () => {
      reloaded = true;
      return 'b';
    });
    expect(reloaded).toBe(true);
  });
});

describe('upcoming sessions across midnight with the CMS down', () => {
  it('serves yesterday’s list without the sessions that are over', async () => {
    const { createCmsClient } = await import('../src/lib/cms/client.ts');
    const { sampleEvent } = await import('./fixtures/content.ts');
    let day = '2026-12-03';
    let down = false;
    const events = [
      sampleEvent({
        slug: 'a',
        documentId: 'a',
        slots: [{ date: '2026-12-03', start: '09:00', end: '12:00' }],
      }),
      sampleEvent({
        slug: 'b',
        documentId: 'b',
        slots: [{ date: '2026-12-05', start: '09:00', end: '12:00' }],
      }),
    ];
    const fakeFetch = (async () => {
      if (down) throw new TypeError('fetch failed');
      return new Response(
        JSON.stringify({
          data: events,
          meta: { pagination: { page: 1, pageSize: 100, pageCount: 1, total: 2 } },
        }),
      );
    }) as typeof fetch;
    const cms = createCmsClient({
      baseUrl: 'http://cms.invalid',
      fetch: fakeFetch,
      today: () => day,
      warn: () => {},
    });
    expect((await cms.upcomingEvents()).map((e) => e.slug)).toEqual(['a', 'b']);
    down = true;
    day = '2026-12-04';
    expect((await cms.upcomingEvents()).map((e) => e.slug)).toEqual(['b']);
  });
});

describe('page cache and the webhook', () => {
  it('does not keep a page whose rendering straddled a purge (it may show what the purge removed)', async () => {
    const { pageCache } = await import('../src/lib/page-cache.ts');
    const page = (text: string) => ({
      status: 200,
      headers: [['content-type', 'text/html']] as [string, string][],
      body: new TextEncoder().encode(text),
      variants: new Map(),
      at: Date.now(),
    });
    const before = pageCache.generation;
    pageCache.purge(); // the webhook lands while the page renders
    pageCache.set('/straddled', page('ancienne'), before);
    expect(pageCache.get('/straddled')).toBeNull();
    pageCache.set('/fresh', page('nouvelle'), pageCache.generation);
    expect(pageCache.get('/fresh')).not.toBeNull();
    pageCache.purge();
  });
});
