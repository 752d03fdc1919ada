// Indicators for funders (issue 11): a year's indicators over 10 years of history (about 800
// persons and 5,000 attendance rows a year, supports with their phases) must take ≤ 200 ms, on
// SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL points to a PostgreSQL server whose
// role may create databases) on PostgreSQL — the function alone, and the page over HTTP for the
// demo advisor. Then an XLSX of 10,000 rows ≤ 3 s, with memory that does not grow with the rows
// (measured at 10,000 and 50,000). Runs the BUILT server for the page: `npm run build -w extranet`
// first. Usage: node bench/indicators.ts (from extranet/)
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { addDays } from '@maillage/platform/clock';
import type { Db } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { type Cell, exportTable, writeXlsx } from '../src/features/reporting/exports.view.ts';
import { computeIndicators } from '../src/features/reporting/indicators.service.ts';
import type { Indicators } from '../src/features/reporting/reporting.rules.ts';
import { benchPerson, benchRegistration, benchSession } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const YEARS = 10;
const FIRST_YEAR = 2016;
const PERSONS_PER_YEAR = Number(process.env.BENCH_PERSONS_PER_YEAR ?? 800);
const HALF_DAYS = 6;
const GROUP = 10;
const SUPPORTS_PER_YEAR = 40;
const RUNS = 20;
const BUDGET_MS = 200;
const XLSX_BUDGET_MS = 3_000;
const VARIANTS = ['parcours-emploi', 'parcours-creation', 'parcours-competences'];
const MARKS = ['present', 'present', 'present', 'present', 'absent', 'excused'] as const;

bench.requireBuiltServer();

