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
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.ts';
import { createSealer } from '../src/lib/sealed.ts';
import {
  get,
  printTable,
  requireBuiltServer,
  signIn,
  startServer,
  stopServer,
  TERRITORIES,
  targets,
} from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const INTAKE_CONCURRENCY = 200;
const SERVICE_TOKEN = 'bench-service-token';
const GROWTH_LIMIT = 1.5;
const USERS = 25;
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 40);
const BUDGET_P95_MS = 200;
const FIRST = ['Nadia', 'Kevin', 'Sylvie', 'Mohamed', 'Julie', 'Bruno', 'Awa', 'Léa', 'Yanis', 'Chantal'];
const LAST = [
  'Benali',
  'Lefebvre',
  'Dubois',
  'Haddad',
  'Martin',
  'Lemaire',
  'Diallo',
  'Petit',
  'Roux',
  'Leroy',
];
const STATUSES = ['received', 'received', 'accepted', 'waitlisted', 'declined', 'cancelled'] as const;

requireBuiltServer();

async function seed(db: Db, from: number, to: number): Promise<void> {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const [i, territory] of (from === 0 ? TERRITORIES : []).entries()) {
    const date = new Date(now + (10 + i) * 86400_000).toISOString().slice(0, 10);
    await db.db
      .insertInto('event_copy')
      .values({
        document_id: `bench-${territory}`,
        title: `Parcours des Possibles — ${territory}`,
        slug: null,
        kind: 'session',
        program_title: 'Parcours des Possibles',
        program_slug: 'parcours',
        program_kind: 'parcours',
        territory,
        territory_name: territory,
        slots_json: JSON.stringify([{ date, start: '09:00', end: '12:00' }]),
        first_slot_at: `${date}T08:00:00.000Z`,
        capacity: 10_000,
        venue_json: '{}',
        registration_opens_at: null,
        registration_closes_at: null,
        cancelled: 0,
        removed: 0,
        refreshed_at: iso(now),
      })
      .execute();
  }
  const chunk = 500;
  for (let start = from; start < to; start += chunk) {
    const n = Math.min(chunk, to - start);
    const people = Array.from({ length: n }, (_, k) => {
      const i = start + k;
      return {
        first_name: FIRST[i % FIRST.length]!,
        last_name: `${LAST[(i * 7) % LAST.length]}-${i}`,
        phone: `+336${String(10_000_000 + i).slice(-8)}`,
        email: null,
        commune_insee: null,
        commune_name: null,
        territory: TERRITORIES[i % 4]!,
        situation_rsa: 'oui',
        situation_job_seeker: 'oui',
        preferred_contact: 'appel',
        consent_at: iso(now),
        last_contact_at: iso(now),
        created_at: iso(now),
        updated_at: iso(now),
      };
    });
    const ids = await db.db.insertInto('person').values(people).returning('id').execute();
    await db.db
      .insertInto('registration')
      .values(
        ids.map(({ id }, k) => {
          const i = start + k;
          const territory = TERRITORIES[i % 4]!;
          const created = iso(now - i * 60_000);
          return {
            reference: `MAI-2026-${String(900_000 + i).padStart(6, '0')}`,
            person_id: id,
            kind: 'event' as const,
            event_id: `bench-${territory}`,
            territory,
            status: STATUSES[i % STATUSES.length]!,
            source_type: 'self' as const,
            preferred_contact: 'appel',
            idempotency_key: randomUUID(),
            created_at: created,
            updated_at: created,
          };
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
  const cookies: string[] = [];
  for (let i = 0; i < USERS; i++) cookies.push(await signIn(url));
  // Warm-up: caches, JIT, connection pool.
  await Promise.all(
    cookies.map((cookie) => get(`${url}/demandes`, { headers: { cookie } }).then((r) => r.text())),
  );
  const latencies: number[] = [];
  const byPath = new Map<string, number[]>(PATHS.map((p) => [p, []]));
  let errors = 0;
  const statuses = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    cookies.map(async (cookie, u) => {
      for (let i = 0; i < REQUESTS_PER_USER; i++) {
        const path = PATHS[(u + i) % PATHS.length]!;
        const t = performance.now();
        const res = await get(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
        await res.text();
        latencies.push(performance.now() - t);
        byPath.get(path)?.push(performance.now() - t);
        if (res.status !== 200) {
          errors++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (statuses.size) console.log(`réponses non 200 : ${JSON.stringify(Object.fromEntries(statuses))}`);
  const percentile = (list: number[], p: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  };
  const pct = (p: number) => percentile(latencies, p);
  latencies.sort((a, b) => a - b);
  // Per kind of view (the sealed search shows as « recherche »): where the time goes.
  const paths = Object.fromEntries(
    [...byPath].map(([path, list]) => [
      path.includes('r=') ? '/demandes?recherche' : path,
      Math.round(percentile(list, 95)),
    ]),
  );
  console.log(`p95 par vue (ms) : ${JSON.stringify(paths)}`);
  return {
    paths,
    n: latencies.length,
    p50: pct(50),
    p95: pct(95),
    max: latencies[latencies.length - 1]!,
    rps: latencies.length / seconds,
    errors,
  };
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
            eventId: `bench-${TERRITORIES[i % 4]}`,
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

interface InboxFigure {
  base: string;
  registrations: number;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  rps: number;
  errors: number;
  /** p95 per kind of view */
  paths: Record<string, number>;
}
interface IntakeFigure {
  base: string;
  concurrent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  rps: number;
}
const inbox: InboxFigure[] = [];
const intake: IntakeFigure[] = [];
const bases = (process.env.BENCH_BASES ?? 'SQLite,PostgreSQL').split(',');
for (const target of (await targets()).filter((t) => bases.includes(t.name))) {
  const { url, child } = await startServer({ ...target.env, EXTRANET_SERVICE_TOKEN: SERVICE_TOKEN }, SECRET);
  const db = target.open();
  try {
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
  } finally {
    await db.close();
    await stopServer(child);
    await target.drop();
  }
}

/** p95 at the largest size over p95 at the smallest, per base. */
const growth = (base: string) => {
  const mine = inbox.filter((r) => r.base === base);
  const first = mine[0];
  const last = mine[mine.length - 1];
  return first && last && mine.length > 1 ? last.p95 / first.p95 : null;
};
console.log(`\nDépôt de ${INTAKE_CONCURRENCY} demandes simultanées (API d’inscription) :\n`);
printTable(
  ['Base', 'Acceptées (201)', 'Enregistrées', 'Perdues', 'req/s', 'Zéro perte'],
  intake.map((r) => [
    r.base,
    String(r.acknowledged),
    String(r.stored),
    String(r.lost),
    r.rps.toFixed(0),
    r.lost === 0 && r.acknowledged === r.stored && r.acknowledged === r.concurrent ? 'oui' : 'NON',
  ]),
);
console.log(`\nListe des demandes (/demandes), ${USERS} utilisateurs connectés en parallèle :\n`);
printTable(
  ['Base', 'Inscriptions', 'Requêtes', 'p50 (ms)', 'p95 (ms)', 'max (ms)', 'req/s', 'Erreurs', 'Budget'],
  inbox.map((r, i) => {
    const first = inbox.findIndex((x) => x.base === r.base) === i;
    const g = growth(r.base);
    const ok = first ? r.p95 <= BUDGET_P95_MS : g !== null && g <= GROWTH_LIMIT;
    const budget = first ? `p95 ≤ ${BUDGET_P95_MS} ms` : `×${g?.toFixed(2)} ≤ ×${GROWTH_LIMIT}`;
    return [
      r.base,
      String(r.registrations),
      String(r.requests),
      r.p50.toFixed(0),
      r.p95.toFixed(0),
      r.max.toFixed(0),
      r.rps.toFixed(0),
      String(r.errors),
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
      },
      null,
      2,
    ),
  );
}
