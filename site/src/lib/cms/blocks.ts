import { escapeHtml, safeHref } from '../html.ts';
import type { Blocks } from './schemas.ts';

type Node = { type?: unknown; text?: unknown; children?: unknown; [k: string]: unknown };

function inline(nodes: unknown): string {
  if (!Array.isArray(nodes)) return '';
  return nodes
    .map((raw) => {
      const n = raw as Node;
      if (n.type === 'link') return `<a href="${escapeHtml(safeHref(n.url))}">${inline(n.children)}</a>`;
      if (n.type === 'text' || typeof n.text === 'string') {
        let t = escapeHtml(String(n.text ?? ''));
        if (n.code) t = `<code>${t}</code>`;
        if (n.bold) t = `<strong>${t}</strong>`;
        if (n.italic) t = `<em>${t}</em>`;
        if (n.underline) t = `<u>${t}</u>`;
        if (n.strikethrough) t = `<s>${t}</s>`;
        return t;
      }
      return inline(n.children);
    })
    .join('');
}

/**
 * Heading levels for the blocks, so that the page outline never skips a level (RGAA 9.1): the
 * shallowest heading in the text becomes `baseLevel` (an editor's "titre 2" right under the
 * page's h1 is an h2, not an h3), and a heading is never more than one level deeper than the one
 * before it. Deeper than h6 stays h6.
 */
function headingLevels(blocks: Blocks, baseLevel: number): Map<number, number> {
  const levels = new Map<number, number>();
  const headings = blocks.map((raw, i) => ({ i, b: raw as Node })).filter(({ b }) => b.type === 'heading');
  if (headings.length === 0) return levels;
  const shallowest = Math.min(...headings.map(({ b }) => Number(b.level ?? 1) || 1));
  let previous = baseLevel - 1;
  for (const { i, b } of headings) {
    const wanted = baseLevel + (Number(b.level ?? 1) || 1) - shallowest;
    const level = Math.min(6, Math.max(baseLevel, Math.min(wanted, previous + 1)));
    levels.set(i, level);
    previous = level;
  }
  return levels;
}

/** An image of the rich text, served through the site's /media proxy, with its alternative text. */
function image(b: Node): string {
  const img = (b.image ?? {}) as {
    url?: unknown;
    alternativeText?: unknown;
    caption?: unknown;
    width?: unknown;
    height?: unknown;
  };
  const url = typeof img.url === 'string' && /^\/uploads\/[\w.-]+$/.test(img.url) ? img.url : null;
  if (!url) return '';
  const alt = typeof img.alternativeText === 'string' ? img.alternativeText.trim() : '';
  const size = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);
  const [w, h] = [size(img.width), size(img.height)];
  const dims = w && h ? ` width="${w}" height="${h}"` : '';
  const caption = typeof img.caption === 'string' && img.caption.trim() ? img.caption.trim() : '';
  const tag = `<img src="/media${escapeHtml(url)}" alt="${escapeHtml(alt)}"${dims} loading="lazy" decoding="async">`;
  return caption ? `<figure>${tag}<figcaption>${escapeHtml(caption)}</figcaption></figure>` : tag;
}

/**
 * Renders Strapi "blocks" rich text to HTML. Text is escaped, links filtered, headings re-levelled
 * from `baseLevel` without skipping (the page title is the only h1), images shown with their
 * alternative text.
 */
export function renderBlocks(blocks: Blocks, baseLevel = 2): string {
  const levels = headingLevels(blocks, baseLevel);
  return blocks
    .map((raw, i) => {
      const b = raw as Node;
      switch (b.type) {
        case 'paragraph': {
          const html = inline(b.children);
          return html.trim() ? `<p>${html}</p>` : '';
        }
        case 'heading': {
          const level = levels.get(i) ?? baseLevel;
          return `<h${level}>${inline(b.children)}</h${level}>`;
        }
        case 'list':
          return list(b);
        case 'quote':
          return `<blockquote><p>${inline(b.children)}</p></blockquote>`;
        case 'code':
          return `<pre><code>${inline(b.children)}</code></pre>`;
        case 'image':
          return image(b);
        default:
          return '';
      }
    })
    .join('\n');
}

function list(b: Node): string {
  const tag = b.format === 'ordered' ? 'ol' : 'ul';
  const items = Array.isArray(b.children)
    ? (b.children as Node[])
        .map((li) => (li.type === 'list' ? list(li) : `<li>${inline(li.children)}</li>`))
        .join('')
    : '';
  return `<${tag}>${items}</${tag}>`;
}

/**
 * Plain text of blocks, readable as is (feeds, JSON-LD, the data·inclusion export): paragraphs
 * and headings separated by a blank line, one list item per line ("- " or "1. "), images by
 * their alternative text.
 */
export function blocksToText(blocks: Blocks): string {
  const text = (nodes: unknown): string =>
    Array.isArray(nodes)
      ? nodes
          .map((n) => (typeof (n as Node).text === 'string' ? (n as Node).text : text((n as Node).children)))
          .join('')
      : '';
  const listText = (b: Node, depth: number): string[] =>
    (Array.isArray(b.children) ? (b.children as Node[]) : []).flatMap((li, i) =>
      li.type === 'list'
        ? listText(li, depth + 1)
        : [`${'  '.repeat(depth)}${b.format === 'ordered' ? `${i + 1}.` : '-'} ${text(li.children).trim()}`],
    );
  return blocks
    .map((raw) => {
      const b = raw as Node;
      if (b.type === 'list') return listText(b, 0).join('\n');
      if (b.type === 'image') {
        const alt = (b.image as { alternativeText?: unknown } | undefined)?.alternativeText;
        return typeof alt === 'string' ? alt.trim() : '';
      }
      return text(b.children).trim();
    })
    .filter(Boolean)
    .join('\n\n');
}
