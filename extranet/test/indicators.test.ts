import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { csvChunks, exportTable, neutralise, writeXlsx } from '../src/features/reporting/exports.view.ts';
import { setTargets } from '../src/features/reporting/indicators.repository.ts';
import { computeIndicators } from '../src/features/reporting/indicators.service.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';

const admin = { id: 'a', role: 'admin' as const, territories: [] };
const douaisis = { id: 'd', role: 'advisor' as const, territories: ['douaisis'] };

describe.each(BACKENDS)('indicators on hand-made data (%s)', (backend) => {
  let database: Awaited<ReturnType<typeof throwawayDatabase>>;
  let handle: ReturnType<Awaited<ReturnType<typeof throwawayDatabase>>['open']>;
  let db: Kysely<Database>;
  let n = 0;

  async function session(
    id: string,
    territory: string,
    dates: string[],
    programKind = 'parcours',
    slug = 'parcours-emploi',
  ) {
    await upsertEventCopy(db, {
      documentId: id,
      title: id,
      kind: 'session',
      programKind,
      programSlug: slug,
      territory,
      slots: dates.map((date) => ({ date, start: '09:00', end: '12:00' })),
      capacity: 10,
      venue: {},
    });
  }
  async function person(territory: string, rsa: 'oui' | 'non' = 'oui', name = 'Personne'): Promise<number> {
    const at = '2024-01-01T10:00:00.000Z';
    return insertPerson(db, at, {
      first_name: name,
      last_name: 'Test',
      phone: `+3361${String(++n).padStart(7, '0')}`,
      commune_insee: '59178',
      commune_name: 'Douai',
      territory,
      situation_rsa: rsa,
      situation_job_seeker: 'non',
    });
  }
  async function register(
    personId: number,
    eventId: string,
    marks: ('present' | 'absent' | 'excused')[],
    status: 'accepted' | 'cancelled' | 'declined' = 'accepted',
    territory = 'douaisis',
  ): Promise<number> {
    const at = '2024-01-02T10:00:00.000Z';
    const reg = await db
      .insertInto('registration')
      .values(
        registrationRow({
          reference: `T-${++n}`,
          person_id: personId,
          event_id: eventId,
          territory,
          status,
          created_at: at,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = await db
      .selectFrom('event_copy')
      .select('slots_json')
      .where('document_id', '=', eventId)
      .executeTakeFirstOrThrow();
    const slots = JSON.parse(event.slots_json) as { date: string }[];
    for (const [i, status] of marks.entries())
      await db
        .insertInto('attendance')
        .values({
          registration_id: reg.id,
          slot_date: slots[i]!.date,
          slot_start: '09:00',
          status,
          recorded_by: null,
          recorded_at: at,
        })
        .execute();
    return reg.id;
  }
  async function support(
    personId: number,
    startedAt: string,
    endedAt: string | null,
    phases: [string, string][],
  ) {
    const s = await db
      .insertInto('support')
      .values({
        person_id: personId,
        advisor_id: null,
        phase: phases.at(-1)![0] as 'maturation',
        started_at: startedAt,
        ended_at: endedAt,
        outcome: endedAt ? 'activite-creee' : null,
        legal_form: endedAt ? 'association' : null,
        outcome_date: endedAt ? endedAt.slice(0, 10) : null,
        jobs_created: endedAt ? 2 : null,
        activity_name: '=HYPERLINK("http://evil")',
        created_at: startedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [phase, on] of phases)
      await db
        .insertInto('support_phase')
        .values({
          support_id: s.id,
          phase: phase as 'maturation',
          started_on: on,
          changed_by: null,
          created_at: startedAt,
        })
        .execute();
    return s.id;
  }

  beforeAll(async () => {
    database = await throwawayDatabase(backend);
    handle = database.open();
    db = handle.db;
    await migrateToLatest(db);
    const days6 = ['2024-03-04', '2024-03-06', '2024-03-11', '2024-03-13', '2024-03-18', '2024-03-20'];
    await session('p1', 'douaisis', days6);
    await session(
      'p2',
      'douaisis',
      ['2024-05-06', '2024-05-07', '2024-05-13', '2024-05-14', '2024-05-20'],
      'parcours',
      'parcours-creation',
    );
    await session('short', 'douaisis', ['2024-06-03', '2024-06-04', '2024-06-05']);
    await session(
      'val',
      'valenciennois',
      days6.map((d) => d.replace('-03-', '-09-')),
    );
    await session('other-year', 'douaisis', ['2023-12-18', '2023-12-20', '2024-01-08']);
    await session('cancelled-event', 'douaisis', ['2024-10-01']);
    await db
      .updateTable('event_copy')
      .set({ cancelled: 1 })
      .where('document_id', '=', 'cancelled-event')
      .execute();
    await session(
      'training',
      'douaisis',
      ['2024-11-04', '2024-11-05', '2024-11-06', '2024-11-07'],
      'formation',
      'formation-x',
    );

    // Two Parcours, one person: counted once, completed through the first.
    const twice = await person('douaisis');
    await register(twice, 'p1', ['present', 'present', 'present', 'present']);
    await register(twice, 'p2', ['present', 'absent']);
    // Three half-days out of six: a participant, not completed (threshold 4).
    const three = await person('douaisis', 'non');
    await register(three, 'p1', ['present', 'present', 'excused', 'present', 'absent', 'absent']);
    // Exactly four: completed.
    const four = await person('douaisis');
    await register(four, 'p2', ['present', 'present', 'present', 'present', 'absent']);
    // A three-half-day session: all three needed; two are not enough.
    const shortAll = await person('douaisis');
    await register(shortAll, 'short', ['present', 'present', 'present']);
    const shortTwo = await person('douaisis');
    await register(shortTwo, 'short', ['present', 'present', 'absent']);
    // Never came, cancelled with attendance somehow, declined: none counts.
    await register(await person('douaisis'), 'p1', ['absent', 'excused', 'absent']);
    await register(await person('douaisis'), 'p1', ['present'], 'cancelled');
    await register(await person('douaisis'), 'p2', ['present'], 'declined');
    // Other year, cancelled event: not in 2024.
    await register(await person('douaisis'), 'other-year', ['present', 'present', 'present']);
    await register(await person('douaisis'), 'cancelled-event', ['present']);
    // Another territory.
    await register(await person('valenciennois'), 'val', ['present'], 'accepted', 'valenciennois');
    // Training.
    await register(twice, 'training', ['present', 'present', 'present', 'present']);

    // Supports: one spanning 2023–2024, one ended before 2024, one starting in 2024, one in 2025.
    await support(await person('douaisis'), '2023-06-01T08:00:00.000Z', null, [
      ['emergence', '2023-06-01'],
      ['maturation', '2024-02-01'],
      ['developpement', '2025-02-01'],
    ]);
    await support(await person('douaisis'), '2022-01-01T08:00:00.000Z', '2023-12-01T08:00:00.000Z', [
      ['maturation', '2022-01-01'],
    ]);
    await support(await person('douaisis'), '2024-04-01T08:00:00.000Z', '2024-11-15T08:00:00.000Z', [
      ['creation', '2024-04-01'],
      ['developpement', '2024-09-01'],
    ]);
    await support(await person('douaisis'), '2025-01-10T08:00:00.000Z', null, [['emergence', '2025-01-10']]);
    await support(await person('valenciennois'), '2024-02-01T08:00:00.000Z', null, [
      ['emergence', '2024-02-01'],
    ]);
  });

  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('counts a person once across two Parcours, never a cancelled, declined or absent one, and applies the completion threshold', async () => {
    const i = await computeIndicators(db, admin, { year: 2024, territories: ['douaisis'] });
    expect(i.parcours.participants).toBe(5); // twice, three, four, shortAll, shortTwo
    expect(i.parcours.sessions).toBe(3);
    expect(i.parcours.sessionsByVariant).toEqual({ emploi: 2, creation: 1, competences: 0, autre: 0 });
    expect(i.parcours.rsa).toBe(4);
    expect(i.parcours.completed).toBe(3); // twice (4 of 6), four (4 of 5), shortAll (3 of 3)
    expect(i.parcours.byMonth).toEqual([0, 0, 2, 0, 1, 2, 0, 0, 0, 0, 0, 0]);
    expect(i.trainings).toEqual({ sessions: 1, participants: 1 });
  });

  it('counts a support spanning two years in both, with its phase at the end of each year', async () => {
    const y2023 = await computeIndicators(db, admin, { year: 2023, territories: ['douaisis'] });
    expect(y2023.supports.holders).toBe(2);
    expect(y2023.supports.byPhase).toEqual({ emergence: 1, maturation: 1, creation: 0, developpement: 0 });
    const y2024 = await computeIndicators(db, admin, { year: 2024, territories: ['douaisis'] });
    expect(y2024.supports.holders).toBe(2);
    expect(y2024.supports.byPhase).toEqual({ emergence: 0, maturation: 1, creation: 0, developpement: 1 });
    expect(y2024.supports.activitiesCreated).toBe(1);
    expect(y2024.supports.jobsCreated).toBe(2);
    const y2025 = await computeIndicators(db, admin, { year: 2025, territories: ['douaisis'] });
    expect(y2025.supports.holders).toBe(2);
  });

  it('keeps an advisor to their territories whatever they ask for', async () => {
    const all = await computeIndicators(db, admin, { year: 2024, territories: [] });
    expect(all.parcours.participants).toBe(6);
    expect(all.supports.holders).toBe(3);
    const mine = await computeIndicators(db, douaisis, { year: 2024, territories: [] });
    expect(mine.parcours.participants).toBe(5);
    expect(mine.supports.holders).toBe(2);
    // Asking for another territory gives their own, never the other one.
    const asked = await computeIndicators(db, douaisis, { year: 2024, territories: ['valenciennois'] });
    expect(asked.territories).toEqual(['douaisis']);
    expect(asked.parcours.participants).toBe(5);
    expect(asked.attendanceRows.every((r) => r.territory === 'douaisis')).toBe(true);
    expect(asked.supportRows.every((r) => r.territory === 'douaisis')).toBe(true);
    const none = await computeIndicators(
      db,
      { ...douaisis, territories: [] },
      { year: 2024, territories: [] },
    );
    expect([none.parcours.participants, none.supports.holders, none.attendanceRows.length]).toEqual([
      0, 0, 0,
    ]);
  });

  it('does not move when the people are anonymised (names, contact details and free text blanked)', async () => {
    const before = await computeIndicators(db, admin, { year: 2024, territories: [] });
    await db.updateTable('person').set({ first_name: '', last_name: null, phone: '', email: null }).execute();
    await db.updateTable('support').set({ activity_name: null }).execute();
    await db
      .updateTable('registration')
      .set({
        message: null,
        project_idea: null,
        contact_first_name: null,
        contact_phone: null,
        prescriber_name: null,
      })
      .execute();
    expect(await computeIndicators(db, admin, { year: 2024, territories: [] })).toEqual(before);
  });

  it('takes the latest target an admin set for the year, 55 and 20 otherwise', async () => {
    expect((await computeIndicators(db, admin, { year: 2030, territories: [] })).targets).toEqual({
      parcoursParticipants: 55,
      projectHolders: 20,
    });
    await db
      .insertInto('users')
      .values({
        id: 'a',
        name: 'A',
        email: 'a@x.test',
        emailVerified: 1,
        image: null,
        createdAt: '2024-01-01',
        updatedAt: '2024-01-01',
        twoFactorEnabled: 0,
        role: 'admin',
        disabled: 0,
      })
      .execute();
    await setTargets(
      db,
      'a',
      2030,
      { parcoursParticipants: 60, projectHolders: 22 },
      '2030-01-01T00:00:00.000Z',
    );
    await setTargets(
      db,
      'a',
      2030,
      { parcoursParticipants: 58, projectHolders: 21 },
      '2030-01-02T00:00:00.000Z',
    );
    expect((await computeIndicators(db, admin, { year: 2030, territories: [] })).targets).toEqual({
      parcoursParticipants: 58,
      projectHolders: 21,
    });
  });

  it('exports rows a CSV parser and a spreadsheet reader read back, with formulas neutralised', async () => {
    const i = await computeIndicators(db, admin, { year: 2024, territories: ['douaisis'] });
    const contacts = new Map([
      [
        i.attendanceRows[0]!.personId,
        { firstName: '=1+1', lastName: '@SUM(A1)', phone: '+33611', email: null },
      ],
    ]);
    const csv = [...csvChunks(exportTable('participants', i, contacts))].join('');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const records = parse(csv.slice(1), { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(i.attendanceRows.length);
    // Parcours: 5 people, one of them in two sessions; plus the training.
    expect(records.filter((r) => r['Participant·e'] === 'oui' && r.Type !== 'Formation')).toHaveLength(6);
    expect(records.filter((r) => r.Type === 'Formation')).toHaveLength(1);
    expect(Object.keys(records[0]!)).toContain('Présences');
    expect(records[0]!.Prénom).toBe("'=1+1");
    expect(records[0]!.Nom).toBe("'@SUM(A1)");
    expect(records[0]!.Téléphone).toBe("'+33611");
    expect(csv).not.toContain('HYPERLINK');

    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeXlsx(
      exportTable('accompagnements', await computeIndicators(db, admin, { year: 2024, territories: [] })),
      out,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const data = wb.worksheets[0]!;
    expect(data.getRow(1).values).toContain('Historique des phases');
    expect(data.rowCount).toBe(1 + 3);
    const help = wb.getWorksheet('Colonnes')!;
    expect(help.rowCount).toBe(1 + 13);
    expect(String(help.getRow(2).getCell(1).value)).toBe('Année');
  });

  it('neutralises every formula opener and leaves numbers alone', () => {
    for (const v of ['=A1', '+A1', '-A1', '@A1', '\tA1', '\rA1']) expect(neutralise(v)).toBe(`'${v}`);
    expect(neutralise('Douai')).toBe('Douai');
    expect(neutralise(-3)).toBe(-3);
  });
});
