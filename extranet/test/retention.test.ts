import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parisInstant } from '@maillage/platform/clock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { folderDocumentStore } from '../src/features/documents/document.store.ts';
import { insertDocument } from '../src/features/documents/documents.repository.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { MergeNotAllowedError, mergePersons } from '../src/features/persons/merge.service.ts';
import { erasePerson } from '../src/features/retention/erasure.service.ts';
import { expiredPersons, runDailyRetention, runRetention } from '../src/features/retention/retention.job.ts';
import { addMonths, ERASED_FIRST_NAME, emlFileName } from '../src/features/retention/retention.rules.ts';
import { exportPerson } from '../src/features/retention/rights.view.ts';
import { retentionMonths, setRetentionMonths } from '../src/features/retention/settings.service.ts';
import { insertPerson } from './support/rows.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';

/** 00:30 in Paris on 2 December 2026 is still 1 December in UTC: the boundary must follow Paris. */
const AT = parisInstant('2026-12-02', '00:30');

interface Someone {
  first: string;
  last: string;
  phone: string;
  email: string;
  lastContact: string;
  rsa?: 'oui' | 'non';
  openSupport?: boolean;
}

let serial = 0;
const ADVISOR_ID = 'advisor-retention';

async function addUser(db: Db, id: string, role: 'admin' | 'advisor') {
  await db.db
    .insertInto('users')
    .values({
      id,
      name: `Compte ${id}`,
      email: `${id}@maillage.test`,
      emailVerified: 1,
      image: null,
      createdAt: AT.toISOString(),
      updatedAt: AT.toISOString(),
      twoFactorEnabled: 0,
      role,
      disabled: 0,
    })
    .execute();
}

