import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { auditRowsAbout, footprint } from './erase.ts';

type ById =
  | 'attendance'
  | 'parcours_outcome'
  | 'support'
  | 'support_phase'
  | 'note'
  | 'note_revision'
  | 'notification';

/** Every row of `table` whose `column` is one of `ids`, by id (none, without a query, for no ids). */
async function rowsIn<T extends ById>(
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

/**
 * Everything held on one person (right of access), table by table: their record, requests (with
 * the session's title), attendance, Parcours outcomes, supports and phases, notes and their
 * earlier versions, call scripts, messages sent about them and the audit rows about them.
 */
export async function exportPerson(db: Kysely<Database>, personId: number) {
  const f = await footprint(db, personId);
  if (!f) return null;
  const { regIds, noteIds, supportIds } = f;
  const none = <T>(): T[] => [];
  const eventIds = [
    ...new Set(f.registrations.map((r) => r.event_id).filter((e): e is string => Boolean(e))),
  ];
  const outboxIds = f.outbox.map((o) => o.id);
  return {
    person: f.person,
    registration: f.registrations,
    event_copy: eventIds.length
      ? await db
          .selectFrom('event_copy')
          .select(['document_id', 'title', 'program_title', 'slots_json'])
          .where('document_id', 'in', eventIds)
          .execute()
      : none(),
    attendance: await rowsIn(db, 'attendance', 'registration_id', regIds),
    parcours_outcome: await rowsIn(db, 'parcours_outcome', 'registration_id', regIds),
    support: await rowsIn(db, 'support', 'person_id', [personId]),
    support_phase: await rowsIn(db, 'support_phase', 'support_id', supportIds),
    note: await rowsIn(db, 'note', 'person_id', [personId]),
    note_revision: await rowsIn(db, 'note_revision', 'note_id', noteIds),
    notification: await rowsIn(db, 'notification', 'registration_id', regIds),
    outbox: outboxIds.length
      ? await db
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
          .where('id', 'in', outboxIds)
          .orderBy('id')
          .execute()
      : none(),
    registration_read: regIds.length
      ? await db.selectFrom('registration_read').selectAll().where('registration_id', 'in', regIds).execute()
      : none(),
    audit_log: await auditRowsAbout(db, f),
  };
}

export type PersonExport = NonNullable<Awaited<ReturnType<typeof exportPerson>>>;

/** French titles of the export's sections (the readable page). */
export const SECTION_LABELS: Record<keyof PersonExport, string> = {
  person: 'Fiche de la personne',
  registration: 'Demandes et inscriptions',
  event_copy: 'Sessions concernées',
  attendance: 'Présences',
  parcours_outcome: 'Suites des Parcours',
  support: 'Accompagnements',
  support_phase: 'Phases des accompagnements',
  note: 'Notes',
  note_revision: 'Versions antérieures des notes',
  notification: 'Appels et rappels',
  outbox: 'Messages envoyés',
  registration_read: 'Consultations des demandes',
  audit_log: 'Journal des accès et des modifications',
};
