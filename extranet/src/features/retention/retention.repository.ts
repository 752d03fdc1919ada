import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';

// Every query of the retention feature: what holds a person's data (the footprint), the erasure's
// writes, the right-of-access export, who is past the period, the daily run's claim, the period.

type Db = Kysely<Database> | Transaction<Database>;

// ── the footprint: what holds or copies a person's data ───────────────────────────────────────

export async function findPerson(db: Db, personId: number) {
  return db.selectFrom('person').selectAll().where('id', '=', personId).executeTakeFirst();
}

export async function selectRegistrationsOf(db: Db, personId: number) {
  return db.selectFrom('registration').selectAll().where('person_id', '=', personId).execute();
}

export async function selectNoteIdsOf(db: Db, personId: number): Promise<number[]> {
  return (await db.selectFrom('note').select(['id']).where('person_id', '=', personId).execute()).map(
    (n) => n.id,
  );
}

export async function selectSupportIdsOf(db: Db, personId: number): Promise<number[]> {
  return (await db.selectFrom('support').select(['id']).where('person_id', '=', personId).execute()).map(
    (s) => s.id,
  );
}

/**
 * The person's appointments keep their time, place kind and status (the no-show rate), not the
 * place's detail (a partner's address, a video link that may name them). Returns their ids.
 */
export async function blankAppointmentsOf(db: Db, personId: number): Promise<number[]> {
  const ids = (
    await db.selectFrom('appointment').select('id').where('person_id', '=', personId).execute()
  ).map((a) => a.id);
  if (ids.length)
    await db.updateTable('appointment').set({ place_detail: null }).where('id', 'in', ids).execute();
  return ids;
}

/** Messages about these requests, or sent to these addresses outside any request. */
export async function selectOutboxAbout(db: Db, regIds: number[], emails: string[]) {
  let outboxQuery = db.selectFrom('outbox').select(['id', 'kind']);
  outboxQuery = outboxQuery.where((eb) => {
    const ors = [];
    if (regIds.length) ors.push(eb('registration_id', 'in', regIds));
    if (emails.length) ors.push(eb.and([eb('registration_id', 'is', null), eb('to_address', 'in', emails)]));
    return ors.length ? eb.or(ors) : eb.val(false);
  });
  return regIds.length || emails.length ? await outboxQuery.execute() : [];
}

/** Audit rows about the person, their requests, notes or supports. */
export function auditRowsAbout(
  db: Db,
  f: { person: { id: number }; regIds: number[]; noteIds: number[]; supportIds: number[] },
) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('person_id', '=', f.person.id),
        eb.and([eb('entity_type', '=', 'person'), eb('entity_id', '=', String(f.person.id))]),
        ...(f.regIds.length
          ? [eb.and([eb('entity_type', '=', 'registration'), eb('entity_id', 'in', f.regIds.map(String))])]
          : []),
        ...(f.noteIds.length
          ? [eb.and([eb('entity_type', '=', 'note'), eb('entity_id', 'in', f.noteIds.map(String))])]
          : []),
        ...(f.supportIds.length
          ? [eb.and([eb('entity_type', '=', 'support'), eb('entity_id', 'in', f.supportIds.map(String))])]
          : []),
      ]),
    )
    .orderBy('id')
    .execute();
}

// ── the erasure's writes ─────────────────────────────────────────────────────────────────────

/**
 * Replaces the person's identity, if not erased yet: true when this call did it (a conditional
 * UPDATE, so twice, or on two instances, is still once).
 */
export async function claimErasure(db: Db, personId: number, erasedFirstName: string, at: string) {
  const claimed = await db
    .updateTable('person')
    .set({
      first_name: erasedFirstName,
      last_name: null,
      phone: '',
      email: null,
      commune_name: null,
      erased_at: at,
      updated_at: at,
    })
    .where('id', '=', personId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** Blanks the requests' personal columns (contact, professional, needs, free text). */
export async function blankRegistrations(db: Db, regIds: number[], at: string): Promise<void> {
  await db
    .updateTable('registration')
    .set({
      prescriber_name: null,
      prescriber_organisation: null,
      prescriber_phone: null,
      prescriber_email: null,
      needs_transport: 0,
      needs_childcare: 0,
      needs_accessibility: 0,
      needs_details: null,
      project_idea: null,
      message: null,
      decision_reason: null,
      contact_first_name: null,
      contact_last_name: null,
      contact_phone: null,
      contact_email: null,
      contact_commune_insee: null,
      contact_commune_name: null,
      contact_situation_rsa: null,
      contact_situation_job_seeker: null,
      updated_at: at,
    })
    .where('id', 'in', regIds)
    .execute();
}

/** Blanks the call scripts of these requests; returns how many. */
export async function blankCallTexts(db: Db, regIds: number[]): Promise<number> {
  const calls = await db
    .updateTable('notification')
    .set({ call_text: null })
    .where('registration_id', 'in', regIds)
    .executeTakeFirst();
  return Number(calls.numUpdatedRows);
}

/** Deletes the earlier versions of these notes; returns how many. */
export async function deleteNoteRevisions(db: Db, noteIds: number[]): Promise<number> {
  const revisions = await db.deleteFrom('note_revision').where('note_id', 'in', noteIds).executeTakeFirst();
  return Number(revisions.numDeletedRows);
}

/** Keeps the notes as dated contacts of their kind, without their text. */
export async function blankNotes(db: Db, noteIds: number[], at: string): Promise<void> {
  await db
    .updateTable('note')
    .set({ body: '', next_action: null, due_at: null, updated_at: at })
    .where('id', 'in', noteIds)
    .execute();
}

export async function blankSupports(db: Db, supportIds: number[], at: string): Promise<void> {
  await db
    .updateTable('support')
    .set({ activity_name: null, updated_at: at })
    .where('id', 'in', supportIds)
    .execute();
}

/** Stops sending these messages (there is no one left to send them to) and blanks them. */
export async function blankOutbox(db: Db, ids: number[], erasedText: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: 'Effacé (données personnelles)', locked_until: null })
    .where('id', 'in', ids)
    .where('status', 'in', ['pending', 'held', 'failed'])
    .execute();
  await db
    .updateTable('outbox')
    .set({
      to_address: '',
      reply_to: null,
      subject: erasedText,
      text_body: '',
      html_body: null,
      attachments_json: null,
    })
    .where('id', 'in', ids)
    .execute();
}

