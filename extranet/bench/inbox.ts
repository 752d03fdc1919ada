// Inbox list latency with 10,000 registrations: 25 concurrent signed-in users on /demandes,
// on SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL points to a PostgreSQL server whose
// role may create databases) on PostgreSQL. Runs the BUILT server: `npm run build -w extranet` first.
// Usage: node bench/inbox.ts   (from extranet/)
import { randomBytes, randomUUID } from 'node:crypto';
import { addDays, nowMs, parisDate } from '../src/contract/clock.ts';
import type { Db } from '../src/db/connect.ts';
import { createSealer } from '../src/lib/sealed.ts';
import {
  printTable,
  requireBuiltServer,
  signIn,
  startServer,
  stopServer,
  TERRITORIES,
  targets,
} from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 10_000);
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

async function seed(db: Db): Promise<void> {
  const now = nowMs();
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const [i, territory] of TERRITORIES.entries()) {
    const date = addDays(parisDate(), 10 + i);
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
  for (let start = 0; start < REGISTRATIONS; start += chunk) {
    const n = Math.min(chunk, REGISTRATIONS - start);
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
    cookies.map((cookie) => fetch(`${url}/demandes`, { headers: { cookie } }).then((r) => r.text())),
  );
  const latencies: number[] = [];
  let errors = 0;
  const statuses = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    cookies.map(async (cookie, u) => {
      for (let i = 0; i < REQUESTS_PER_USER; i++) {
        const path = PATHS[(u + i) % PATHS.length]!;
        const t = performance.now();
        const res = await fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
        await res.text();
        latencies.push(performance.now() - t);
        if (res.status !== 200) {
          errors++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (statuses.size) console.log(`réponses non 200 : ${JSON.stringify(Object.fromEntries(statuses))}`);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return {
    n: latencies.length,
    p50: pct(50),
    p95: pct(95),
    max: latencies[latencies.length - 1]!,
    rps: latencies.length / seconds,
    errors,
  };
}

const rows: string[][] = [];
for (const target of await targets()) {
  const { url, child } = await startServer(target.env, SECRET);
  const db = target.open();
  try {
    process.stdout.write(`› ${target.name} : ${REGISTRATIONS} inscriptions… `);
    await seed(db);
    process.stdout.write('mesure… ');
    const r = await measure(url);
    console.log('fait.');
    rows.push([
      target.name,
      String(r.n),
      r.p50.toFixed(0),
      r.p95.toFixed(0),
      r.max.toFixed(0),
      r.rps.toFixed(0),
      String(r.errors),
      r.p95 <= BUDGET_P95_MS ? 'oui' : 'NON',
    ]);
  } finally {
    await db.close();
    await stopServer(child);
    await target.drop();
  }
}

const header = [
  'Base',
  'Requêtes',
  'p50 (ms)',
  'p95 (ms)',
  'max (ms)',
  'req/s',
  'Erreurs',
  `p95 ≤ ${BUDGET_P95_MS} ms`,
];
console.log(
  `\nListe des demandes (/demandes), ${REGISTRATIONS} inscriptions, ${USERS} utilisateurs connectés en parallèle :\n`,
);
printTable(header, rows);
