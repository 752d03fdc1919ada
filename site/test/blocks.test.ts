import { describe, expect, it } from 'vitest';
// The CMS's own demo content, as editors write it (## headings, lists): what the site renders.
import { PAGES, PROGRAMS } from '../../cms/src/bootstrap/seed-content.ts';
import { blocksToText, renderBlocks } from '../src/lib/cms/blocks.ts';
import type { Blocks } from '../src/lib/cms/schemas.ts';

const h = (level: number, text: string) => ({ type: 'heading', level, children: [{ type: 'text', text }] });
const p = (text: string) => ({ type: 'paragraph', children: [{ type: 'text', text }] });
const levels = (html: string) => [...html.matchAll(/<h(\d)>/g)].map((m) => Number(m[1]));

/** Under the page's h1, each heading is at most one level deeper than the one before it. */
function outlineSkips(html: string): number[] {
  let previous = 1;
  const skipped: number[] = [];
  for (const level of levels(html)) {
    if (level > previous + 1) skipped.push(level);
    previous = level;
  }
  return skipped;
}

describe('headings of CMS rich text under the page’s h1', () => {
  it('starts the text’s shallowest heading at h2 and never skips a level', () => {
    const html = renderBlocks([
      h(2, 'Programme'),
      p('a'),
      h(4, 'Détail'),
      h(3, 'Suite'),
      h(2, 'Fin'),
    ] as Blocks);
    expect(levels(html)).toEqual([2, 3, 3, 2]);
    expect(outlineSkips(html)).toEqual([]);
  });

  it('renders every demo program and page without a skipped level (RGAA 9.1)', () => {
    for (const doc of [...PROGRAMS.map((x) => x.description), ...PAGES.map((x) => x.body)]) {
      const html = renderBlocks(doc as unknown as Blocks);
      expect(outlineSkips(html), html.slice(0, 200)).toEqual([]);
      expect(html).not.toContain('<h1>');
    }
  });
});

describe('images in CMS rich text', () => {
  it('shows them with their alternative text and size, through the site’s media proxy', () => {
    const html = renderBlocks([
      {
        type: 'image',
        image: {
          url: '/uploads/atelier_1.jpg',
          alternativeText: 'Six personnes autour d’une table',
          width: 800,
          height: 600,
        },
        children: [{ type: 'text', text: '' }],
      },
      { type: 'image', image: { url: 'https://ailleurs.example/x.jpg', alternativeText: 'x' } },
    ] as Blocks);
    expect(html).toBe(
      '<img src="/media/uploads/atelier_1.jpg" alt="Six personnes autour d’une table" width="800" height="600" loading="lazy" decoding="async">\n',
    );
  });
});

describe('plain text of rich text (feeds, data·inclusion)', () => {
  it('keeps paragraphs and list items apart', () => {
    const text = blocksToText([
      p('Premier paragraphe.'),
      {
        type: 'list',
        format: 'unordered',
        children: [
          { type: 'list-item', children: [{ type: 'text', text: 'Sans jugement.' }] },
          { type: 'list-item', children: [{ type: 'text', text: 'Vous repérez vos atouts.' }] },
        ],
      },
      p('Dernier.'),
    ] as Blocks);
    expect(text).toBe('Premier paragraphe.\n\n- Sans jugement.\n- Vous repérez vos atouts.\n\nDernier.');
  });

  it('never glues two sentences of the demo programs together', () => {
    for (const program of PROGRAMS) {
      const text = blocksToText(program.description as unknown as Blocks);
      expect(text, program.slug).not.toMatch(/[.!?:][A-ZÀ-Ý]/);
    }
  });
});
