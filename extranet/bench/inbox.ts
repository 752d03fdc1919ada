// Extranet benchmark, on SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL points to a
// PostgreSQL server whose role may create databases) on PostgreSQL, against the BUILT server
// (`npm run build -w extranet` first):
// - intake: 200 concurrent registrations through the API: throughput, and zero loss (every 201 is
//   stored, nothing else is);
// - inbox: /demandes latency for 25 concurrent signed-in users at 10,000 then 100,000 registrations
//   (BENCH_SIZES=10000,100000): p95 within 200 ms at the first size, and within 1.5× of it at the last.
// Prints a table; with BENCH_JSON=<file> also writes the figures there (scripts/bench.ts merges them).
// Usage: node bench/inbox.ts   (from extranet/)
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  type ExtranetFigures,
  type InboxFigure,
  type IntakeFigure,
  noLoss,
} from '@maillage/scripts/lib/bench-table';
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.ts';
import { createSealer } from '../src/lib/sealed.ts';
import { benchPerson, benchRegistration, benchSession } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const INTAKE_CONCURRENCY = 200;
const SERVICE_TOKEN = 'bench-service-token';
const GROWTH_LIMIT = 1.5;
const USERS = 25;
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 40);
const BUDGET_P95_MS = 200;
const STATUSES = ['received', 'received', 'accepted', 'waitlisted', 'declined', 'cancelled'] as const;

bench.requireBuiltServer();

async function seed(db: Db, from: number, to: number): Promise<void> {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const [i, territory] of (from === 0 ? bench.TERRITORIES : []).entries()) {
    const date = new Date(now + (10 + i) * 86400_000).toISOString().slice(0, 10);
    await db.db
      .insertInto('event_copy')
      .values(
        benchSession({
          id: `bench-${territory}`,
          title: `Parcours des Possibles — ${territory}`,
          territory,
          dates: [date],
          capacity: 10_000,
          at: iso(now),
        }),
      )
      .execute();
  }
  const chunk = 500;
  for (let start = from; start < to; start += chunk) {
    const n = Math.min(chunk, to - start);
    const people = Array.from({ length: n }, (_, k) =>
      benchPerson(start + k, bench.TERRITORIES[(start + k) % 4]!, iso(now)),
    );
    const ids = await db.db.insertInto('person').values(people).returning('id').execute();
    await db.db
      .insertInto('registration')
      .values(
        ids.map(({ id }, k) => {
          const i = start + k;
          const territory = bench.TERRITORIES[i % 4]!;
          const created = iso(now - i * 60_000);
          return benchRegistration({
            reference: `MAI-2026-${String(900_000 + i).padStart(6, '0')}`,
            person_id: id,
            event_id: `bench-${territory}`,
            territory,
            status: STATUSES[i % STATUSES.length]!,
            created_at: created,
          });
        }),
      )
      .execute();
  }
}

// Searches are sealed in the URL (src/lib/sealed.ts); the bench knows the server's secret.
const PATHS = [
  '/demandes',
  '/demandes?page=2',
  '/demandes?status=received',
  `/demandes?r=${createSealer(SECRET).seal('martin')}`,
  '/demandes?sort=name&page=5',
];

async function measure(url: string) {
  const cookies = await bench.signInUsers(url, USERS);
  const load = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: (u, i) => PATHS[(u + i) % PATHS.length]!,
    // Per kind of view (the sealed search shows as « recherche »): where the time goes.
    kindOf: (path) => (path.includes('r=') ? '/demandes?recherche' : path),
  });
  if (load.statuses.size)
    console.log(`réponses non 200 : ${JSON.stringify(Object.fromEntries(load.statuses))}`);
  const paths = Object.fromEntries(
    [...load.byKind].map(([kind, list]) => [kind, Math.round(bench.percentile(list, 95))]),
  );
  console.log(`p95 par vue (ms) : ${JSON.stringify(paths)}`);
  return { paths, ...bench.loadSummary(load) };
}

