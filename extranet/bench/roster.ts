// Session roster latency (issue 10): 10,000 persons, about 830 sessions of 12, 50,000 attendance
// rows; 25 concurrent signed-in users on /sessions and a session's roster, on SQLite and (when
// BENCH_DATABASE_URL or TEST_DATABASE_URL points to a PostgreSQL server whose role may create
// databases) on PostgreSQL; and the sign-in sheet PDF for 12 participants × 7 half-days.
// Runs the BUILT server: `npm run build -w extranet` first. Usage: node bench/roster.ts (from extranet/)
import { randomBytes } from 'node:crypto';
import { addDays, parisDate } from '@maillage/platform/clock';
import type { Db } from '../src/db/connect.ts';
import { FALLBACK_ASSOCIATION } from '../src/features/sessions/association.ts';
import { buildEmargement } from '../src/features/sessions/emargement.pdf.ts';
import { benchPerson, benchRegistration, benchSession, FIRST_NAMES, LAST_NAMES } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const PERSONS = Number(process.env.BENCH_PERSONS ?? 10_000);
const ATTENDANCE_ROWS = Number(process.env.BENCH_ATTENDANCE ?? 50_000);
const GROUP = 12;
const HALF_DAYS = 7;
const USERS = 25;
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 40);
const PDF_RUNS = 30;
const BUDGET_P95_MS = 100;
const BUDGET_PDF_MS = 300;
const MARKS = ['present', 'present', 'present', 'absent', 'excused'] as const;
/** The roster every user opens: a Parcours in progress in the demo advisor's territory. */
const TARGET = 'bench-session-0';

bench.requireBuiltServer();

/** Sessions of 12 (the first one in progress, the others past), one registration per person. */
async function seed(db: Db): Promise<void> {
  const now = new Date().toISOString();
  const today = parisDate();
  const sessions = Math.ceil(PERSONS / GROUP);
  const dates = (s: number) =>
    Array.from({ length: HALF_DAYS }, (_, d) =>
      addDays(today, s === 0 ? d * 2 - 6 : -7 * s - (HALF_DAYS - d) * 2),
    );
  const chunk = 200;
  for (let start = 0; start < sessions; start += chunk) {
    await db.db
      .insertInto('event_copy')
      .values(
        Array.from({ length: Math.min(chunk, sessions - start) }, (_, k) => {
          const s = start + k;
          const territory = bench.TERRITORIES[s % 4]!;
          return benchSession({
            id: `bench-session-${s}`,
            title: `Parcours des Possibles n° ${s} — ${territory}`,
            territory,
            dates: dates(s),
            capacity: GROUP,
            at: now,
            venueJson: JSON.stringify({
              name: 'Salle',
              address: '1 rue',
              postcode: '59300',
              commune: 'Valenciennes',
            }),
          });
        }),
      )
      .execute();
  }
  const registrations: { id: number; session: number }[] = [];
  for (let start = 0; start < PERSONS; start += 500) {
    const n = Math.min(500, PERSONS - start);
    const people = Array.from({ length: n }, (_, k) =>
      benchPerson(start + k, bench.TERRITORIES[Math.floor((start + k) / GROUP) % 4]!, now),
    );
    const ids = await db.db.insertInto('person').values(people).returning('id').execute();
    const regs = await db.db
      .insertInto('registration')
      .values(
        ids.map(({ id }, k) => {
          const i = start + k;
          const session = Math.floor(i / GROUP);
          return benchRegistration({
            reference: `MAI-2026-${String(900_000 + i).padStart(6, '0')}`,
            person_id: id,
            event_id: `bench-session-${session}`,
            territory: bench.TERRITORIES[session % 4]!,
            created_at: now,
          });
        }),
      )
      .returning('id')
      .execute();
    for (const [k, { id }] of regs.entries())
      registrations.push({ id, session: Math.floor((start + k) / GROUP) });
  }
  // Attendance, half-day after half-day, until ATTENDANCE_ROWS rows (the target session: 3 gone).
  const rows: {
    registration_id: number;
    slot_date: string;
    slot_start: string;
    status: string;
    recorded_by: null;
    recorded_at: string;
  }[] = [];
  for (let d = 0; d < HALF_DAYS && rows.length < ATTENDANCE_ROWS; d++) {
    for (const [i, r] of registrations.entries()) {
      if (rows.length >= ATTENDANCE_ROWS) break;
      const date = dates(r.session)[d]!;
      if (date > today) continue;
      rows.push({
        registration_id: r.id,
        slot_date: date,
        slot_start: '09:00',
        status: MARKS[(i + d) % MARKS.length]!,
        recorded_by: null,
        recorded_at: now,
      });
    }
  }
  for (let start = 0; start < rows.length; start += 1000) {
    await db.db
      .insertInto('attendance')
      .values(rows.slice(start, start + 1000) as never)
      .execute();
  }
}

