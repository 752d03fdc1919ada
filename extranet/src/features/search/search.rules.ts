import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { z } from 'zod';
import { deletions, FUZZY_FROM, foldName, nameWords } from '../../db/name-keys.ts';

/*
 * The global search's rules, without SQL (a name's stored keys are db/name-keys.ts): how a typed
 * term is read (a phone number, an e-mail, a request reference, a
 * person's number, or words of a name), and how close a found name is to what was typed.
 *
 * Typos: a name's words are stored with their one-letter deletions (the "deletion neighbourhood"):
 * two words one edit apart (a letter missing, added, changed or two swapped) always share a key, so
 * the database finds the candidates by plain indexed equality — the same on SQLite and PostgreSQL —
 * and `editDistance` ranks them.
 */

/** The shortest term searched, and the longest. */
const MIN_TERM = 2;
const MAX_TERM = 80;

/** `?q=` of /recherche: trimmed; empty or too short says so in French. */
export const searchQuery = z.object({
  q: z
    .string({ error: 'Saisissez un nom, un téléphone, un e-mail ou un numéro de dossier.' })
    .trim()
    .min(1, { error: 'Saisissez un nom, un téléphone, un e-mail ou un numéro de dossier.' })
    .min(MIN_TERM, { error: `Saisissez au moins ${MIN_TERM} caractères.` })
    .max(MAX_TERM, { error: `La recherche est trop longue (${MAX_TERM} caractères au plus).` }),
});

/** How one typed word is looked up: its exact key, its prefix range, and its typo keys. */
export interface WordLookup {
  word: string;
  exact: string;
  /** keys in [from, to) are the stored words starting with this word */
  prefix: { from: string; to: string } | null;
  fuzzy: string[];
}

export function wordLookup(word: string): WordLookup {
  const fuzzy = new Set<string>();
  if (word.length >= FUZZY_FROM) {
    // A stored word one edit away: it has this word among its deletions (a letter missing here),
    // this word has it among its own (a letter added here), or both share a deletion (one changed
    // or two swapped).
    fuzzy.add(`~${word}`);
    for (const d of deletions(word)) {
      fuzzy.add(`=${d}`);
      fuzzy.add(`~${d}`);
    }
  }
  return {
    word,
    exact: `=${word}`,
    // '{' follows 'z' and '9' precedes it: the range holds every folded word with this start.
    prefix: word.length >= 3 ? { from: `=${word}`, to: `=${word}{` } : null,
    fuzzy: [...fuzzy],
  };
}

/** Damerau–Levenshtein (optimal string alignment) distance between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * How well a person's name answers the typed words: 0 when every word is one of the name's words,
 * 1 per word found only as a start, 2 per word found only with a typo; null when a word is not
 * there at all (then the person is not a result).
 */
export function nameScore(words: string[], firstName: string | null, lastName: string | null): number | null {
  const own = nameWords(firstName, lastName);
  const joined = [foldName(firstName), foldName(lastName)].map((p) => p.replace(/ /g, ''));
  const all = [...own, ...joined.filter((j) => j.length > 0)];
  let score = 0;
  for (const w of words) {
    if (all.includes(w)) continue;
    if (w.length >= 3 && all.some((o) => o.startsWith(w))) {
      score += 1;
      continue;
    }
    if (w.length >= FUZZY_FROM && all.some((o) => editDistance(w, o) <= 1)) {
      score += 2;
      continue;
    }
    return null;
  }
  return score;
}

const REFERENCE = /^MAI-?(\d{4})-?(\d{1,6})$/i;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/** What a typed term is, read in that order: a request reference, an e-mail, a phone, a person's number, a name. */
type SearchTerm =
  | { kind: 'reference'; reference: string }
  | { kind: 'email'; email: string }
  | { kind: 'phone'; phone: string }
  | { kind: 'number'; id: number }
  | { kind: 'name'; words: string[] };

export function readTerm(q: string): SearchTerm | null {
  const term = q.trim();
  const ref = REFERENCE.exec(term.replace(/\s+/g, ''));
  if (ref) return { kind: 'reference', reference: `MAI-${ref[1]}-${ref[2]!.padStart(6, '0')}` };
  if (EMAIL.test(term)) return { kind: 'email', email: term.toLowerCase() };
  const phone = normaliseFrenchPhone(term);
  if (phone) return { kind: 'phone', phone };
  // « 1234 », « n° 1234 », « #1234 »: a person's number (their id, shown on their file).
  const number = /^(?:n°|no|#)?\s*(\d{1,9})$/i.exec(term);
  if (number) {
    const id = Number(number[1]);
    return id > 0 && id <= 2_147_483_647 ? { kind: 'number', id } : null;
  }
  // Up to five words (the longest first: they narrow the candidates most).
  const words = nameWords(term)
    .filter((w) => !/^\d+$/.test(w))
    .sort((a, b) => b.length - a.length)
    .slice(0, 5);
  return words.length ? { kind: 'name', words } : null;
}
