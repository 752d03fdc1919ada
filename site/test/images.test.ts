import { describe, expect, it } from 'vitest';
import type { CmsEvent, News } from '../src/lib/cms/schemas.ts';
import { pickHighlights } from '../src/lib/highlights.ts';
import { imageCache, parseTransform, purgeImagesFor, responsiveImage } from '../src/lib/images.ts';

const media = {
  url: '/uploads/atelier_ab12.png',
  alternativeText: 'Texte de la médiathèque',
  width: 1200,
  height: 800,
};

describe('responsive CMS images', () => {
  it('offers AVIF and WebP at the allowed widths, with the size reserved and the editor’s alt text', () => {
    const image = responsiveImage(media, 'Six personnes autour d’une table', { maxWidth: 720 })!;
    expect(image).toMatchObject({ alt: 'Six personnes autour d’une table', width: 1200, height: 800 });
    expect(image.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp']);
    expect(image.sources[0]!.srcset).toBe(
      '/media/uploads/atelier_ab12.png?w=320&f=avif 320w, /media/uploads/atelier_ab12.png?w=480&f=avif 480w, /media/uploads/atelier_ab12.png?w=640&f=avif 640w, /media/uploads/atelier_ab12.png?w=960&f=avif 960w',
    );
    expect(image.src).toBe('/media/uploads/atelier_ab12.png?w=960&f=webp');
    expect(responsiveImage(media, null)!.alt).toBe('Texte de la médiathèque');
  });

  it('shows nothing rather than something unsafe or that would shift the layout', () => {
    expect(responsiveImage(null, 'x')).toBeNull();
    expect(responsiveImage({ ...media, url: 'https://ailleurs.example/a.png' }, 'x')).toBeNull();
    expect(responsiveImage({ ...media, url: '/uploads/../../etc/passwd' }, 'x')).toBeNull();
    expect(responsiveImage({ ...media, width: null }, 'x')).toBeNull();
  });

  it('accepts only the listed widths and formats', () => {
    expect(parseTransform(new URLSearchParams('w=480&f=avif'))).toEqual({ width: 480, format: 'avif' });
    expect(parseTransform(new URLSearchParams('w=481&f=avif'))).toBeNull();
    expect(parseTransform(new URLSearchParams('w=5000&f=webp'))).toBeNull();
    expect(parseTransform(new URLSearchParams('w=480&f=png'))).toBeNull();
  });

  it('forgets cached images when content leaves the site (a withdrawn story’s photo)', () => {
    imageCache.set('/uploads/a.png', { body: new Uint8Array(1), type: 'image/png' });
    expect(purgeImagesFor('entry.publish', 'program')).toBe(false);
    expect(imageCache.size).toBe(1);
    expect(purgeImagesFor('entry.update', 'story')).toBe(true);
    expect(imageCache.size).toBe(0);
  });
});

describe('« à la une » on the home page', () => {
  const event = (slug: string, extra: Partial<CmsEvent> = {}) =>
    ({
      slug,
      title: slug,
      cancelled: false,
      featured: false,
      cover: null,
      coverAlt: null,
      description: null,
      program: null,
      ...extra,
    }) as CmsEvent;
  const news = (slug: string, featured = false) =>
    ({ slug, title: slug, featured, cover: null, coverAlt: null, summary: slug }) as News;

  it('shows what editors marked, sessions first', () => {
    const { items, chosen } = pickHighlights({
      events: [event('a'), event('b', { featured: true })],
      news: [news('n1', true), news('n2')],
      programs: [],
      stories: [],
    });
    expect(chosen).toBe(true);
    expect(items.map((h) => `${h.kind}:${h.item.slug}`)).toEqual(['event:b', 'news:n1']);
  });

  it('falls back to the next session that is on and the latest news when nothing is marked', () => {
    const { items, chosen } = pickHighlights({
      events: [event('annulee', { cancelled: true }), event('prochaine')],
      news: [news('derniere'), news('ancienne')],
      programs: [],
      stories: [],
    });
    expect(chosen).toBe(false);
    expect(items.map((h) => `${h.kind}:${h.item.slug}`)).toEqual(['event:prochaine', 'news:derniere']);
  });

  it('never shows a cancelled session, even marked', () => {
    const { items } = pickHighlights({
      events: [event('annulee', { cancelled: true, featured: true })],
      news: [],
      programs: [],
      stories: [],
    });
    expect(items).toEqual([]);
  });
});
