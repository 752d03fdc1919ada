/*
 * How a person's name is stored for the global search (table person_search_key): its words folded
 * (accents, case and punctuation aside) and, for words long enough to carry a typo, their
 * one-letter deletions — two words one edit apart always share a key, so a typo is found by plain
 * indexed equality on SQLite and PostgreSQL. Here, below the features, because the migration that
 * keys the people already there uses it too; features/search/search.rules.ts reads typed terms.
 */

/** Words shorter than this are matched exactly or as a prefix, never with a typo. */
export const FUZZY_FROM = 4;

/** Folded names, remembered: a page of results holds the same names many times. */
const folded = new Map<string, string>();

/** Lower case, accents removed, every run of non-letters one space: « Élodie  D'Hondt » → "elodie d hondt". */
export function foldName(text: string | null | undefined): string {
  if (!text) return '';
  let f = folded.get(text);
  if (f === undefined) {
    f = fold(text);
    if (folded.size >= 10_000) folded.clear();
    folded.set(text, f);
  }
  return f;
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The folded words of a name, each once. */
export function nameWords(...parts: (string | null | undefined)[]): string[] {
  return [...new Set(parts.flatMap((p) => foldName(p).split(' ')).filter((w) => w.length > 0))];
}

/** The word with one letter removed, at each place (each variant once). */
export function deletions(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  out.delete('');
  return [...out];
}

/**
 * The search keys stored for a person's name: each word as `=word`, and for words long enough to
 * carry a typo, their one-letter deletions as `~variant`. A compound name also gives its words
 * joined (« Le Gall » → "legall"), as people type it both ways.
 */
export function nameKeys(
  firstName: string | null | undefined,
  lastName: string | null | undefined,
): string[] {
  const words = nameWords(firstName, lastName);
  const joined = [foldName(firstName), foldName(lastName)]
    .filter((p) => p.includes(' '))
    .map((p) => p.replace(/ /g, ''));
  const keys = new Set<string>();
  for (const w of [...words, ...joined]) {
    keys.add(`=${w}`);
    if (w.length >= FUZZY_FROM) for (const d of deletions(w)) keys.add(`~${d}`);
  }
  return [...keys];
}
