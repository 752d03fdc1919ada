import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import type { AppointmentMessageTable, AppointmentTable, Database } from '../../db/database.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { LONGEST_MIN } from './appointments.rules.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The person an appointment is booked with, when the viewer may see them. */
export async function findBookablePerson(db: Db, viewer: Viewer, personId: number) {
  return db
    .selectFrom('person')
    .select(['id', 'territory', 'erased_at'])
    .where('id', '=', personId)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** The support's id when it is one of this person's. */
export async function findSupportOfPerson(db: Db, personId: number, supportId: number) {
  return db
    .selectFrom('support')
    .select('id')
    .where('id', '=', supportId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** Active accounts that may hold an appointment in `territory`: its advisors, and admins. */
export async function advisorsOfTerritory(db: Db, territory: string | null) {
  const rows = await db
    .selectFrom('users')
    .leftJoin('user_territory', 'user_territory.user_id', 'users.id')
    .select(['users.id', 'users.name', 'users.role', 'users.disabled', 'user_territory.territory'])
    .orderBy('users.name')
    .execute();
  const seen = new Map<string, { id: string; name: string }>();
  for (const r of rows) {
    if (r.disabled) continue; // boolean on PostgreSQL, 0/1 on SQLite
    if (r.role === 'admin' || (territory !== null && r.territory === territory))
      seen.set(r.id, { id: r.id, name: r.name });
  }
  return [...seen.values()];
}

/** Every active account (the admins' choice of agenda). */
export async function activeAccounts(db: Db) {
  const rows = await db.selectFrom('users').select(['id', 'name', 'disabled']).orderBy('name').execute();
  return rows.filter((r) => !r.disabled).map((r) => ({ id: r.id, name: r.name }));
}

/**
 * Serialises the bookings of one advisor on PostgreSQL (a row lock on the account), so that two
 * bookings at once cannot both pass the overlap check. SQLite's BEGIN IMMEDIATE already does.
 */
export async function lockAdvisor(trx: Db, advisorId: string, postgres: boolean): Promise<void> {
  if (!postgres) return;
  await sql`select id from users where id = ${advisorId} for update`.execute(trx);
}

/** The advisor's non-cancelled appointments that may overlap [from, until) (but `except`). */
export async function advisorAppointmentsAround(
  db: Db,
  advisorId: string,
  from: Date,
  until: Date,
  except?: number,
) {
  let q = db
    .selectFrom('appointment')
    .select(['id', 'starts_at', 'duration_min'])
    .where('advisor_id', '=', advisorId)
    .where('status', '!=', 'annule')
    .where('starts_at', '>', new Date(from.getTime() - LONGEST_MIN * 60_000).toISOString())
    .where('starts_at', '<', until.toISOString());
  if (except) q = q.where('id', '!=', except);
  return q.execute();
}

export async function insertAppointment(db: Db, row: Insertable<AppointmentTable>): Promise<number> {
  const r = await db.insertInto('appointment').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateAppointment(db: Db, id: number, changes: Updateable<AppointmentTable>) {
  await db.updateTable('appointment').set(changes).where('id', '=', id).execute();
}

/** Bumps the calendar SEQUENCE with a change. */
export async function updateAppointmentWithSequence(
  db: Db,
  id: number,
  changes: Updateable<AppointmentTable>,
) {
  await db
    .updateTable('appointment')
    .set((eb) => ({ ...changes, sequence: eb('sequence', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** An appointment with its person, advisor and support, when the viewer may see the person. */
export async function findVisibleAppointment(db: Db, viewer: Viewer, id: number) {
  return db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .leftJoin('users', 'users.id', 'appointment.advisor_id')
    .selectAll('appointment')
    .select([
      'person.first_name',
      'person.last_name',
      'person.erased_at',
      'person.phone',
      'person.preferred_contact',
      'users.name as advisor_name',
    ])
    .where('appointment.id', '=', id)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** An appointment by id (no scope: the person's cancel link, the jobs). */
export async function findAppointment(db: Db, id: number) {
  return db.selectFrom('appointment').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Notes written about an appointment. */
export async function notesOfAppointment(db: Db, appointmentId: number) {
  return db
    .selectFrom('note')
    .leftJoin('users', 'users.id', 'note.author_id')
    .select([
      'note.id',
      'note.kind',
      'note.occurred_at',
      'note.occurred_time',
      'note.body',
      'users.name as author_name',
    ])
    .where('note.appointment_id', '=', appointmentId)
    .orderBy('note.occurred_at', 'desc')
    .execute();
}

/** A person's appointments from `from` on (a file, a support), soonest first. */
export async function appointmentsOfPerson(
  db: Db,
  personId: number,
  options: { from: string; supportId?: number },
) {
  let q = db
    .selectFrom('appointment')
    .leftJoin('users', 'users.id', 'appointment.advisor_id')
    .select([
      'appointment.id',
      'appointment.starts_at',
      'appointment.duration_min',
      'appointment.place_kind',
      'appointment.status',
      'users.name as advisor_name',
    ])
    .where('appointment.person_id', '=', personId)
    .where('appointment.starts_at', '>=', options.from);
  if (options.supportId) q = q.where('appointment.support_id', '=', options.supportId);
  return q.orderBy('appointment.starts_at').limit(50).execute();
}

/** An advisor's appointments in [from, until), with their person's name (in the viewer's scope). */
export async function agendaRows(db: Db, viewer: Viewer, advisorId: string, from: string, until: string) {
  return db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .select([
      'appointment.id',
      'appointment.person_id',
      'appointment.starts_at',
      'appointment.duration_min',
      'appointment.place_kind',
      'appointment.place_detail',
      'appointment.status',
      'appointment.cancelled_by_person',
      'person.first_name',
      'person.last_name',
    ])
    .where('appointment.advisor_id', '=', advisorId)
    .where('appointment.starts_at', '>=', from)
    .where('appointment.starts_at', '<', until)
    .where(personScope(viewer))
    .orderBy('appointment.starts_at')
    .orderBy('appointment.id')
    .execute();
}

/** How many of the advisor's appointments started before `before` still have no status. */
export async function countWithoutStatus(db: Db, advisorId: string, before: string) {
  const row = await db
    .selectFrom('appointment')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('advisor_id', '=', advisorId)
    .where('status', '=', 'prevu')
    .where('starts_at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The advisor's appointments started before `before` and still without a status, oldest first. */
export async function listWithoutStatus(
  db: Db,
  viewer: Viewer,
  advisorId: string,
  before: string,
  limit: number,
) {
  return db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .select([
      'appointment.id',
      'appointment.person_id',
      'appointment.starts_at',
      'person.first_name',
      'person.last_name',
    ])
    .where('appointment.advisor_id', '=', advisorId)
    .where('appointment.status', '=', 'prevu')
    .where('appointment.starts_at', '<', before)
    .where(personScope(viewer))
    .orderBy('appointment.starts_at')
    .limit(limit)
    .execute();
}

/** What the messages need about appointments, in one query (one or thousands of ids). */
export async function messageSubjects(db: Db, ids: number[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .leftJoin('users', 'users.id', 'appointment.advisor_id')
    .leftJoin('territory', 'territory.slug', 'appointment.territory')
    .select([
      'appointment.id',
      'appointment.person_id',
      'appointment.starts_at',
      'appointment.duration_min',
      'appointment.place_kind',
      'appointment.place_detail',
      'appointment.status',
      'appointment.sequence',
      'appointment.territory',
      'territory.name as territory_name',
      'person.first_name',
      'person.last_name',
      'person.email',
      'person.phone',
      'person.preferred_contact',
      'person.erased_at',
      'users.name as advisor_name',
      'users.email as advisor_email',
    ])
    .where('appointment.id', 'in', ids)
    .execute();
}

/**
 * Claims messages: one row per dedupe key, inserted only if absent. Returns the keys this call
 * inserted — the messages it must send; a key another run (or instance) claimed first is skipped.
 */
export async function claimMessages(
  db: Db,
  rows: {
    appointment_id: number;
    purpose: AppointmentMessageTable['purpose'];
    dedupe_key: string;
    channel: AppointmentMessageTable['channel'];
    outcome: AppointmentMessageTable['outcome'];
    created_at: string;
  }[],
): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await db
    .insertInto('appointment_message')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('dedupe_key')
    .execute();
  return inserted.map((r) => r.dedupe_key);
}

/** What the SMS queue answered for claimed messages (500 keys a statement). */
export async function setMessageOutcome(db: Db, keys: string[], outcome: AppointmentMessageTable['outcome']) {
  for (let i = 0; i < keys.length; i += 500)
    await db
      .updateTable('appointment_message')
      .set({ outcome })
      .where('dedupe_key', 'in', keys.slice(i, i + 500))
      .execute();
}

/** Appointments still ahead within (from, until]: the reminders' candidates (index status, starts_at). */
export async function upcomingAppointments(db: Db, from: string, until: string) {
  return db
    .selectFrom('appointment')
    .select(['id', 'starts_at', 'created_at', 'updated_at', 'sequence'])
    .where('status', '=', 'prevu')
    .where('starts_at', '>', from)
    .where('starts_at', '<=', until)
    .execute();
}

/** What was sent (or is waiting) about an appointment, for its page. */
export async function messagesOfAppointment(db: Db, appointmentId: number) {
  return db
    .selectFrom('appointment_message')
    .select(['purpose', 'channel', 'outcome', 'created_at', 'dedupe_key', 'called_at'])
    .where('appointment_id', '=', appointmentId)
    .orderBy('id')
    .execute();
}

/** The advisor's live feed, if any. */
export async function findLiveFeed(db: Db, userId: string) {
  return db
    .selectFrom('calendar_feed')
    .select(['id', 'created_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function revokeFeeds(db: Db, userId: string, at: string): Promise<number> {
  const r = await db
    .updateTable('calendar_feed')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertFeed(db: Db, row: { user_id: string; token_hash: string; created_at: string }) {
  await db.insertInto('calendar_feed').values(row).execute();
}

/** The owner of a live feed, by its token's hash (an indexed equality on a unique column). */
export async function feedOwner(db: Db, tokenHash: string) {
  return db
    .selectFrom('calendar_feed')
    .innerJoin('users', 'users.id', 'calendar_feed.user_id')
    .select(['calendar_feed.user_id', 'users.disabled'])
    .where('calendar_feed.token_hash', '=', tokenHash)
    .where('calendar_feed.revoked_at', 'is', null)
    .executeTakeFirst();
}

/** The advisor's appointments in [from, until) for their feed: first name and last name's initial only. */
export async function feedRows(db: Db, advisorId: string, from: string, until: string) {
  return db
    .selectFrom('appointment')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .select([
      'appointment.id',
      'appointment.starts_at',
      'appointment.duration_min',
      'appointment.place_kind',
      'appointment.place_detail',
      'appointment.status',
      'appointment.sequence',
      'person.first_name',
      'person.last_name',
    ])
    .where('appointment.advisor_id', '=', advisorId)
    .where('appointment.starts_at', '>=', from)
    .where('appointment.starts_at', '<', until)
    .orderBy('appointment.starts_at')
    .execute();
}

/**
 * The appointment's SMS that have not left yet (waiting for the provider or in « À appeler »): no
 * longer to send once it moved or was cancelled (the message about that follows).
 */
export async function cancelPendingSms(db: Db, appointmentId: number) {
  await db
    .updateTable('sms_message')
    .set({ status: 'cancelled' })
    .where('appointment_id', '=', appointmentId)
    .where('status', 'in', ['queued', 'manual'])
    .execute();
}

/**
 * Calls owed to people who prefer a call (« À appeler »): the reminder two days before and a change
 * of an appointment still ahead, a cancellation of the last week; not yet made; in the viewer's
 * territories. Oldest first.
 */
export async function appointmentCallsToMake(db: Db, viewer: Viewer, nowIso: string, weekAgoIso: string) {
  return db
    .selectFrom('appointment_message as m')
    .innerJoin('appointment', 'appointment.id', 'm.appointment_id')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .select([
      'm.id',
      'm.purpose',
      'm.created_at',
      'appointment.id as appointment_id',
      'appointment.starts_at',
      'appointment.duration_min',
      'appointment.place_kind',
      'appointment.place_detail',
      'appointment.territory',
      'person.id as person_id',
      'person.first_name',
      'person.last_name',
      'person.phone',
    ])
    .where('m.channel', '=', 'appel')
    .where('m.called_at', 'is', null)
    .where('person.erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('m.purpose', 'in', ['reminder-2d', 'change']),
          eb('appointment.status', '=', 'prevu'),
          eb('appointment.starts_at', '>', nowIso),
        ]),
        eb.and([eb('m.purpose', '=', 'cancel'), eb('m.created_at', '>', weekAgoIso)]),
      ]),
    )
    .where(personScope(viewer))
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(200)
    .execute();
}

/** The call owed by one message, if the viewer may see its person and it is still to make. */
export async function findAppointmentCall(db: Db, viewer: Viewer, messageId: number) {
  return db
    .selectFrom('appointment_message as m')
    .innerJoin('appointment', 'appointment.id', 'm.appointment_id')
    .innerJoin('person', 'person.id', 'appointment.person_id')
    .select([
      'm.id',
      'm.purpose',
      'appointment.id as appointment_id',
      'appointment.starts_at',
      'person.id as person_id',
    ])
    .where('m.id', '=', messageId)
    .where('m.channel', '=', 'appel')
    .where('m.called_at', 'is', null)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** Records the call made (once: false when someone already did). */
export async function markAppointmentCalled(
  db: Db,
  messageId: number,
  by: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('appointment_message')
    .set({ called_at: at, called_by: by })
    .where('id', '=', messageId)
    .where('called_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
