/** Minimal builder for Strapi "blocks" rich text, so seed content stays readable. */
export type Block =
  | { type: 'paragraph'; children: Array<{ type: 'text'; text: string; bold?: boolean }> }
  | { type: 'heading'; level: 2 | 3; children: Array<{ type: 'text'; text: string }> }
  | {
      type: 'list';
      format: 'unordered';
      children: Array<{ type: 'list-item'; children: Array<{ type: 'text'; text: string }> }>;
    };

/**
 * Turns a small text format into blocks: "## " starts a heading, lines starting with "- " form a
 * list, blank lines separate paragraphs.
 */
export function blocks(source: string): Block[] {
  const result: Block[] = [];
  for (const chunk of source.trim().split(/\n\s*\n/)) {
    const lines = chunk
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) continue;
    if (lines[0]!.startsWith('## ')) {
      result.push({ type: 'heading', level: 2, children: [{ type: 'text', text: lines[0]!.slice(3) }] });
      lines.shift();
      if (lines.length === 0) continue;
    }
    if (lines.every((l) => l.startsWith('- '))) {
      result.push({
        type: 'list',
        format: 'unordered',
        children: lines.map((l) => ({ type: 'list-item', children: [{ type: 'text', text: l.slice(2) }] })),
      });
    } else {
      result.push({ type: 'paragraph', children: [{ type: 'text', text: lines.join(' ') }] });
    }
  }
  return result;
}
