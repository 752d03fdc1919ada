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
 * Renders Strapi "blocks" rich text to HTML. Text is escaped, links filtered, and headings start
 * at `baseLevel` (the page title is the only h1).
 */
export function renderBlocks(blocks: Blocks, baseLevel = 2): string {
  return blocks
    .map((raw) => {
      const b = raw as Node;
      switch (b.type) {
        case 'paragraph': {
          const html = inline(b.children);
          return html.trim() ? `<p>${html}</p>` : '';
        }
        case 'heading': {
          const level = Math.min(6, Math.max(baseLevel, baseLevel - 1 + Number(b.level ?? 1)));
          return `<h${level}>${inline(b.children)}</h${level}>`;
        }
        case 'list': {
          const tag = b.format === 'ordered' ? 'ol' : 'ul';
          const items = Array.isArray(b.children)
            ? (b.children as Node[]).map((li) => `<li>${inline(li.children)}</li>`).join('')
            : '';
          return `<${tag}>${items}</${tag}>`;
        }
        case 'quote':
          return `<blockquote><p>${inline(b.children)}</p></blockquote>`;
        case 'code':
          return `<pre><code>${inline(b.children)}</code></pre>`;
        default:
          return '';
      }
    })
    .join('\n');
}

/** Plain text of blocks (for descriptions in feeds and JSON-LD). */
export function blocksToText(blocks: Blocks): string {
  const text = (nodes: unknown): string =>
    Array.isArray(nodes)
      ? nodes
          .map((n) => (typeof (n as Node).text === 'string' ? (n as Node).text : text((n as Node).children)))
          .join('')
      : '';
  return blocks
    .map((b) => text((b as Node).children))
    .filter(Boolean)
    .join('\n\n');
}
