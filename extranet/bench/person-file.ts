// Person file latency with 10,000 persons and 50,000 timeline rows (requests, decisions, messages,
// supports and their phases, notes): 25 concurrent signed-in users on /personnes/[id] (each read
// audit-logged), the person list and search, the caseload, "Mes prochaines actions" and the
// dashboard, on SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL points to a PostgreSQL
// server whose role may create databases) on PostgreSQL. Runs the BUILT server.
// Then one person holding 500 timeline entries (issue 19): their file alone, 25 users at once.
// Usage: node bench/person-file.ts   (from extranet/)
// With BENCH_JSON=<file> (scripts/bench.ts) the heavy file's figures join that file's `personFile`.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { addDays, nowMs, parisDate } from '@maillage/platform/clock';
import type { ExtranetFigures, PersonFileFigure } from '@maillage/scripts/lib/bench-table';
import type { Db } from '../src/db/connect.ts';
import { nameKeys } from '../src/db/name-keys.ts';
import { createSealer } from '../src/lib/sealed.ts';
import { benchPerson, benchRegistration } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const PERSONS = Number(process.env.BENCH_PERSONS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 25);
const REQUESTS_PER_USER = Number(process.env.BENCH_REQUESTS_PER_USER ?? 40);
const BUDGET_P95_MS = 100;
/** The heavy file's timeline entries: requests, their messages and decisions, notes, appointments. */
const HEAVY_ENTRIES = 500;
const PHASES = ['emergence', 'maturation', 'creation', 'developpement'] as const;

bench.requireBuiltServer();

async function seed(db: Db, advisorId: string): Promise<{ visible: number[]; timelineRows: number }> {
  const now = nowMs();
  const iso = (ms: number) => new Date(ms).toISOString();
  const today = parisDate();
  const visible: number[] = [];
  let timelineRows = 0;
  const chunk = 250;
  for (let start = 0; start < PERSONS; start += chunk) {
    const n = Math.min(chunk, PERSONS - start);
    const people = Array.from({ length: n }, (_, k) => {
      const i = start + k;
      return {
        ...benchPerson(i, bench.TERRITORIES[i % 4]!, iso(now), 20_000_000),
        situation_rsa: i % 3 ? 'oui' : 'non',
        consent_at: iso(now - i * 3_600_000),
        last_contact_at: iso(now - (i % 400) * 86_400_000),
        created_at: iso(now - i * 3_600_000),
      };
    });
    const ids = (await db.db.insertInto('person').values(people).returning('id').execute()).map((r) => r.id);
    // The name keys the app writes with every person (the person list's search reads them).
    await db.db
      .insertInto('person_search_key')
      .values(
        ids.flatMap((id, k) =>
          nameKeys(people[k]!.first_name, people[k]!.last_name).map((key) => ({ key, person_id: id })),
        ),
      )
      .execute();
    ids.forEach((id, k) => {
      if ((start + k) % 4 < 2) visible.push(id);
    });
    const regs = await db.db
      .insertInto('registration')
      .values(
        ids.map((id, k) => {
          const i = start + k;
          const created = iso(now - i * 3_600_000);
          return benchRegistration({
            reference: `MAI-2025-${String(100_000 + i).padStart(6, '0')}`,
            person_id: id,
            kind: i % 5 === 0 ? 'support' : 'event',
            territory: bench.TERRITORIES[i % 4]!,
            status: i % 2 ? 'accepted' : 'received',
            created_at: created,
          });
        }),
      )
      .returning(['id', 'person_id'])
      .execute();
    await db.db
      .insertInto('outbox')
      .values(
        regs.map((r) => ({
          kind: 'receipt',
          to_address: 'personne@exemple.test',
          subject: 'Demande bien reçue',
          text_body: 'Corps du message (jamais affiché dans le dossier).',
          registration_id: r.id,
          status: 'sent' as const,
          attempts: 1,
          next_attempt_at: iso(now),
          sent_at: iso(now - 60_000),
          created_at: iso(now - 120_000),
        })),
      )
      .execute();
    const decided = regs.filter((_, k) => (start + k) % 2 === 1);
    if (decided.length)
      await db.db
        .insertInto('audit_log')
        .values(
          decided.map((r) => ({
            at: iso(now - 3_000_000),
            actor_id: advisorId,
            action: 'registration.accept',
            entity_type: 'registration',
            entity_id: String(r.id),
            person_id: r.person_id,
            details_json: '{"to":"accepted"}',
          })),
        )
        .execute();
    timelineRows += regs.length * 2 + decided.length;
    // One person in five is in support, with three dated phases.
    const supported = ids.filter((_, k) => (start + k) % 5 === 0);
    const supports = supported.length
      ? await db.db
          .insertInto('support')
          .values(
            supported.map((person_id, k) => ({
              person_id,
              advisor_id: advisorId,
              phase: PHASES[2 + (k % 2)]!,
              started_at: iso(now - 400 * 86_400_000),
              created_at: iso(now - 400 * 86_400_000),
              updated_at: iso(now),
            })),
          )
          .returning('id')
          .execute()
      : [];
    if (supports.length)
      await db.db
        .insertInto('support_phase')
        .values(
          supports.flatMap(({ id }, k) =>
            [400, 200, 50].map((daysAgo, p) => ({
              support_id: id,
              phase: PHASES[Math.min(p + (k % 2), 3)]!,
              started_on: addDays(today, -daysAgo),
              changed_by: advisorId,
              created_at: iso(now),
            })),
          ),
        )
        .execute();
    timelineRows += supports.length * 4;
    // Notes: 1 or 2 per person, one in ten with an open next action.
    const notes = ids.flatMap((person_id, k) => {
      const i = start + k;
      return Array.from({ length: 1 + (i % 10 < 7 ? 1 : 0) }, (_, j) => ({
        person_id,
        support_id: null,
        author_id: advisorId,
        kind: 'entretien' as const,
        occurred_at: iso(now - ((i + j * 17) % 300) * 86_400_000),
        body: 'Entretien de suivi : le projet avance, prochaine étape le budget prévisionnel.',
        next_action: i % 10 === 0 ? 'Rappeler pour le budget' : null,
        due_at: i % 10 === 0 ? addDays(today, (i % 30) - 15) : null,
        created_at: iso(now),
        updated_at: iso(now),
      }));
    });
    await db.db.insertInto('note').values(notes).execute();
    timelineRows += notes.length;
  }
  return { visible, timelineRows };
}