/** A person with a 2022 Parcours (present), a support, notes, messages, calls and audit rows. */
async function seed(db: Db, outboxDir: string, p: Someone): Promise<number> {
  serial++;
  const k = db.db;
  const at = '2022-03-01T10:00:00.000Z';
  const eventId = `ev-2022-${serial}`;
  await upsertEventCopy(
    db.db,
    {
      documentId: eventId,
      title: `Parcours 2022 n° ${serial}`,
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'valenciennois',
      territoryName: 'Valenciennois',
      slots: [{ date: '2022-03-14', start: '09:00', end: '12:00' }],
      capacity: 10,
      venue: { name: 'Maison de l’emploi', commune: 'Valenciennes', inseeCode: '59606' },
    },
    new Date(at),
  );
  const e164 = `+33${p.phone.slice(1)}`;
  const personId = await insertPerson(k, at, {
    first_name: p.first,
    last_name: p.last,
    phone: e164,
    email: p.email,
    commune_insee: '59606',
    commune_name: 'Valenciennes',
    situation_rsa: p.rsa ?? 'oui',
    preferred_contact: 'email',
    last_contact_at: p.lastContact,
  });
  const reg = await k
    .insertInto('registration')
    .values({
      reference: `REF-${serial}`,
      person_id: personId,
      kind: 'event',
      event_id: eventId,
      territory: 'valenciennois',
      status: 'accepted',
      source_type: 'prescriber',
      prescriber_name: 'Paule Prescriptrice',
      prescriber_organisation: 'France Travail Anzin',
      prescriber_phone: '+33327000001',
      prescriber_email: 'paule.prescriptrice@ft.test',
      needs_transport: 1,
      needs_details: `Garde d’enfant pour ${p.first}`,
      project_idea: `Le projet de ${p.first} ${p.last}`,
      message: `Rappelez-moi au ${p.phone}`,
      preferred_contact: 'email',
      contact_first_name: p.first,
      contact_last_name: p.last,
      contact_phone: e164,
      contact_email: p.email,
      contact_commune_insee: '59606',
      contact_commune_name: 'Valenciennes',
      contact_situation_rsa: 'oui',
      contact_situation_job_seeker: 'oui',
      idempotency_key: `idem-${serial}`,
      decision_reason: `Vu avec ${p.first}`,
      decided_at: at,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await k
    .insertInto('registration_read')
    .values({ user_id: ADVISOR_ID, registration_id: reg.id, read_at: at })
    .execute();
  await k
    .insertInto('attendance')
    .values({
      registration_id: reg.id,
      slot_date: '2022-03-14',
      slot_start: '09:00',
      status: 'present',
      recorded_at: at,
    })
    .execute();
  const support = await k
    .insertInto('support')
    .values({
      person_id: personId,
      phase: 'creation',
      started_at: '2022-04-01T08:00:00.000Z',
      ended_at: p.openSupport ? null : '2022-11-30T08:00:00.000Z',
      outcome: p.openSupport ? null : 'activite-creee',
      legal_form: 'association',
      outcome_date: p.openSupport ? null : '2022-11-30',
      activity_name: `L’atelier de ${p.first} ${p.last}`,
      jobs_created: 2,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await k
    .insertInto('support_phase')
    .values({ support_id: support.id, phase: 'creation', started_on: '2022-04-01', created_at: at })
    .execute();
  await k
    .insertInto('parcours_outcome')
    .values({
      registration_id: reg.id,
      kind: 'creation',
      outcome_date: '2022-04-01',
      support_id: support.id,
      recorded_at: at,
    })
    .execute();
  const note = await k
    .insertInto('note')
    .values({
      person_id: personId,
      support_id: support.id,
      kind: 'entretien',
      occurred_at: at,
      body: `Entretien avec ${p.first} ${p.last}, joignable au ${p.phone}`,
      next_action: `Envoyer le devis à ${p.email}`,
      due_at: '2022-03-10',
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await k
    .insertInto('note_revision')
    .values({
      note_id: note.id,
      kind: 'appel',
      occurred_at: at,
      body: `Première version : ${p.last}`,
      edited_at: at,
    })
    .execute();
  // An appointment at a place that names them (a video link): its detail goes with the erasure.
  const appointment = await k
    .insertInto('appointment')
    .values({
      person_id: personId,
      support_id: support.id,
      advisor_id: ADVISOR_ID,
      territory: 'valenciennois',
      starts_at: '2022-03-15T09:00:00.000Z',
      duration_min: 60,
      place_kind: 'visio',
      place_detail: `https://visio.exemple.test/${p.last}`,
      status: 'venu',
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await k
    .insertInto('appointment_message')
    .values({
      appointment_id: appointment.id,
      purpose: 'confirmation',
      dedupe_key: `confirmation:${appointment.id}:0`,
      channel: 'email',
      outcome: 'queued',
      created_at: at,
    })
    .execute();
  await k
    .insertInto('notification')
    .values({
      registration_id: reg.id,
      purpose: 'receipt',
      dedupe_key: `receipt:${reg.id}`,
      channel: 'appel',
      call_text: `Appeler ${p.first} ${p.last} au ${p.phone}`,
      call_status: 'done',
      outcome: 'joint',
      created_at: at,
    })
    .execute();
  mkdirSync(outboxDir, { recursive: true });
  for (const [kind, to] of [
    ['receipt', p.email],
    ['parcours-end', 'paule.prescriptrice@ft.test'],
  ] as const) {
    const row = await k
      .insertInto('outbox')
      .values({
        kind,
        to_address: to,
        reply_to: null,
        subject: `Votre demande, ${p.first}`,
        text_body: `Bonjour ${p.first} ${p.last}, nous vous appellerons au ${p.phone}.`,
        html_body: `<p>Bonjour ${p.first} ${p.last}</p>`,
        registration_id: reg.id,
        status: 'sent',
        attempts: 1,
        next_attempt_at: at,
        sent_at: at,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    writeFileSync(
      join(outboxDir, emlFileName(row.id, kind)),
      `To: ${to}\n\nBonjour ${p.first} ${p.last}, ${p.phone}\n`,
    );
  }
  await k
    .insertInto('audit_log')
    .values([
      {
        at,
        actor_id: null,
        action: 'person.update',
        entity_type: 'person',
        entity_id: String(personId),
        person_id: personId,
        details_json: JSON.stringify({
          before: { phone: e164, email: p.email },
          after: { last_name: p.last },
        }),
      },
      {
        at,
        actor_id: null,
        action: 'registration.accept',
        entity_type: 'registration',
        entity_id: String(reg.id),
        person_id: personId,
        details_json: JSON.stringify({ from: 'received', to: 'accepted' }),
      },
    ])
    .execute();
  return personId;
}

const TABLES: (keyof Database)[] = [
  'person',
  'registration',
  'registration_read',
  'event_copy',
  'attendance',
  'support',
  'note',
  'parcours_outcome',
  'support_phase',
  'note_revision',
  'outbox',
  'notification',
  'audit_log',
  'counter',
  'app_state',
  'retention_setting',
];

/** Every row of every table, as one text: what a database dump would hold. */
async function dump(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const t of TABLES) {
    const rows = await db.db.selectFrom(t).selectAll().execute();
    parts.push(`${t}:${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

/** Everything in the outbox folder. */
function folder(dir: string): string {
  return readdirSync(dir)
    .map((f) => `${f}\n${readFileSync(join(dir, f), 'utf8')}`)
    .join('\n');
}

/** The traces of someone: names, phone (as typed, E.164, digits), e-mail. */
const traces = (p: Someone) => [
  p.first,
  p.last,
  p.phone,
  `+33${p.phone.slice(1)}`,
  p.phone.slice(1),
  p.email,
];

/**
 * Interim indicators for a year (until the reporting functions land): distinct Parcours
 * participants (≥ 1 present half-day that year), those among them on RSA, supports active that year.
 */
async function indicators(db: Db, year: number) {
  const participants = await db.db
    .selectFrom('attendance')
    .innerJoin('registration', 'registration.id', 'attendance.registration_id')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select(['person.id', 'person.situation_rsa', 'person.territory', 'person.commune_insee'])
    .distinct()
    .where('attendance.status', '=', 'present')
    .where('event_copy.program_kind', '=', 'parcours')
    .where('attendance.slot_date', '>=', `${year}-01-01`)
    .where('attendance.slot_date', '<=', `${year}-12-31`)
    .orderBy('person.id')
    .execute();
  const supports = await db.db
    .selectFrom('support')
    .select(['id', 'legal_form', 'jobs_created', 'end_reason', 'outcome', 'phase'])
    .where('started_at', '<', `${year + 1}-01-01`)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', `${year}-01-01`)]))
    .orderBy('id')
    .execute();
  const outcomes = await db.db
    .selectFrom('parcours_outcome')
    .select(['kind', 'outcome_date'])
    .orderBy('id')
    .execute();
  return {
    participants: participants.length,
    rsa: participants.filter((p) => p.situation_rsa === 'oui').length,
    territories: participants.map((p) => `${p.territory}:${p.commune_insee}`),
    supports,
    outcomes,
  };
}

describe.each(BACKENDS)('retention on %s', (backend) => {
  const opened: { db: Db; drop(): Promise<void> }[] = [];
  let db: Db;
  let env: Record<string, string>;
  let database: Awaited<ReturnType<typeof throwawayDatabase>>;
  const outboxDir = () => env.OUTBOX_DIR as string;

  const ANNA: Someone = {
    first: 'Annabelle',
    last: 'Effaçable',
    phone: '0611223344',
    email: 'annabelle.effacable@exemple.test',
    lastContact: parisInstant('2023-12-01', '23:59').toISOString(),
  };
  const BORIS: Someone = {
    first: 'Borislav',
    last: 'Gardé-Limite',
    phone: '0622334455',
    email: 'borislav.garde@exemple.test',
    lastContact: parisInstant('2023-12-02', '00:00').toISOString(),
    rsa: 'non',
  };
  const CELINE: Someone = {
    first: 'Célinette',
    last: 'Récente',
    phone: '0633445566',
    email: 'celinette.recente@exemple.test',
    lastContact: '2026-11-20T10:00:00.000Z',
  };
  const DORIAN: Someone = {
    first: 'Dorianne',
    last: 'Accompagnée',
    phone: '0644556677',
    email: 'dorianne.suivie@exemple.test',
    lastContact: '2022-05-01T10:00:00.000Z',
    openSupport: true,
  };
  const ids = { anna: 0, boris: 0, celine: 0, dorian: 0 };

  beforeEach(async () => {
    database = await throwawayDatabase(backend);
    env = database.env;
    db = database.open();
    opened.push({ db, drop: database.drop });
    await migrateToLatest(db.db);
    await addUser(db, ADVISOR_ID, 'advisor');
    ids.anna = await seed(db, outboxDir(), ANNA);
    ids.boris = await seed(db, outboxDir(), BORIS);
    ids.celine = await seed(db, outboxDir(), CELINE);
    ids.dorian = await seed(db, outboxDir(), DORIAN);
  });

  afterAll(async () => {
    for (const o of opened) {
      await o.db.close().catch(() => {});
      await o.drop();
    }
  });

  it('computes the first Paris day kept, month ends included', () => {
    expect(addMonths('2026-12-02', -36)).toBe('2023-12-02');
    expect(addMonths('2024-02-29', -12)).toBe('2023-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('erases exactly the people past the period (Paris day boundary), every copy, and keeps the indicators', async () => {
    const before2022 = await indicators(db, 2022);
    expect(before2022.participants).toBe(4);
    const report = await runRetention(db.db, { at: AT, outboxDir: outboxDir() });
    expect(report).toMatchObject({
      months: 36,
      cutoff: '2023-12-02',
      persons: 1,
      registrations: 1,
      notes: 1,
      outbox: 2,
      emlFiles: 2,
    });

    const all = await dump(db);
    const files = folder(outboxDir());
    for (const t of traces(ANNA)) {
      expect(all.toLowerCase(), t).not.toContain(t.toLowerCase());
      expect(files.toLowerCase(), t).not.toContain(t.toLowerCase());
    }
    // Nobody else touched: the day-boundary person, the recent one and the one still supported.
    for (const p of [BORIS, CELINE, DORIAN]) for (const t of traces(p)) expect(all, t).toContain(t);
    expect(files).toContain(BORIS.last);

    const anna = await db.db
      .selectFrom('person')
      .selectAll()
      .where('id', '=', ids.anna)
      .executeTakeFirstOrThrow();
    expect(anna).toMatchObject({
      first_name: ERASED_FIRST_NAME,
      last_name: null,
      phone: '',
      email: null,
      territory: 'valenciennois',
      commune_insee: '59606',
      situation_rsa: 'oui',
      situation_job_seeker: 'oui',
      erased_at: AT.toISOString(),
    });
    const reg = await db.db
      .selectFrom('registration')
      .selectAll()
      .where('person_id', '=', ids.anna)
      .executeTakeFirstOrThrow();
    expect(reg).toMatchObject({
      kind: 'event',
      status: 'accepted',
      source_type: 'prescriber',
      territory: 'valenciennois',
    });
    expect([
      reg.prescriber_email,
      reg.prescriber_name,
      reg.needs_details,
      reg.project_idea,
      reg.message,
      reg.contact_phone,
    ]).toEqual([null, null, null, null, null, null]);
    const support = await db.db
      .selectFrom('support')
      .selectAll()
      .where('person_id', '=', ids.anna)
      .executeTakeFirstOrThrow();
    expect(support).toMatchObject({
      activity_name: null,
      legal_form: 'association',
      jobs_created: 2,
      outcome_date: '2022-11-30',
    });
    expect(
      await db.db
        .selectFrom('note_revision')
        .innerJoin('note', 'note.id', 'note_revision.note_id')
        .select('note_revision.id')
        .where('note.person_id', '=', ids.anna)
        .execute(),
    ).toEqual([]);
    // The erasure's own audit line holds counts, not the erased data.
    const line = await db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.retention-erase')
      .executeTakeFirstOrThrow();
    expect(line.person_id).toBe(ids.anna);
    expect(JSON.parse(line.details_json ?? '{}')).toMatchObject({ reason: 'retention', registrations: 1 });

    // The 2022 figures are the same after the job.
    expect(await indicators(db, 2022)).toEqual(before2022);

    // Run again: nothing more.
    expect((await runRetention(db.db, { at: AT, outboxDir: outboxDir() })).persons).toBe(0);
  });

  it('changes nothing on a dry run, and counts what a run would erase', async () => {
    const before = await dump(db);
    const filesBefore = folder(outboxDir());
    const report = await runRetention(db.db, { at: AT, dryRun: true, outboxDir: outboxDir() });
    expect(report).toMatchObject({ dryRun: true, persons: 1, registrations: 1, notes: 1, outbox: 2 });
    expect(await dump(db)).toBe(before);
    expect(folder(outboxDir())).toBe(filesBefore);
  });

  it('erases according to the period an admin sets, kept with its history', async () => {
    expect(await retentionMonths(db.db)).toBe(36);
    const admin = 'admin-retention';
    await addUser(db, admin, 'admin');
    await setRetentionMonths(db.db, admin, 48);
    expect(await expiredPersons(db.db, AT, await retentionMonths(db.db))).toEqual([]);
    await setRetentionMonths(db.db, admin, 12);
    expect(await expiredPersons(db.db, AT, await retentionMonths(db.db))).toEqual([ids.anna, ids.boris]);
    const history = await db.db
      .selectFrom('retention_setting')
      .select(['months', 'changed_by'])
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { months: 48, changed_by: admin },
      { months: 12, changed_by: admin },
    ]);
    const report = await runRetention(db.db, { at: AT, outboxDir: outboxDir() });
    expect(report.persons).toBe(2);
    const all = await dump(db);
    for (const t of [...traces(ANNA), ...traces(BORIS)])
      expect(all.toLowerCase(), t).not.toContain(t.toLowerCase());
    for (const t of traces(CELINE)) expect(all, t).toContain(t);
  });

  it('exports every table’s rows for a person, then erases them on request at once', async () => {
    // An attached document: its row and its file (in the document store) go with the rest.
    const documents = folderDocumentStore(join(outboxDir(), '..', 'documents'));
    const key = await documents.put(Readable.from([Buffer.from('%PDF-1.7 attestation de Céline')]));
    await insertDocument(db.db, {
      person_id: ids.celine,
      support_id: null,
      kind: 'attestation-rsa',
      format: 'pdf',
      original_name: `attestation ${CELINE.last}.pdf`,
      size: 30,
      storage_key: key,
      confidential: 0,
      uploaded_by: ADVISOR_ID,
      created_at: AT.toISOString(),
    });
    const data = await exportPerson(db.db, ids.celine);
    expect(data).not.toBeNull();
    for (const [table, rows] of Object.entries(data ?? {})) {
      const list = Array.isArray(rows) ? rows : [rows];
      expect(list.length, table).toBeGreaterThan(0);
    }
    const text = JSON.stringify(data);
    for (const t of [
      CELINE.first,
      CELINE.email,
      `+33${CELINE.phone.slice(1)}`,
      'Entretien avec',
      'Première version',
    ])
      expect(text).toContain(t);
    expect(text).not.toContain(ANNA.first);

    const counts = await erasePerson(db.db, ids.celine, {
      actorId: null,
      reason: 'request',
      outboxDir: outboxDir(),
      documents,
    });
    expect(counts).toMatchObject({
      registrations: 1,
      notes: 1,
      noteRevisions: 1,
      outbox: 2,
      emlFiles: 2,
      documents: 1,
      documentFiles: 1,
    });
    await expect(documents.get(key)).rejects.toThrow();
    expect(await erasePerson(db.db, ids.celine, { actorId: null, reason: 'request' })).toBeNull();
    const all = await dump(db);
    for (const t of traces(CELINE)) expect(all.toLowerCase(), t).not.toContain(t.toLowerCase());
    expect(folder(outboxDir()).toLowerCase()).not.toContain(CELINE.last.toLowerCase());
    // An erased record is never merged, either way (the indicators would move with it).
    const viewer = { id: ADVISOR_ID, role: 'admin' as const, territories: [] };
    await expect(mergePersons(db.db, { viewer, keepId: ids.boris, mergeId: ids.celine })).rejects.toThrow(
      MergeNotAllowedError,
    );
    await expect(mergePersons(db.db, { viewer, keepId: ids.celine, mergeId: ids.boris })).rejects.toThrow(
      MergeNotAllowedError,
    );
  });

  it('runs once a day whichever instance gets there first, and erases each person once', async () => {
    const other = database.open();
    opened.push({ db: other, drop: async () => {} });
    // Two instances at once on PostgreSQL. On SQLite two instances are two processes on one file:
    // in this one process a second connection would block the first (better-sqlite3 is
    // synchronous), so they take turns — the claim is the same primary key either way.
    const together = backend === 'postgres';
    const both = <T>(a: () => Promise<T>, b: () => Promise<T>) =>
      together ? Promise.all([a(), b()]) : a().then(async (x) => [x, await b()] as const);
    const [a, b] = await both(
      () => runDailyRetention(db.db, { at: AT, outboxDir: outboxDir() }),
      () => runDailyRetention(other.db, { at: AT, outboxDir: outboxDir() }),
    );
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
    expect((a ?? b)?.persons).toBe(1);
    // Two erasures of the same person racing (two instances, or the job and an admin): one wins.
    const racing = await both(
      () => erasePerson(db.db, ids.boris, { actorId: null, reason: 'request' }),
      () => erasePerson(other.db, ids.boris, { actorId: null, reason: 'request' }),
    );
    expect(racing.filter((r) => r === null)).toHaveLength(1);
    const lines = await db.db
      .selectFrom('audit_log')
      .select(['person_id'])
      .where('action', 'in', ['person.retention-erase', 'person.erase'])
      .orderBy('person_id')
      .execute();
    expect(lines.map((l) => l.person_id)).toEqual([ids.anna, ids.boris]);
    // The next day it runs again (and finds no one new).
    expect(await runDailyRetention(db.db, { at: new Date(AT.getTime() + 86_400_000) })).toMatchObject({
      persons: 0,
    });
  });
});