const PATHS = [
  `/sessions/${TARGET}`,
  '/sessions',
  `/sessions/${TARGET}`,
  '/sessions?quand=passees&page=3',
  `/sessions/${TARGET}?demi-journee=${addDays(parisDate(), -6)}T09:00`,
];

async function measure(url: string) {
  const cookies = await bench.signInUsers(url, USERS);
  const load = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: (u, i) => PATHS[(u + i) % PATHS.length]!,
    // A roster that did not render its participants is an error too.
    accept: (path, body) => !path.startsWith(`/sessions/${TARGET}`) || body.includes('tel:+336'),
  });
  const { latencies, seconds } = load;
  let errors = load.errors;
  // The same pages for one user alone: the latency without queueing behind the others.
  const single: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    const res = await fetch(`${url}${PATHS[i % PATHS.length]}`, { headers: { cookie: cookies[0]! } });
    await res.text();
    single.push(performance.now() - t);
  }
  // The sign-in sheet, one at a time (12 participants × 7 half-days).
  const pdf: number[] = [];
  for (let i = 0; i < PDF_RUNS; i++) {
    const t = performance.now();
    const res = await fetch(`${url}/sessions/${TARGET}/emargement.pdf`, { headers: { cookie: cookies[0]! } });
    const bytes = await res.arrayBuffer();
    pdf.push(performance.now() - t);
    if (res.status !== 200 || bytes.byteLength < 1000) errors++;
  }
  return {
    ...bench.loadSummary({ latencies, seconds, errors }),
    pdf: bench.stats(pdf),
    single: bench.stats(single),
  };
}

const rows: string[][] = [];
await bench.eachTarget(SECRET, {}, async ({ target, url, db }) => {
  process.stdout.write(`› ${target.name} : ${PERSONS} personnes, ${ATTENDANCE_ROWS} présences… `);
  await seed(db);
  process.stdout.write('mesure… ');
  const r = await measure(url);
  console.log('fait.');
  rows.push([
    target.name,
    ...bench.loadCells(r),
    r.p95 <= BUDGET_P95_MS ? 'oui' : 'NON',
    r.single.p95.toFixed(0),
    r.pdf.p95.toFixed(0),
    r.pdf.p95 <= BUDGET_PDF_MS ? 'oui' : 'NON',
  ]);
});

// The PDF alone, in this process (no HTTP, no database): the generation's own cost.
const alone: number[] = [];
for (let i = 0; i < PDF_RUNS; i++) {
  const t = performance.now();
  await buildEmargement({
    association: FALLBACK_ASSOCIATION,
    session: {
      title: 'Parcours des Possibles',
      territoryName: 'Valenciennois',
      venue: {},
      halfDays: Array.from({ length: HALF_DAYS }, (_, d) => {
        const date = addDays(parisDate(), d);
        return { key: `${date}T09:00`, date, start: '09:00', end: '12:00', label: null };
      }),
    },
    participants: Array.from({ length: GROUP }, (_, i) => ({
      firstName: FIRST_NAMES[i % 10]!,
      lastName: LAST_NAMES[i % 10]!,
    })),
  });
  alone.push(performance.now() - t);
}
const pdfAlone = bench.stats(alone);

const header = [
  'Base',
  ...bench.LOAD_HEADER,
  `p95 ≤ ${BUDGET_P95_MS} ms`,
  '1 utilisateur p95 (ms)',
  'PDF p95 (ms)',
  `PDF ≤ ${BUDGET_PDF_MS} ms`,
];
console.log(
  `\nSessions et feuille de présence (/sessions, /sessions/[id]), ${PERSONS} personnes, ${ATTENDANCE_ROWS} présences, ${USERS} utilisateurs connectés en parallèle ; feuille d’émargement PDF ${GROUP} × ${HALF_DAYS} (${PDF_RUNS} fois, une à la fois) :\n`,
);
bench.printTable(header, rows);
console.log(
  `\nPDF seul (génération en mémoire, ${PDF_RUNS} fois) : p50 ${pdfAlone.p50.toFixed(1)} ms, p95 ${pdfAlone.p95.toFixed(1)} ms, max ${pdfAlone.max.toFixed(1)} ms.`,
);
