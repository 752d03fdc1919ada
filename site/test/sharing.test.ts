import { describe, expect, it } from 'vitest';
import { global } from '../src/lib/cms/schemas.ts';
import { courseJsonLd, organizationJsonLd, shareImage } from '../src/lib/jsonld.ts';
import { sampleEvent, sampleGlobal, samplePrograms, sampleTerritories } from './fixtures/content.ts';

const absolute = (path: string) => `https://maillage.example${path}`;

describe('sharing and structured data', () => {
  it('shares the CMS global’s image with its alternative text, else the site’s own image', () => {
    const withImage = global.parse({
      ...sampleGlobal(),
      shareImage: { url: '/uploads/partage_ab12.jpg', alternativeText: null, width: 1200, height: 630 },
      shareImageAlt: 'Un atelier du Parcours des Possibles',
    });
    expect(shareImage(withImage, absolute)).toEqual({
      url: 'https://maillage.example/media/uploads/partage_ab12.jpg',
      alt: 'Un atelier du Parcours des Possibles',
      width: 1200,
      height: 630,
    });
    expect(shareImage(sampleGlobal(), absolute)).toMatchObject({
      url: 'https://maillage.example/partage.png',
    });
    const elsewhere = global.parse({
      ...sampleGlobal(),
      shareImage: { url: 'https://ailleurs.example/x.jpg' },
    });
    expect(shareImage(elsewhere, absolute).url).toBe('https://maillage.example/partage.png');
  });

  it('describes the association as an NGO with its territories, and a program as a Course', () => {
    const org = organizationJsonLd(sampleGlobal(), sampleTerritories(), 'https://maillage.example');
    expect(org['@type']).toBe('NGO');
    expect(org.areaServed?.length).toBe(sampleTerritories().length);
    const [program] = samplePrograms();
    const course = courseJsonLd(program!, [sampleEvent()], sampleGlobal(), 'https://maillage.example');
    expect(course).toMatchObject({
      '@type': 'Course',
      provider: { '@type': 'Organization' },
      offers: [{ category: 'Free' }],
      hasCourseInstance: [{ '@type': 'CourseInstance', courseMode: 'Onsite', courseWorkload: 'PT39H' }],
    });
  });
});
