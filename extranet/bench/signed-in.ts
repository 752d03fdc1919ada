// Signed-in pages against anonymous ones (issue 25): the same server, the same run, 25 users at
// once on each page in turn, with 10,000 persons and their requests, on SQLite and (when
// BENCH_DATABASE_URL or TEST_DATABASE_URL points to a PostgreSQL server whose role may create
// databases) on PostgreSQL. Prints requests/s, p50 and p95 per page and each signed-in page's
// requests/s as a share of the anonymous sign-in page's, beside its budget.
// Runs the BUILT server. Usage: node bench/signed-in.ts   (from extranet/)
// Profile the server under this load: BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof".
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { addDays, nowMs, parisDate } from '@maillage/platform/clock';
import type { ExtranetFigures, SignedInFigure } from '@maillage/scripts/lib/bench-table';
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.ts';
import { benchPerson, benchRegistration, benchSession } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const PERSONS = Number(process.env.BENCH_PERSONS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 25);
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 60);
const BUDGET_P95_MS = 100;
/** Share of the anonymous sign-in page's requests/s: the lightest signed-in page, then the others. */
const BUDGET_LIGHTEST = 0.7;
const BUDGET_PAGES = 0.5;

bench.requireBuiltServer();

interface Page {
  name: string;
  path: (u: number, i: number) => string;
  anonymous?: boolean;
  budget?: number;
}

/** 10,000 persons and one request each, spread over the four territories; those the advisor sees. */
async function seed(db: Db, mine: string[]): Promise<number[]> {
  const now = nowMs();
  const visible: number[] = [];
  const chunk = 500;
  for (let start = 0; start < PERSONS; start += chunk) {
    const n = Math.min(chunk, PERSONS - start);
    const at = new Date(now).toISOString();
    const people = Array.from({ length: n }, (_, k) =>
      benchPerson(start + k, bench.TERRITORIES[(start + k) % 4]!, at, 30_000_000),
    );
    const ids = (await db.db.insertInto('person').values(people).returning('id').execute()).map((r) => r.id);
    await db.db
      .insertInto('registration')
      .values(
        ids.map((id, k) => {
          const i = start + k;
          return benchRegistration({
            reference: `MAI-2026-${String(200_000 + i).padStart(6, '0')}`,
            person_id: id,
            kind: i % 5 === 0 ? 'support' : 'event',
            territory: bench.TERRITORIES[i % 4]!,
            status: i % 3 ? 'accepted' : 'received',
            created_at: new Date(now - i * 3_600_000).toISOString(),
          });
        }),
      )
      .execute();
    ids.forEach((id, k) => {
      if (mine.includes(bench.TERRITORIES[(start + k) % 4]!)) visible.push(id);
    });
  }
  return visible;
}

/** A Parcours in progress in the advisor's territory, with 12 of their people accepted on it. */
async function seedSession(db: Db, territory: string, persons: number[]): Promise<string> {
  const today = parisDate();
  const id = 'bench-signed-in-session';
  await db.db
    .insertInto('event_copy')
    .values(
      benchSession({
        id,
        title: 'Parcours des Possibles (banc)',
        territory,
        dates: [-6, -4, -2, 0, 2, 4, 6].map((d) => addDays(today, d)),
        capacity: 12,
        at: new Date(nowMs()).toISOString(),
      }),
    )
    .execute();
  await db.db
    .updateTable('registration')
    .set({ event_id: id, status: 'accepted' })
    .where('person_id', 'in', persons)
    .execute();
  return id;
}

async function loadPage(url: string, cookies: string[], page: Page) {
  const load = await bench.concurrentLoad(url, page.anonymous ? cookies.map(() => '') : cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: page.path,
  });
  return bench.loadSummary(load);
}

