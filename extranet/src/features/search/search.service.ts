import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { foldName } from '../../db/name-keys.ts';
import { audit } from '../audit/audit.repository.ts';
import { canSeeTerritory, type Viewer } from '../auth/viewer.ts';
import {
  idsByName,
  peopleByContact,
  peopleByIds,
  requestsFound,
  sessionTitles,
  supportsFound,
  wordFrequency,
} from './search.repository.ts';
import { nameScore, readTerm, wordLookup } from './search.rules.ts';

/** Results shown per group; one more is read to know whether to ask for a narrower search. */
export const PER_GROUP = 20;
/** People named by the keys, read at most (the viewer's are then among them; the rank is rough). */
const NAME_CANDIDATES = 150;
/** Keys counted per word to find the rarest (search.repository.ts `wordFrequency`). */
const WORD_COUNT_CAP = 2000;
/** The sessions whose titles are compared (the most recent). */
const SESSION_WINDOW = 2000;

interface Group<T> {
  items: T[];
  /** more than shown: the search should be narrowed */
  more: boolean;
}

/** Folded names compare as plain text (no locale needed once accents are gone). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const group = <T>(rows: T[]): Group<T> => ({
  items: rows.slice(0, PER_GROUP),
  more: rows.length > PER_GROUP,
});

/**
 * The people the viewer may see whose name answers the typed words, best first (at most
 * PER_GROUP + 1), and whether more were named than read (then the search should be narrowed).
 */
async function peopleByName(db: Kysely<Database>, viewer: Viewer, words: string[]) {
  const lookups = words.map(wordLookup);
  if (lookups.length > 1) {
    // The rarest word first: the query starts from the people it names.
    const counts = await Promise.all(lookups.map((w) => wordFrequency(db, w, WORD_COUNT_CAP)));
    const order = lookups.map((w, i) => ({ w, n: counts[i] ?? 0 })).sort((a, b) => a.n - b.n);
    lookups.splice(0, lookups.length, ...order.map((o) => o.w));
  }
  const ranked = await idsByName(db, lookups, NAME_CANDIDATES);
  const rank = new Map(ranked.map((r) => [r.id, r.rank]));
  // Only those the viewer may see (their territories; admins all), as personScope says in SQL.
  const rows = (
    await peopleByIds(
      db,
      ranked.map((r) => r.id),
    )
  ).filter((p) => canSeeTerritory(viewer, p.territory));
  const people = rows
    .map((p) => ({ p, score: nameScore(words, p.first_name, p.last_name) }))
    .filter((c): c is { p: (typeof rows)[number]; score: number } => c.score !== null)
    .sort(
      (a, b) =>
        a.score - b.score ||
        (rank.get(a.p.id) ?? 0) - (rank.get(b.p.id) ?? 0) ||
        byText(foldName(a.p.last_name ?? a.p.first_name), foldName(b.p.last_name ?? b.p.first_name)) ||
        a.p.id - b.p.id,
    )
    .map((c) => c.p)
    .slice(0, PER_GROUP + 1);
  // More people named than read: the viewer's may be further; the page asks to narrow the search.
  return { people, capped: ranked.length === NAME_CANDIDATES };
}

/**
 * The global search for a viewer: people, requests, sessions and supports, each only what the
 * viewer may see. The term is never stored: the audit log keeps one row with the counts.
 */
export async function globalSearch(db: Kysely<Database>, viewer: Viewer, q: string) {
  const term = readTerm(q);
  const limit = PER_GROUP + 1;
  let people: Awaited<ReturnType<typeof peopleByContact>> = [];
  let requests: Awaited<ReturnType<typeof requestsFound>> = [];
  let sessions: Awaited<ReturnType<typeof sessionTitles>> = [];
  let capped = false;
  if (term?.kind === 'reference') {
    requests = await requestsFound(db, viewer, { reference: term.reference }, limit);
  } else if (term?.kind === 'phone' || term?.kind === 'email' || term?.kind === 'number') {
    const by =
      term.kind === 'phone'
        ? { phone: term.phone }
        : term.kind === 'email'
          ? { email: term.email }
          : { id: term.id };
    people = await peopleByContact(db, viewer, by, limit);
  } else if (term?.kind === 'name') {
    // The sessions' titles are read beside the people (one round trip less on PostgreSQL).
    const [found, titles] = await Promise.all([
      peopleByName(db, viewer, term.words),
      sessionTitles(db, viewer, SESSION_WINDOW),
    ]);
    people = found.people;
    capped = found.capped;
    sessions = titles.filter((s) => nameScore(term.words, s.title, s.program_title) !== null).slice(0, limit);
  }
  const shownPeople = people.slice(0, PER_GROUP).map((p) => p.id);
  const [personRequests, supports] = await Promise.all([
    term?.kind === 'reference'
      ? Promise.resolve(requests)
      : requestsFound(db, viewer, { personIds: shownPeople }, limit),
    supportsFound(
      db,
      viewer,
      term?.kind === 'reference' ? requests.map((r) => r.person_id) : shownPeople,
      limit,
    ),
  ]);
  const result = {
    people: { ...group(people), more: people.length > PER_GROUP || capped },
    requests: group(personRequests),
    sessions: group(sessions),
    supports: group(supports),
  };
  await audit(db, {
    actorId: viewer.id,
    // a read (`.search`): through the reads' journal, off the request's path
    action: 'global.search',
    entityType: 'search',
    details: {
      people: result.people.items.length,
      requests: result.requests.items.length,
      sessions: result.sessions.items.length,
      supports: result.supports.items.length,
    },
  });
  return result;
}

export type SearchResult = Awaited<ReturnType<typeof globalSearch>>;
