export { escapeHtml } from '@maillage/platform/html';

/** Only http(s), mailto, tel and site-relative links survive; anything else becomes "#". */
export function safeHref(href: unknown): string {
  if (typeof href !== 'string') return '#';
  const h = href.trim();
  if (/^(https?:|mailto:|tel:)/i.test(h) || (h.startsWith('/') && !h.startsWith('//'))) return h;
  return '#';
}
