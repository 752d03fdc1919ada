/**
 * « Retour » to a list as it was (its filters and page): a detail page reads where to go back
 * from its `retour` parameter, else from a same-origin Referer. Either is accepted only as a
 * relative path on this site whose path is one of the lists below — never another site, never a
 * scheme-relative (`//…`) or backslashed address, never the search page (its address holds the
 * searched term, which must not travel on).
 */
const LISTS: Record<string, string> = {
  '/demandes': 'Demandes',
  '/personnes': 'Personnes',
  '/sessions': 'Sessions',
  '/accompagnements': 'Accompagnements',
  '/actions': 'Mes actions',
  '/agenda': 'Agenda',
  '/a-appeler': 'À appeler',
  '/courriels': 'Courriels',
  '/sms': 'SMS',
};

interface ListReturn {
  href: string;
  label: string;
}

/** Any origin would do: it only tells a relative path from an absolute address. */
const HERE = 'http://extranet.invalid';

/** The list address `value` points to, when it is one of ours; null for anything else. */
export function safeReturn(value: string | null | undefined): ListReturn | null {
  if (!value || value.length > 1000) return null;
  // A path of this site only: one leading slash, no backslash (browsers read it as a slash), no
  // control character or space (stripped by URL parsers, so `/\t/evil` would become `//evil`).
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\s\p{Cc}]/u.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return null;
  }
  if (url.origin !== HERE) return null;
  const label = LISTS[url.pathname];
  return label ? { href: url.pathname + url.search, label } : null;
}

/**
 * Where « retour » leads from a detail page: its validated `retour` parameter, else the list the
 * browser came from (a same-origin Referer), else `fallback`.
 */
export function listReturn(url: URL, request: Request, fallback: string): ListReturn {
  const asked = safeReturn(url.searchParams.get('retour'));
  if (asked) return asked;
  const referer = request.headers.get('referer');
  if (referer) {
    try {
      const from = new URL(referer);
      const found = from.origin === url.origin ? safeReturn(from.pathname + from.search) : null;
      if (found) return found;
    } catch {
      // not an address: ignored
    }
  }
  return safeReturn(fallback) ?? { href: fallback, label: 'Retour' };
}

/** A detail page's address carrying the list to come back to (this list, as it is now). */
export function withReturn(href: string, list: URL): string {
  return `${href}?retour=${encodeURIComponent(list.pathname + list.search)}`;
}
