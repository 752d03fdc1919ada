// Global search latency (issue 19): 25 concurrent signed-in users on /recherche over 100,000 persons
// (their name keys written as the app writes them) and 300,000 requests, on SQLite and (when
// BENCH_DATABASE_URL or TEST_DATABASE_URL points to a PostgreSQL server whose role may create
// databases) on PostgreSQL. The terms mix what advisors type: a last name, first and last name with
// a typo or in capitals, the start of a name, a phone in two formats, an e-mail, a request
// reference — each of someone the demo advisor may see, so every answer must list a result.
// Budget: p95 ≤ 100 ms. Prints a table; with BENCH_JSON=<file> adds its figures to that file
// (written by bench/inbox.ts; scripts/bench.ts shows them in the one table). Runs the BUILT server.
// Usage: node bench/search.ts   (from extranet/)
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { nowMs } from '@maillage/platform/clock';
import type { ExtranetFigures, SearchFigure } from '@maillage/scripts/lib/bench-table';
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.ts';
import { nameKeys } from '../src/db/name-keys.ts';
import { benchPerson, benchRegistration } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
const REQUESTS_PER_PERSON = 3;
const USERS = Number(process.env.BENCH_USERS ?? 25);
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 40);
const BUDGET_P95_MS = 100;

const FIRST = [
  'Élodie',
  'Kévin',
  'Sylvie',
  'Mohamed',
  'Julie',
  'Bruno',
  'Awa',
  'Léa',
  'Yanis',
  'Chantal',
  'Anaïs',
  'Jérôme',
  'Nathalie',
  'Karim',
  'Océane',
  'Thierry',
  'Fatou',
  'Hélène',
  'Loïc',
  'Inès',
  'Mathéo',
  'Noémie',
  'Rachid',
  'Céline',
  'Dylan',
  'Sandrine',
  'Bastien',
  'Zoé',
  'Franck',
  'Amandine',
];
const STEMS = [
  'Lef',
  'Dub',
  'Hadd',
  'Mart',
  'Lem',
  'Dial',
  'Pet',
  'Rou',
  'Ler',
  'Ben',
  'Wat',
  'Deb',
  'Caron',
  'Vass',
  'Delat',
  'Quen',
  'Brass',
  'Duc',
  'Fourn',
  'Gosse',
  'Hen',
  'Lecl',
  'Masc',
  'Pouill',
  'Sauv',
  'Tell',
  'Vanh',
  'Wal',
  'Delc',
  'Boul',
  'Carp',
  'Dew',
  'Fauq',
  'Gall',
  'Lann',
  'Moreau',
  'Ost',
  'Rich',
  'Stiev',
  'Verh',
];
const ENDS = [
  'èvre',
  'ois',
  'ad',
  'in',
  'aire',
  'lo',
  'it',
  'x',
  'oy',
  'ali',
  'tiez',
  'rabant',
  'on',
  'eur',
  'tre',
  'nesson',
  'art',
  'hamp',
  'ier',
  'let',
  'ry',
  'ercq',
  'aro',
  'ard',
  'et',
  'ier-Dupont',
  'oeck',
  'ez',
  'ourt',
  'anger',
  'entier',
  'ulf',
  'uet',
  'ois-Leroy',
  'oy',
  'eau',
  'rowski',
  'ard',
  'enart',
  'aeghe',
];

/** Person n° i's name: 30 first names × 1,600 last names, so a last name is shared by about 60 people. */
function nameOf(i: number) {
  return {
    first: FIRST[i % FIRST.length]!,
    last: `${STEMS[Math.floor(i / FIRST.length) % STEMS.length]}${ENDS[Math.floor(i / (FIRST.length * STEMS.length)) % ENDS.length]}`,
  };
}
const phoneOf = (i: number) => `+336${String(30_000_000 + i).slice(-8)}`;
const emailOf = (i: number) => (i % 3 === 0 ? `personne.${i}@exemple.test` : null);
const referenceOf = (i: number, j: number) =>
  `MAI-2026-${String(i * REQUESTS_PER_PERSON + j + 1).padStart(6, '0')}`;

bench.requireBuiltServer();

async function seed(db: Db): Promise<void> {
  const at = new Date(nowMs()).toISOString();
  const chunk = 500;
  for (let start = 0; start < PERSONS; start += chunk) {
    const n = Math.min(chunk, PERSONS - start);
    const people = Array.from({ length: n }, (_, k) => {
      const i = start + k;
      const { first, last } = nameOf(i);
      return {
        ...benchPerson(i, bench.TERRITORIES[i % 4]!, at),
        first_name: first,
        last_name: last,
        phone: phoneOf(i),
        email: emailOf(i),
      };
    });
    // One transaction a chunk: SQLite writes it at once (PostgreSQL too, in one round trip each).
    await db.db.transaction().execute(async (trx) => {
      const ids = (await trx.insertInto('person').values(people).returning('id').execute()).map((r) => r.id);
      const keys = ids.flatMap((id, k) =>
        nameKeys(people[k]!.first_name, people[k]!.last_name).map((key) => ({ key, person_id: id })),
      );
      for (let s = 0; s < keys.length; s += 5000) {
        await trx
          .insertInto('person_search_key')
          .values(keys.slice(s, s + 5000))
          .execute();
      }
      const regs = ids.flatMap((id, k) =>
        Array.from({ length: REQUESTS_PER_PERSON }, (_, j) =>
          benchRegistration({
            reference: referenceOf(start + k, j),
            person_id: id,
            kind: j === 2 ? 'support' : 'event',
            territory: people[k]!.territory ?? null,
            status: j === 0 ? 'received' : 'accepted',
            created_at: at,
          }),
        ),
      );
      for (let s = 0; s < regs.length; s += 500) {
        await trx
          .insertInto('registration')
          .values(regs.slice(s, s + 500))
          .execute();
      }
    });
  }
}