/** One year: sessions of 10 with 6 half-days (≈ 5,000 attendance rows for 800 persons), supports. */
async function seedYear(db: Db, year: number): Promise<number> {
  const now = `${year}-01-01T00:00:00.000Z`;
  const sessions = Math.ceil(PERSONS_PER_YEAR / GROUP);
  const events = Array.from({ length: sessions }, (_, s) => {
    const start = addDays(`${year}-01-05`, Math.floor((s * 350) / sessions));
    return benchSession({
      id: `bench-${year}-${s}`,
      title: `Parcours ${year} n° ${s}`,
      territory: bench.TERRITORIES[s % 4]!,
      dates: Array.from({ length: HALF_DAYS }, (_, d) => addDays(start, d * 2)),
      capacity: GROUP,
      at: now,
      programSlug: VARIANTS[s % 3]!,
      removed: 1,
    });
  });
  await db.db.insertInto('event_copy').values(events).execute();
  let attendance = 0;
  for (let start = 0; start < PERSONS_PER_YEAR; start += 400) {
    const n = Math.min(400, PERSONS_PER_YEAR - start);
    const people = await db.db
      .insertInto('person')
      .values(
        Array.from({ length: n }, (_, k) => ({
          ...benchPerson(start + k, bench.TERRITORIES[Math.floor((start + k) / GROUP) % 4]!, now),
          first_name: 'Bench',
          last_name: `P${year}-${start + k}`,
          phone: `+337${String(year * 10_000 + start + k).slice(-8)}`,
          situation_rsa: (start + k) % 5 ? 'oui' : 'non',
        })),
      )
      .returning('id')
      .execute();
    const regs = await db.db
      .insertInto('registration')
      .values(
        people.map(({ id }, k) => {
          const i = start + k;
          const s = Math.floor(i / GROUP);
          return benchRegistration({
            reference: `B-${year}-${i}`,
            person_id: id,
            event_id: `bench-${year}-${s}`,
            territory: bench.TERRITORIES[s % 4]!,
            status: i % 17 === 0 ? 'cancelled' : 'accepted',
            source_type: (['self', 'prescriber', 'advisor'] as const)[i % 3]!,
            created_at: now,
          });
        }),
      )
      .returning(['id', 'event_id'])
      .execute();
    const rows = regs.flatMap((r, k) => {
      const dates = JSON.parse(events.find((e) => e.document_id === r.event_id)!.slots_json as string) as {
        date: string;
      }[];
      return dates.map((d, h) => ({
        registration_id: r.id,
        slot_date: d.date,
        slot_start: '09:00',
        status: MARKS[(k + h) % MARKS.length]!,
        recorded_by: null,
        recorded_at: now,
      }));
    });
    for (let i = 0; i < rows.length; i += 1000)
      await db.db
        .insertInto('attendance')
        .values(rows.slice(i, i + 1000))
        .execute();
    attendance += rows.length;
    if (start === 0) {
      // Supports: some of this year's people, each with two or three dated phases.
      for (const [k, { id }] of people.slice(0, SUPPORTS_PER_YEAR).entries()) {
        const started = addDays(`${year}-02-01`, k * 5);
        const s = await db.db
          .insertInto('support')
          .values({
            person_id: id,
            advisor_id: null,
            phase: 'maturation',
            started_at: `${started}T09:00:00.000Z`,
            ended_at: k % 3 === 0 ? `${addDays(started, 500)}T09:00:00.000Z` : null,
            outcome: k % 3 === 0 ? 'activite-creee' : null,
            legal_form: k % 3 === 0 ? 'association' : null,
            outcome_date: k % 3 === 0 ? addDays(started, 500) : null,
            jobs_created: k % 3 === 0 ? 1 : null,
            created_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.db
          .insertInto('support_phase')
          .values([
            { support_id: s.id, phase: 'emergence', started_on: started, changed_by: null, created_at: now },
            {
              support_id: s.id,
              phase: 'maturation',
              started_on: addDays(started, 120),
              changed_by: null,
              created_at: now,
            },
          ])
          .execute();
      }
    }
  }
  return attendance;
}

const admin = { id: 'bench', role: 'admin' as const, territories: [] };
const rows: string[][] = [];
let sample: Indicators | undefined;
for (const target of await bench.targets()) {
  const db = target.open();
  let child: Awaited<ReturnType<typeof bench.startServer>>['child'] | undefined;
  try {
    await migrateToLatest(db.db);
    let attendance = 0;
    for (let y = 0; y < YEARS; y++) attendance += await seedYear(db, FIRST_YEAR + y);
    const year = FIRST_YEAR + 5;
    await computeIndicators(db.db, admin, { year, territories: [] });
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      sample = await computeIndicators(db.db, admin, { year, territories: [] });
      times.push(performance.now() - t);
    }
    const fn = bench.stats(times);
    await db.close();
    // Demo mode: the demo advisor signs in (the bench's server is local).
    const server = await bench.startServer({ ...target.env, MAILLAGE_DEMO: '1' }, SECRET);
    child = server.child;
    const cookie = await bench.signIn(server.url);
    await (await fetch(`${server.url}/indicateurs?annee=${year}`, { headers: { cookie } })).text(); // warm-up
    const page: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/indicateurs?annee=${year}`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`page des indicateurs : ${res.status}`);
      await res.text();
      page.push(performance.now() - t);
    }
    const http = bench.stats(page);
    rows.push([
      target.name,
      `${YEARS} × ${PERSONS_PER_YEAR}`,
      String(attendance),
      fn.p50.toFixed(0),
      fn.p95.toFixed(0),
      fn.p95 <= BUDGET_MS ? 'oui' : 'NON',
      http.p50.toFixed(0),
      http.p95.toFixed(0),
    ]);
  } finally {
    if (child) await bench.stopServer(child);
    else await db.close();
    await target.drop();
  }
}
console.log(
  `\nIndicateurs d’une année (${sample?.parcours.participants} participant·es, ${sample?.supports.holders} porteur·ses), ${YEARS} ans d’historique, ${RUNS} mesures :\n`,
);
bench.printTable(
  [
    'Base',
    'Personnes',
    'Présences',
    'fonction p50 (ms)',
    'fonction p95 (ms)',
    `≤ ${BUDGET_MS} ms`,
    'page conseiller p50 (ms)',
    'page p95 (ms)',
  ],
  rows,
);

// XLSX alone: rows made on the fly, written to a sink that counts bytes. Memory sampled meanwhile.
async function xlsx(count: number) {
  const base = sample!;
  const table = exportTable('participants', { ...base, attendanceRows: [] });
  const template = {
    annee: 2021,
    session: 'bench-2021-12',
    type: 'Parcours emploi',
    territoire: 'Valenciennois',
    debut: '2021-03-01',
    fin: '2021-03-11',
    commune: '59606',
    rsa: 'oui',
    demandeur: 'oui',
    demi_journees: 6,
    presences: 4,
    participant: 'oui',
    termine: 'oui',
    suite: 'Emploi',
    suite_date: '2021-05-01',
  };
  table.rows = (function* () {
    for (let i = 0; i < count; i++) yield { ...template, personne: i } as Record<string, Cell>;
  })();
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done();
    },
  });
  const t = performance.now();
  await writeXlsx(table, sink);
  const ms = performance.now() - t;
  clearInterval(timer);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return { count, ms, bytes, rss: mb(peakRss - before.rss), heap: mb(peakHeap - before.heapUsed), peakHeap };
}
const small = await xlsx(10_000);
const large = await xlsx(50_000);
console.log('\nExport XLSX en flux (exceljs WorkbookWriter), lignes « participant·es » :\n');
bench.printTable(
  [
    'Lignes',
    'Durée (ms)',
    `≤ ${XLSX_BUDGET_MS} ms`,
    'Taille (Ko)',
    'RSS en plus au pic (Mo)',
    'Tas en plus au pic (Mo)',
  ],
  [small, large].map((r) => [
    String(r.count),
    r.ms.toFixed(0),
    r.count > 10_000 ? '—' : r.ms <= XLSX_BUDGET_MS ? 'oui' : 'NON',
    (r.bytes / 1024).toFixed(0),
    r.rss,
    r.heap,
  ]),
);
const flat = large.peakHeap <= small.peakHeap * 1.5 + 8 * 1024 * 1024;
console.log(
  `\nMémoire ${flat ? 'stable' : 'EN HAUSSE'} entre 10 000 et 50 000 lignes (pic du tas : ${(small.peakHeap / 1048576).toFixed(0)} Mo puis ${(large.peakHeap / 1048576).toFixed(0)} Mo).`,
);