/**
 * One person of the Valenciennois with HEAVY_ENTRIES timeline entries over three years: 80 requests,
 * each with its receipt and a decision (240), 200 notes (half with a time, a tenth with an open next
 * action) and 60 appointments. Returns their id and the number of entries written.
 */
async function seedHeavy(db: Db, advisorId: string): Promise<{ id: number; entries: number }> {
  const now = nowMs();
  const iso = (ms: number) => new Date(ms).toISOString();
  const today = parisDate();
  const day = 86_400_000;
  const [person] = await db.db
    .insertInto('person')
    .values({ ...benchPerson(9_999_999, bench.TERRITORIES[0]!, iso(now - 1000 * day), 30_000_000) })
    .returning('id')
    .execute();
  const id = person!.id;
  const regs = await db.db
    .insertInto('registration')
    .values(
      Array.from({ length: 80 }, (_, i) =>
        benchRegistration({
          reference: `MAI-2024-${String(900_000 + i).padStart(6, '0')}`,
          person_id: id,
          territory: bench.TERRITORIES[0]!,
          status: 'accepted',
          created_at: iso(now - (1000 - i * 12) * day),
        }),
      ),
    )
    .returning(['id', 'created_at'])
    .execute();
  await db.db
    .insertInto('outbox')
    .values(
      regs.map((r) => ({
        kind: 'receipt',
        to_address: 'personne@exemple.test',
        subject: 'Demande bien reçue',
        text_body: 'Corps du message (jamais affiché dans le dossier).',
        registration_id: r.id,
        status: 'sent' as const,
        attempts: 1,
        next_attempt_at: r.created_at,
        sent_at: r.created_at,
        created_at: r.created_at,
      })),
    )
    .execute();
  await db.db
    .insertInto('audit_log')
    .values(
      regs.map((r) => ({
        at: r.created_at,
        actor_id: advisorId,
        action: 'registration.accept',
        entity_type: 'registration',
        entity_id: String(r.id),
        person_id: id,
        details_json: '{"to":"accepted"}',
      })),
    )
    .execute();
  await db.db
    .insertInto('note')
    .values(
      Array.from({ length: 200 }, (_, i) => ({
        person_id: id,
        support_id: null,
        author_id: advisorId,
        kind: i % 3 ? ('entretien' as const) : ('appel' as const),
        occurred_at: iso(now - (i * 5 + 1) * day),
        occurred_time: i % 2 ? '10:30' : null,
        body: 'Entretien de suivi : le projet avance, prochaine étape le budget prévisionnel.',
        next_action: i % 10 === 0 ? 'Rappeler pour le budget' : null,
        due_at: i % 10 === 0 ? addDays(today, (i % 30) - 15) : null,
        created_at: iso(now - (i * 5 + 1) * day),
        updated_at: iso(now),
      })),
    )
    .execute();
  await db.db
    .insertInto('appointment')
    .values(
      Array.from({ length: 60 }, (_, i) => ({
        person_id: id,
        advisor_id: advisorId,
        territory: bench.TERRITORIES[0]!,
        starts_at: iso(now + (i < 3 ? (i + 1) * day : -(i * 15) * day)),
        duration_min: 60,
        place_kind: 'bureau' as const,
        status: i < 3 ? ('prevu' as const) : ('venu' as const),
        created_at: iso(now - (i * 15 + 2) * day),
        updated_at: iso(now),
      })),
    )
    .execute();
  return { id, entries: regs.length * 3 + 200 + 60 };
}