export async function updateAuditDetails(db: Db, id: number, detailsJson: string | null): Promise<void> {
  await db.updateTable('audit_log').set({ details_json: detailsJson }).where('id', '=', id).execute();
}

// ── the right of access: everything held on a person ────────────────────────────────────────

type ById =
  | 'appointment'
  | 'appointment_message'
  | 'attendance'
  | 'parcours_outcome'
  | 'support'
  | 'support_phase'
  | 'note'
  | 'note_revision'
  | 'notification';

/** Every row of `table` whose `column` is one of `ids`, by id (none, without a query, for no ids). */
export async function rowsIn<T extends ById>(
  db: Kysely<Database>,
  table: T,
  column: keyof Database[T] & string,
  ids: readonly number[],
): Promise<Selectable<Database[T]>[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom(table as ById)
    .selectAll()
    .where(sql.ref(column), 'in', ids)
    .orderBy(sql.ref('id'))
    .execute();
  return rows as Selectable<Database[T]>[];
}

/** The sessions of these requests (title and dates only). */
export async function selectEventsForExport(db: Kysely<Database>, eventIds: string[]) {
  return db
    .selectFrom('event_copy')
    .select(['document_id', 'title', 'program_title', 'slots_json'])
    .where('document_id', 'in', eventIds)
    .execute();
}

export async function selectOutboxForExport(db: Kysely<Database>, ids: number[]) {
  return db
    .selectFrom('outbox')
    .select([
      'id',
      'kind',
      'to_address',
      'subject',
      'text_body',
      'registration_id',
      'status',
      'sent_at',
      'created_at',
    ])
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
}

export async function selectReadMarks(db: Kysely<Database>, regIds: number[]) {
  return db.selectFrom('registration_read').selectAll().where('registration_id', 'in', regIds).execute();
}

export async function findErasedAt(db: Kysely<Database>, personId: number) {
  return db.selectFrom('person').select('erased_at').where('id', '=', personId).executeTakeFirst();
}

// ── the period and its runs ─────────────────────────────────────────────────────────────────

/** People whose last contact is before `cutoff` (an instant), not erased yet, with no support open. */
export async function selectExpiredPersonIds(db: Kysely<Database>, cutoff: string): Promise<number[]> {
  const rows = await db
    .selectFrom('person')
    .select('id')
    .where('erased_at', 'is', null)
    .where('last_contact_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('support')
            .select('support.id')
            .whereRef('support.person_id', '=', 'person.id')
            .where('support.ended_at', 'is', null),
        ),
      ),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** How many requests, or notes, these people have. */
export async function countOf(
  db: Kysely<Database>,
  table: 'registration' | 'note' | 'document',
  personIds: number[],
) {
  return Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('person_id', 'in', personIds)
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/** How many messages are about these people's requests. */
export async function countOutboxOf(db: Kysely<Database>, personIds: number[]) {
  return Number(
    (
      await db
        .selectFrom('outbox')
        .innerJoin('registration', 'registration.id', 'outbox.registration_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('registration.person_id', 'in', personIds)
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/** Inserts `key` in app_state unless it is there: true for the one caller that inserted it. */
export async function claimAppStateKey(db: Kysely<Database>, key: string, value: string): Promise<boolean> {
  const claimed = await db
    .insertInto('app_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return Boolean(claimed);
}

/** The latest retention setting, if an admin ever set one. */
export async function findLatestSetting(db: Db) {
  return db
    .selectFrom('retention_setting')
    .select('months')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every change, newest first, with who made it. */
export async function retentionHistory(db: Db) {
  return db
    .selectFrom('retention_setting')
    .leftJoin('users', 'users.id', 'retention_setting.changed_by')
    .select([
      'retention_setting.id',
      'retention_setting.months',
      'retention_setting.changed_at',
      'users.name as changed_by_name',
    ])
    .orderBy('retention_setting.id', 'desc')
    .execute();
}

export async function insertSetting(
  db: Db,
  setting: { months: number; changed_by: string; changed_at: string },
) {
  await db.insertInto('retention_setting').values(setting).execute();
}

/**
 * The person's SMS (to them, or about their requests): not sent any more, number and text blanked.
 * Returns their ids (demo mode's files are named after them).
 */
export async function blankSmsOf(db: Db, personId: number, regIds: number[], erasedText: string) {
  const rows = await db
    .selectFrom('sms_message')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('person_id', '=', personId),
        ...(regIds.length ? [eb('registration_id', 'in', regIds)] : []),
      ]),
    )
    .execute();
  const ids = rows.map((r) => r.id);
  if (!ids.length) return ids;
  await db
    .updateTable('sms_message')
    .set({ status: 'cancelled', last_error: 'Effacé (données personnelles)', locked_until: null })
    .where('id', 'in', ids)
    .where('status', 'in', ['manual', 'queued', 'sending'])
    .execute();
  await db
    .updateTable('sms_message')
    .set({ to_phone: '', text_body: erasedText })
    .where('id', 'in', ids)
    .execute();
  return ids;
}