const rows: string[][] = [];
const figures: SignedInFigure[] = [];
await bench.eachTarget(
  SECRET,
  { bases: process.env.BENCH_BASES?.split(',') },
  async ({ target, url, db }) => {
    process.stdout.write(`› ${target.name} : ${PERSONS} personnes… `);
    const mine = (
      await db.db
        .selectFrom('users')
        .innerJoin('user_territory', 'user_territory.user_id', 'users.id')
        .select('user_territory.territory')
        .where('users.email', '=', 'conseiller@maillage.test')
        .execute()
    ).map((r) => r.territory);
    const people = await seed(db, mine);
    const session = await seedSession(db, mine[0]!, people.slice(0, 12));
    // As autovacuum would after such a load: the planner's statistics (SQLite keeps none by design).
    if (db.kind === 'postgres') await sql`ANALYZE`.execute(db.db);
    const pages: Page[] = [
      { name: '/connexion (anonyme)', path: () => '/connexion', anonymous: true },
      { name: '/mot-de-passe-oublie (anonyme)', path: () => '/mot-de-passe-oublie', anonymous: true },
      { name: '/compte/securite', path: () => '/compte/securite', budget: BUDGET_LIGHTEST },
      { name: '/ (tableau de bord)', path: () => '/', budget: BUDGET_PAGES },
      { name: '/demandes', path: () => '/demandes', budget: BUDGET_PAGES },
      { name: '/sessions/[id] (émargement)', path: () => `/sessions/${session}`, budget: BUDGET_PAGES },
      {
        name: '/personnes/[id] (dossier)',
        path: (u, i) => `/personnes/${people[(u * 7919 + i * 104_729) % people.length]}`,
        budget: BUDGET_PAGES,
      },
      { name: '/agenda', path: () => '/agenda', budget: BUDGET_PAGES },
    ];
    // BENCH_PAGES=/demandes,/agenda: only those (and the reference), e.g. to profile one page.
    const only = process.env.BENCH_PAGES?.split(',');
    if (only)
      pages.splice(
        0,
        pages.length,
        ...pages.filter((p, i) => i === 0 || only.some((o) => p.name.startsWith(o))),
      );
    console.log('mesure…');
    const cookies = await bench.signInUsers(url, USERS);
    const results = new Map<string, ReturnType<typeof bench.loadSummary>>();
    for (const page of pages) results.set(page.name, await loadPage(url, cookies, page));
    const reference = results.get('/connexion (anonyme)')!.rps;
    for (const page of pages) {
      const r = results.get(page.name)!;
      const ratio = r.rps / reference;
      const ok = page.budget === undefined || (ratio >= page.budget && r.p95 <= BUDGET_P95_MS);
      rows.push([
        target.name,
        page.name,
        r.rps.toFixed(0),
        r.p50.toFixed(0),
        r.p95.toFixed(0),
        String(r.errors),
        page.budget === undefined ? '—' : `${Math.round(ratio * 100)} %`,
        page.budget === undefined ? '—' : `≥ ${page.budget * 100} %, p95 ≤ ${BUDGET_P95_MS}`,
        r.errors ? 'NON' : page.budget === undefined ? '—' : ok ? 'oui' : 'NON',
      ]);
      figures.push({
        base: target.name,
        page: page.name,
        ...r,
        ratio,
        budget: page.budget ?? null,
        p95Budget: BUDGET_P95_MS,
      });
    }
  },
);

console.log(
  `\nPages connectées et anonymes : ${USERS} utilisateurs à la fois, ${REQUESTS_PER_USER} pages chacun, ${PERSONS} personnes :\n`,
);
bench.printTable(
  ['Base', 'Page', 'req/s', 'p50 (ms)', 'p95 (ms)', 'Erreurs', 'part de /connexion', 'Budget', 'Tenu'],
  rows,
);
// With BENCH_JSON (npm run bench): added to the figures inbox.ts wrote there, for the one table.
if (process.env.BENCH_JSON) {
  const file = process.env.BENCH_JSON;
  const before = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(
    file,
    JSON.stringify({ ...before, signedIn: figures } satisfies Partial<ExtranetFigures>, null, 2),
  );
}
