// Reminders and the agenda (issue 18): one reminder run over 10,000 appointments and 2,000 session
// registrations due the same day, timed on SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL
// points to a PostgreSQL server whose role may create databases) on PostgreSQL, then run again to
// check that each message was queued once; then the advisor's agenda (/agenda, this week and
// others) with 25 signed-in users on 10,000 appointments, against the BUILT server.
// Usage: node bench/reminders.ts   (from extranet/)
import { randomBytes } from 'node:crypto';
import { addDays, parisDate, parisInstant, setClock } from '@maillage/platform/clock';
import type { Db } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { queueAppointmentReminders } from '../src/features/appointments/messages.service.ts';
import { queueDueReminders } from '../src/features/notifications/reminders.job.ts';
import { createTeamDirectory } from '../src/features/notifications/teams.service.ts';
import { configureSmsQueue } from '../src/features/sms/sms.service.ts';
import { benchPerson, benchRegistration, benchSession } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const APPOINTMENTS = Number(process.env.BENCH_APPOINTMENTS ?? 10_000);
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 2_000);
const USERS = Number(process.env.BENCH_USERS ?? 25);
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 40);
const BUDGET_RUN_MS = 5_000;
const BUDGET_P95_MS = 100;
const GROUP = 12;
const CHANNELS = ['email', 'sms', 'appel'] as const;

bench.requireBuiltServer();

/** A Tuesday to come: the appointments are on Thursday, the half-days on Wednesday (no Sunday rule). */
function nextTuesday(): string {
  let day = addDays(parisDate(), 7);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
  return day;
}

/** People by channel: e-mail (with an address), SMS, a call; `base` keeps their numbers apart. */
async function people(db: Db, n: number, base: number, at: string): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < n; start += 500) {
    const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
      const i = start + k;
      const channel = CHANNELS[i % 3]!;
      return {
        ...benchPerson(i, bench.TERRITORIES[i % 4]!, at, base),
        preferred_contact: channel,
        email: channel === 'email' ? `bench-${base + i}@exemple.test` : null,
      };
    });
    ids.push(...(await db.db.insertInto('person').values(rows).returning('id').execute()).map((r) => r.id));
  }
  return ids;
}

async function seedAppointments(
  db: Db,
  personIds: number[],
  advisorOf: (i: number) => string,
  startOf: (i: number) => Date,
  at: string,
) {
  for (let start = 0; start < personIds.length; start += 500) {
    await db.db
      .insertInto('appointment')
      .values(
        personIds.slice(start, start + 500).map((person_id, k) => {
          const i = start + k;
          return {
            person_id,
            advisor_id: advisorOf(i),
            territory: bench.TERRITORIES[i % 4]!,
            starts_at: startOf(i).toISOString(),
            duration_min: 45,
            place_kind: 'bureau' as const,
            place_detail: null,
            created_by: advisorOf(i),
            created_at: at,
            updated_at: at,
          };
        }),
      )
      .execute();
  }
}

/** 2,000 accepted registrations in sessions of 12 whose next half-day is on `day`. */
async function seedRegistrations(db: Db, day: string, at: string) {
  const ids = await people(db, REGISTRATIONS, 40_000_000, at);
  const sessions = Math.ceil(REGISTRATIONS / GROUP);
  await db.db
    .insertInto('event_copy')
    .values(
      Array.from({ length: sessions }, (_, s) =>
        benchSession({
          id: `bench-rappel-${s}`,
          title: `Parcours des Possibles n° ${s}`,
          territory: bench.TERRITORIES[s % 4]!,
          dates: [day, addDays(day, 2), addDays(day, 7)],
          capacity: GROUP,
          at,
          venueJson: JSON.stringify({
            name: 'Salle',
            address: '1 rue',
            postcode: '59300',
            commune: 'Valenciennes',
          }),
        }),
      ),
    )
    .execute();
  for (let start = 0; start < ids.length; start += 500)
    await db.db
      .insertInto('registration')
      .values(
        ids.slice(start, start + 500).map((person_id, k) => {
          const i = start + k;
          return benchRegistration({
            reference: `MAI-2026-${String(700_000 + i).padStart(6, '0')}`,
            person_id,
            event_id: `bench-rappel-${Math.floor(i / GROUP)}`,
            territory: bench.TERRITORIES[Math.floor(i / GROUP) % 4]!,
            preferred_contact: CHANNELS[i % 3]!,
            decided_at: at,
            created_at: at,
          });
        }),
      )
      .execute();
}

/** Every message to people: e-mails, SMS, calls to make. */
async function messages(db: Db): Promise<number> {
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  const [mails, sms, calls] = await Promise.all([
    count(
      db.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst() as never,
    ),
    count(
      db.db
        .selectFrom('sms_message')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst() as never,
    ),
    count(
      db.db
        .selectFrom('notification')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('call_status', '=', 'todo')
        .executeTakeFirst() as never,
    ),
  ]);
  return mails + sms + calls;
}

