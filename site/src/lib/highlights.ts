import type { CmsEvent, News, Program, Story } from './cms/schemas.ts';

export type Highlight =
  | { kind: 'event'; item: CmsEvent }
  | { kind: 'program'; item: Program }
  | { kind: 'story'; item: Story }
  | { kind: 'news'; item: News };

/**
 * What the home page puts « à la une »: every entry an editor marked, sessions first (they are
 * dated), then news, programs and stories — at most `max`. When nothing is marked, the fallback is
 * the next session that is not cancelled and the latest news: the home page never shows an empty
 * block, and never an entry that is over.
 */
export function pickHighlights(
  input: { events: CmsEvent[]; news: News[]; programs: Program[]; stories: Story[] },
  max = 3,
): { items: Highlight[]; chosen: boolean } {
  const events = input.events.filter((e) => !e.cancelled);
  const marked: Highlight[] = [
    ...events.filter((e) => e.featured).map((item) => ({ kind: 'event' as const, item })),
    ...input.news.filter((n) => n.featured).map((item) => ({ kind: 'news' as const, item })),
    ...input.programs.filter((p) => p.featured).map((item) => ({ kind: 'program' as const, item })),
    ...input.stories.filter((s) => s.featured).map((item) => ({ kind: 'story' as const, item })),
  ];
  if (marked.length > 0) return { items: marked.slice(0, max), chosen: true };
  const fallback: Highlight[] = [];
  if (events[0]) fallback.push({ kind: 'event', item: events[0] });
  if (input.news[0]) fallback.push({ kind: 'news', item: input.news[0] });
  return { items: fallback.slice(0, max), chosen: false };
}

export function highlightHref(h: Highlight): string {
  const base = { event: '/agenda', news: '/actualites', program: '/programmes', story: '/temoignages' }[
    h.kind
  ];
  return `${base}/${h.item.slug}`;
}

export function highlightSummary(h: Highlight): string {
  if (h.kind === 'event') return h.item.description ?? h.item.program?.title ?? '';
  return h.item.summary;
}