/** The heavy person's file alone, 25 users at once. */
async function measureHeavy(url: string, id: number) {
  const cookies = await bench.signInUsers(url, USERS);
  const load = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: () => `/personnes/${id}`,
    accept: (_path, body) => body.includes('Historique') && body.includes('À venir'),
  });
  return bench.loadSummary(load);
}

async function measure(url: string, visible: number[]) {
  const sealed = createSealer(SECRET);
  // Mostly person files (what advisors open between appointments), then the lists around them.
  const paths = (u: number, i: number): string => {
    const k = (u * REQUESTS_PER_USER + i) % 10;
    const person = visible[(u * 7919 + i * 104_729) % visible.length]!;
    if (k < 6) return `/personnes/${person}`;
    if (k === 6) return `/personnes?r=${sealed.seal('martin')}`;
    if (k === 7) return '/personnes?accompagnement=oui&page=3';
    if (k === 8) return '/actions';
    return '/';
  };
  const cookies = await bench.signInUsers(url, USERS);
  const { latencies, byKind, errors, seconds } = await bench.concurrentLoad(url, cookies, {
    perUser: REQUESTS_PER_USER,
    pathOf: paths,
    kindOf: (path) => path.replace(/\/\d+$/, '/[id]').replace(/\?.*$/, ''),
  });
  const pages = [...byKind]
    .map(([kind, list]) => `${kind} ${bench.percentile(list, 95).toFixed(0)}`)
    .join(' · ');
  return {
    pages,
    ...bench.loadSummary({ latencies, seconds, errors }),
    filep95: bench.percentile(byKind.get('/personnes/[id]') ?? [0], 95),
  };
}

const rows: string[][] = [];
const heavyRows: string[][] = [];
const heavyFigures: PersonFileFigure[] = [];
await bench.eachTarget(SECRET, {}, async ({ target, url, db }) => {
  const advisor = await db.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'conseiller@maillage.test')
    .executeTakeFirstOrThrow();
  process.stdout.write(`› ${target.name} : ${PERSONS} personnes… `);
  const { visible, timelineRows } = await seed(db, advisor.id);
  process.stdout.write(`${timelineRows} lignes d’historique, mesure… `);
  const r = await measure(url, visible);
  console.log(`fait. p95 par page : ${r.pages}`);
  rows.push([
    target.name,
    ...bench.loadCells(r),
    r.p95 <= BUDGET_P95_MS ? 'oui' : 'NON',
    r.filep95.toFixed(0),
  ]);
  const heavy = await seedHeavy(db, advisor.id);
  process.stdout.write(`› ${target.name} : un dossier de ${heavy.entries} entrées d’historique, mesure… `);
  const h = await measureHeavy(url, heavy.id);
  console.log('fait.');
  heavyRows.push([
    target.name,
    String(heavy.entries),
    ...bench.loadCells(h),
    h.p95 <= BUDGET_P95_MS ? 'oui' : 'NON',
  ]);
  heavyFigures.push({
    base: target.name,
    entries: heavy.entries,
    users: USERS,
    requests: h.n,
    p50: h.p50,
    p95: h.p95,
    max: h.max,
    rps: h.rps,
    errors: h.errors,
  });
});

const header = ['Base', ...bench.LOAD_HEADER, `p95 ≤ ${BUDGET_P95_MS} ms`, 'p95 dossier (ms)'];
console.log(
  `\nDossier de personne (/personnes/[id], liste, recherche, actions, accueil), ${PERSONS} personnes, ${USERS} utilisateurs connectés en parallèle :\n`,
);
bench.printTable(header, rows);

console.log(
  `\nDossier d’une personne avec ${HEAVY_ENTRIES} entrées d’historique (/personnes/[id]), ${USERS} utilisateurs connectés en parallèle :\n`,
);
bench.printTable(['Base', 'Entrées', ...bench.LOAD_HEADER, `p95 ≤ ${BUDGET_P95_MS} ms`], heavyRows);
if (process.env.BENCH_JSON) {
  // inbox.ts wrote the file first (npm run bench runs it before this one): the heavy file joins it.
  const file = process.env.BENCH_JSON;
  const figures = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExtranetFigures) : undefined;
  if (figures)
    writeFileSync(
      file,
      JSON.stringify(
        {
          ...figures,
          personFile: heavyFigures,
          budgets: { ...figures.budgets, personFileP95Ms: BUDGET_P95_MS },
        },
        null,
        2,
      ),
    );
}