// ── 1. The reminder run ─────────────────────────────────────────────────────────────────────
const tuesday = nextTuesday();
const runRows: string[][] = [];
const settings = {
  siteUrl: 'http://localhost:4321',
  extranetUrl: 'http://localhost:4322',
  teams: createTeamDirectory({}),
};
configureSmsQueue({ automatic: true });
for (const target of await bench.targets()) {
  const db = target.open();
  try {
    await migrateToLatest(db.db);
    const at = parisInstant(addDays(tuesday, -10), '10:00').toISOString();
    process.stdout.write(`› ${target.name} : ${APPOINTMENTS} rendez-vous, ${REGISTRATIONS} inscriptions… `);
    const persons = await people(db, APPOINTMENTS, 30_000_000, at);
    // Thursday 09:00–17:00: the reminder « two days before at 09:00 » is due on Tuesday.
    await seedAppointments(
      db,
      persons,
      (i) => `bench-advisor-${i % 40}`,
      (i) =>
        parisInstant(addDays(tuesday, 2), `${String(9 + (i % 8)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`),
      at,
    );
    await seedRegistrations(db, addDays(tuesday, 1), at);
    const now = parisInstant(tuesday, '10:05');
    setClock(now);
    const t = performance.now();
    const appointments = await queueAppointmentReminders(db.db, settings, now);
    const half = performance.now();
    const sessions = await queueDueReminders(db.db, settings, now);
    const ms = performance.now() - t;
    const split = `${((half - t) / 1000).toFixed(2)} + ${((performance.now() - half) / 1000).toFixed(2)}`;
    const first = await messages(db);
    const again =
      (await queueAppointmentReminders(db.db, settings, now)) +
      (await queueDueReminders(db.db, settings, now));
    const once = again === 0 && (await messages(db)) === first;
    setClock(null);
    console.log('fait.');
    runRows.push([
      target.name,
      String(appointments),
      String(sessions),
      String(first),
      `${(ms / 1000).toFixed(2)} (${split})`,
      ms <= BUDGET_RUN_MS ? 'oui' : 'NON',
      once ? 'oui' : `NON (${again} de plus)`,
    ]);
  } finally {
    await db.close();
    await target.drop();
  }
}
console.log(
  `\nRappels du jour (${APPOINTMENTS} rendez-vous à deux jours, ${REGISTRATIONS} inscrit·es à une demi-journée le lendemain, un tiers par e-mail, SMS ou appel) :\n`,
);
bench.printTable(
  [
    'Base',
    'Rappels rendez-vous',
    'Rappels sessions',
    'Messages',
    'Durée (s) (rendez-vous + sessions)',
    `≤ ${BUDGET_RUN_MS / 1000} s`,
    'Chacun une fois',
  ],
  runRows,
);

// ── 2. The agenda under load ────────────────────────────────────────────────────────────────
const agendaRows: string[][] = [];
await bench.eachTarget(SECRET, {}, async ({ target, url, db }) => {
  const advisor = await db.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'conseiller@maillage.test')
    .executeTakeFirstOrThrow();
  process.stdout.write(`› ${target.name} : ${APPOINTMENTS} rendez-vous (agenda)… `);
  const today = parisDate();
  const at = new Date().toISOString();
  const persons = await people(db, APPOINTMENTS, 50_000_000, at);
  // One in twenty for the demo advisor (~25 a week over ±10 weeks), the rest for 19 others.
  await seedAppointments(
    db,
    persons,
    (i) => (i % 20 === 0 ? advisor.id : `bench-advisor-${i % 19}`),
    (i) => parisInstant(addDays(today, (i % 140) - 70), `${String(9 + (i % 8)).padStart(2, '0')}:00`),
    at,
  );
  process.stdout.write('mesure… ');
  const cookies = await bench.signInUsers(url, USERS);
  const weeks = [-2, -1, 0, 0, 0, 1, 2].map((w) => addDays(today, 7 * w));
  const load = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: (u, i) => ((u + i) % 3 === 0 ? '/agenda' : `/agenda?semaine=${weeks[(u + i) % weeks.length]}`),
    kindOf: (p) => (p === '/agenda' ? '/agenda' : '/agenda?semaine='),
    accept: (_, body) => body.includes('Agenda'),
  });
  const r = bench.loadSummary(load);
  console.log('fait.');
  agendaRows.push([target.name, ...bench.loadCells(r), r.p95 <= BUDGET_P95_MS ? 'oui' : 'NON']);
});
console.log(
  `\nAgenda du conseiller (/agenda), ${APPOINTMENTS} rendez-vous, ${USERS} utilisateurs connectés en parallèle :\n`,
);
bench.printTable(['Base', ...bench.LOAD_HEADER, `p95 ≤ ${BUDGET_P95_MS} ms`], agendaRows);
