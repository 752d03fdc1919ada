import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { auditRowsAbout, footprint } from './erase.ts';

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
    attendance: regIds.length
      ? await db
          .selectFrom('attendance')
          .selectAll()
          .where('registration_id', 'in', regIds)
          .orderBy('id')
          .execute()
      : none(),
    parcours_outcome: regIds.length
      ? await db
          .selectFrom('parcours_outcome')
          .selectAll()
          .where('registration_id', 'in', regIds)
          .orderBy('id')
          .execute()
      : none(),
    support: await db
      .selectFrom('support')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('id')
      .execute(),
    support_phase: supportIds.length
      ? await db
          .selectFrom('support_phase')
          .selectAll()
          .where('support_id', 'in', supportIds)
          .orderBy('id')
          .execute()
      : none(),
    note: await db.selectFrom('note').selectAll().where('person_id', '=', personId).orderBy('id').execute(),
    note_revision: noteIds.length
      ? await db
          .selectFrom('note_revision')
          .selectAll()
          .where('note_id', 'in', noteIds)
          .orderBy('id')
          .execute()
      : none(),
    notification: regIds.length
      ? await db
          .selectFrom('notification')
          .selectAll()
          .where('registration_id', 'in', regIds)
          .orderBy('id')
          .execute()
      : none(),
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