/** 200 registrations at once through the intake API: throughput, and none lost or invented. */
async function intakeBurst(url: string, db: Db) {
  const keys = Array.from({ length: INTAKE_CONCURRENCY }, () => randomUUID());
  const started = performance.now();
  const answers = await Promise.all(
    keys.map(async (idempotencyKey, i) => {
      try {
        const res = await fetch(`${url}/api/intake/registrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
          body: JSON.stringify({
            kind: 'event',
            eventId: `bench-${bench.TERRITORIES[i % 4]}`,
            idempotencyKey,
            firstName: 'Bench',
            lastName: `Intake-${i}`,
            phone: `07${String(20_000_000 + i).slice(-8)}`,
            preferredContact: 'appel',
            situation: { rsa: 'oui', jobSeeker: 'oui' },
          }),
        });
        await res.text();
        return res.status;
      } catch {
        return 0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const acknowledged = answers.filter((s) => s === 201).length;
  const stored = Number(
    (
      await db.db
        .selectFrom('registration')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('idempotency_key', 'in', keys)
        .executeTakeFirstOrThrow()
    ).n,
  );
  return {
    acknowledged,
    stored,
    lost: Math.max(0, acknowledged - stored),
    rps: INTAKE_CONCURRENCY / seconds,
  };
}

const inbox: InboxFigure[] = [];
const intake: IntakeFigure[] = [];
const bases = (process.env.BENCH_BASES ?? 'SQLite,PostgreSQL').split(',');
await bench.eachTarget(
  SECRET,
  { env: { EXTRANET_SERVICE_TOKEN: SERVICE_TOKEN }, bases },
  async ({ target, url, db }) => {
    let seeded = 0;
    for (const size of SIZES) {
      process.stdout.write(`› ${target.name} : ${size} inscriptions… `);
      await seed(db, seeded, size);
      // What autovacuum does within a minute of such a load: the planner then sees the table as it
      // is in steady state (a table never grows by 90,000 rows in a few seconds in real life).
      if (db.kind === 'postgres') await sql`ANALYZE`.execute(db.db);
      seeded = size;
      if (intake.every((i) => i.base !== target.name)) {
        process.stdout.write('dépôt de 200 demandes… ');
        intake.push({ base: target.name, concurrent: INTAKE_CONCURRENCY, ...(await intakeBurst(url, db)) });
      }
      process.stdout.write('mesure… ');
      const r = await measure(url);
      console.log('fait.');
      inbox.push({ base: target.name, registrations: size, requests: r.n, ...r });
    }
  },
);

/** p95 at the largest size over p95 at the smallest, per base. */
const growth = (base: string) => {
  const mine = inbox.filter((r) => r.base === base);
  const first = mine[0];
  const last = mine[mine.length - 1];
  return first && last && mine.length > 1 ? last.p95 / first.p95 : null;
};
console.log(`\nDépôt de ${INTAKE_CONCURRENCY} demandes simultanées (API d’inscription) :\n`);
bench.printTable(
  ['Base', 'Acceptées (201)', 'Enregistrées', 'Perdues', 'req/s', 'Zéro perte'],
  intake.map((r) => [
    r.base,
    String(r.acknowledged),
    String(r.stored),
    String(r.lost),
    r.rps.toFixed(0),
    noLoss(r) ? 'oui' : 'NON',
  ]),
);
console.log(`\nListe des demandes (/demandes), ${USERS} utilisateurs connectés en parallèle :\n`);
bench.printTable(
  ['Base', 'Inscriptions', ...bench.LOAD_HEADER, 'Budget'],
  inbox.map((r, i) => {
    const first = inbox.findIndex((x) => x.base === r.base) === i;
    const g = growth(r.base);
    const ok = first ? r.p95 <= BUDGET_P95_MS : g !== null && g <= GROWTH_LIMIT;
    const budget = first ? `p95 ≤ ${BUDGET_P95_MS} ms` : `×${g?.toFixed(2)} ≤ ×${GROWTH_LIMIT}`;
    return [
      r.base,
      String(r.registrations),
      ...bench.loadCells({ ...r, n: r.requests }),
      `${budget} : ${ok ? 'oui' : 'NON'}`,
    ];
  }),
);
if (process.env.BENCH_JSON) {
  writeFileSync(
    process.env.BENCH_JSON,
    JSON.stringify(
      {
        intake,
        inbox: inbox.map((r) => ({ ...r, growth: growth(r.base) })),
        budgets: { inboxP95Ms: BUDGET_P95_MS, inboxGrowth: GROWTH_LIMIT },
      } satisfies ExtranetFigures,
      null,
      2,
    ),
  );
}
