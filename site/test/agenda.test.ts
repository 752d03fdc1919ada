import { describe, expect, it } from 'vitest';
import { TERRITORIES } from '../../cms/src/bootstrap/seed-content.ts';
import { filterEvents, paginate, parseAgendaQuery, resolveNearMe } from '../src/lib/agenda.ts';
import { renderBlocks } from '../src/lib/cms/blocks.ts';
import { pickEncoding } from '../src/lib/delivery.ts';
import { sampleEvent } from './fixtures/content.ts';

const ev = (slug: string, territory: string, date: string) =>
  sampleEvent({
    slug,
    documentId: slug,
    territory: { name: territory, slug: territory },
    slots: [{ date, start: '09:00', end: '12:00' }],
  });

describe('agenda filters', () => {
  const events = [
    ev('a', 'douaisis', '2026-12-01'),
    ev('b', 'pevele-carembault', '2026-12-02'),
    ev('c', 'cambresis', '2027-01-05'),
    ev('d', 'pevele-carembault', '2027-01-06'),
  ];

  it('ignores malformed query values instead of failing', () => {
    const q = parseAgendaQuery(
      new URLSearchParams('territoire=<script>&mois=demain&page=-3&commune=Orchies'),
    );
    expect(q).toEqual({ territoire: '', programme: '', mois: '', commune: 'Orchies', page: 1 });
  });

  it('filters by territory and month', () => {
    const q = parseAgendaQuery(new URLSearchParams('territoire=pevele-carembault&mois=2027-01'));
    expect(filterEvents(events, q, null).map((e) => e.slug)).toEqual(['d']);
  });

  it('lists the sessions of the commune’s territory first (Orchies → Pévèle-Carembault)', () => {
    const near = resolveNearMe('Orchies', TERRITORIES);
    expect(near?.territory?.slug).toBe('pevele-carembault');
    const q = parseAgendaQuery(new URLSearchParams('commune=Orchies'));
    expect(filterEvents(events, q, near?.territory?.slug ?? null).map((e) => e.slug)).toEqual([
      'b',
      'd',
      'a',
      'c',
    ]);
  });

  it('paginates', () => {
    const p = paginate([1, 2, 3, 4, 5], 3, 2);
    expect(p).toEqual({ items: [5], page: 3, pageCount: 3, total: 5 });
    expect(paginate([], 9).page).toBe(1);
  });
});

describe('rich text and delivery helpers', () => {
  it('escapes text, filters links and never outputs an h1', () => {
    const html = renderBlocks([
      { type: 'heading', level: 1, children: [{ type: 'text', text: 'Titre' }] },
      { type: 'paragraph', children: [{ type: 'text', text: '<img src=x onerror=alert(1)>', bold: true }] },
      {
        type: 'paragraph',
        children: [{ type: 'link', url: 'javascript:alert(1)', children: [{ type: 'text', text: 'x' }] }],
      },
    ]);
    expect(html).toContain('<h2>Titre</h2>');
    expect(html).toContain('<strong>&lt;img src=x onerror=alert(1)&gt;</strong>');
    expect(html).toContain('<a href="#">x</a>');
  });

  it('negotiates brotli, then gzip', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip, br;q=0')).toBe('gzip');
    expect(pickEncoding(null)).toBe('identity');
  });
});