/** What advisors type, for person n° i (one the demo advisor may see). */
function termOf(i: number, k: number): string {
  const { first, last } = nameOf(i);
  switch (k % 10) {
    case 0:
    case 1:
      return last;
    case 2: {
      // one letter changed in the last name
      const at = Math.min(2, last.length - 1);
      return `${first} ${last.slice(0, at)}${last[at] === 'x' ? 'y' : 'x'}${last.slice(at + 1)}`;
    }
    case 3:
      return `${first} ${last}`.toUpperCase();
    case 4:
      return last.slice(0, 4).toLowerCase();
    case 5:
      return `0${phoneOf(i).slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
    case 6:
      return phoneOf(i);
    case 7:
      // someone with an e-mail (one in three) in the same territories: n° multiple of 12
      return emailOf(i - (i % 12)) ?? phoneOf(i);
    case 8:
      return referenceOf(i, 1);
    default:
      return `${first.slice(0, 3)} ${last}`;
  }
}

async function measure(url: string) {
  // The demo advisor's territories are the first two: people 0, 1, 4, 5, 8, 9…
  const visible = (u: number, i: number) => {
    const n = (u * 7919 + i * 104_729) % PERSONS;
    return n - (n % 4) + (n % 2);
  };
  const pathOf = (u: number, i: number) =>
    `/recherche?q=${encodeURIComponent(termOf(visible(u, i), u * REQUESTS_PER_USER + i))}`;
  const cookies = await bench.signInUsers(url, USERS);
  const kinds = [
    'nom',
    'nom',
    'faute',
    'majuscules',
    'début',
    'téléphone 06',
    'téléphone +33',
    'e-mail',
    'référence',
    'prénom abrégé',
  ];
  const kindByPath = new Map<string, string>();
  for (let u = 0; u < USERS; u++)
    for (let i = 0; i < REQUESTS_PER_USER; i++)
      kindByPath.set(pathOf(u, i), kinds[(u * REQUESTS_PER_USER + i) % 10]!);
  const load = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf,
    kindOf: (path) => kindByPath.get(path) ?? '?',
    // Every term is someone the advisor may see: an answer without a result is an error.
    accept: (_path, body) => /id="r-(personnes|demandes)"/.test(body),
  });
  // The same load on a page without a query of its own (the account page): what the server and
  // the machine cost before any search, to read the search's figures against.
  const baseline = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: () => '/compte/securite',
  });
  const kindsP95 = Object.fromEntries(
    [...load.byKind].map(([k, list]) => [k, Math.round(bench.percentile(list, 95))]),
  );
  return { ...bench.loadSummary(load), kindsP95, baselineP95: bench.percentile(baseline.latencies, 95) };
}

const rows: string[][] = [];
const figures: SearchFigure[] = [];
await bench.eachTarget(SECRET, {}, async ({ target, url, db }) => {
  process.stdout.write(
    `› ${target.name} : ${PERSONS} personnes, ${PERSONS * REQUESTS_PER_PERSON} demandes… `,
  );
  const t = performance.now();
  await seed(db);
  // What autovacuum's autoanalyze does after a bulk load in production (SQLite's plans do not
  // depend on statistics: the queries are written for its planner as it is).
  if (db.kind === 'postgres')
    await sql`analyze person, person_search_key, registration, support`.execute(db.db);
  process.stdout.write(`chargées en ${((performance.now() - t) / 1000).toFixed(0)} s, mesure… `);
  const r = await measure(url);
  console.log(
    `fait. p95 par recherche : ${Object.entries(r.kindsP95)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')}`,
  );
  rows.push([
    target.name,
    ...bench.loadCells(r),
    r.p95 <= BUDGET_P95_MS ? 'oui' : 'NON',
    r.baselineP95.toFixed(0),
  ]);
  figures.push({
    base: target.name,
    persons: PERSONS,
    requests: PERSONS * REQUESTS_PER_PERSON,
    users: USERS,
    p50: r.p50,
    p95: r.p95,
    max: r.max,
    rps: r.rps,
    errors: r.errors,
    kinds: r.kindsP95,
    baselineP95: r.baselineP95,
  });
});

console.log(
  `\nRecherche globale (/recherche), ${PERSONS.toLocaleString('fr-FR')} personnes et ${(PERSONS * REQUESTS_PER_PERSON).toLocaleString('fr-FR')} demandes, ${USERS} utilisateurs connectés en parallèle :\n`,
);
bench.printTable(['Base', ...bench.LOAD_HEADER, `p95 ≤ ${BUDGET_P95_MS} ms`, 'p95 page témoin (ms)'], rows);

if (process.env.BENCH_JSON) {
  // bench/inbox.ts writes the file first; the search figures are added to it.
  const file = process.env.BENCH_JSON;
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const added: Pick<ExtranetFigures, 'search' | 'searchBudgets'> = {
    search: figures,
    searchBudgets: { p95Ms: BUDGET_P95_MS },
  };
  writeFileSync(file, JSON.stringify({ ...existing, ...added }, null, 2));
}
