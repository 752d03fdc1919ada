import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { selectDocumentsForExport } from '../documents/documents.repository.ts';
import { footprint } from './erasure.service.ts';
import {
  auditRowsAbout,
  findErasedAt,
  rowsIn,
  selectEventsForExport,
  selectOutboxForExport,
  selectReadMarks,
} from './retention.repository.ts';

// The person's rights (admin/personnes/[id]): everything held on them, as the page shows it and
// as the JSON download gives it.

/**
 * Everything held on one person (right of access), table by table: their record, requests (with
 * the session's title), attendance, Parcours outcomes, supports and phases, notes and their
 * earlier versions, appointments and what was sent about them, call scripts, messages sent about them, attached documents (metadata and where to download each) and the audit rows about them.
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
  const appointments = await rowsIn(db, 'appointment', 'person_id', [personId]);
  return {
    person: f.person,
    registration: f.registrations,
    event_copy: eventIds.length ? await selectEventsForExport(db, eventIds) : none(),
    attendance: await rowsIn(db, 'attendance', 'registration_id', regIds),
    parcours_outcome: await rowsIn(db, 'parcours_outcome', 'registration_id', regIds),
    support: await rowsIn(db, 'support', 'person_id', [personId]),
    support_phase: await rowsIn(db, 'support_phase', 'support_id', supportIds),
    note: await rowsIn(db, 'note', 'person_id', [personId]),
    note_revision: await rowsIn(db, 'note_revision', 'note_id', noteIds),
    appointment: appointments,
    appointment_message: await rowsIn(
      db,
      'appointment_message',
      'appointment_id',
      appointments.map((a) => a.id),
    ),
    notification: await rowsIn(db, 'notification', 'registration_id', regIds),
    outbox: outboxIds.length ? await selectOutboxForExport(db, outboxIds) : none(),
    registration_read: regIds.length ? await selectReadMarks(db, regIds) : none(),
    // Metadata and the address to download each file from (admins may download every document).
    document: await selectDocumentsForExport(db, personId),
    audit_log: await auditRowsAbout(db, f),
  };
}

type PersonExport = NonNullable<Awaited<ReturnType<typeof exportPerson>>>;

/** French titles of the export's sections (the readable page). */
const SECTION_LABELS: Record<keyof PersonExport, string> = {
  person: 'Fiche de la personne',
  registration: 'Demandes et inscriptions',
  event_copy: 'Sessions concernées',
  attendance: 'Présences',
  parcours_outcome: 'Suites des Parcours',
  support: 'Accompagnements',
  support_phase: 'Phases des accompagnements',
  note: 'Notes',
  note_revision: 'Versions antérieures des notes',
  appointment: 'Rendez-vous',
  appointment_message: 'Messages au sujet des rendez-vous',
  notification: 'Appels et rappels',
  outbox: 'Messages envoyés',
  registration_read: 'Consultations des demandes',
  document: 'Documents joints (à télécharger un par un à l’adresse indiquée)',
  audit_log: 'Journal des accès et des modifications',
};

/**
 * What the person's-rights page (admin/personnes/[id]) reads: whether the record exists and is
 * erased, and everything held on it, section by section.
 */
export async function erasureState(
  db: Kysely<Database>,
  personId: number,
): Promise<{ erasedAt: string | null } | undefined> {
  const row = await findErasedAt(db, personId);
  return row && { erasedAt: row.erased_at };
}

/** Everything held on the person, as sections of rows; a read is audited when `audited`. */
export async function rightsView(
  db: Kysely<Database>,
  viewer: Viewer,
  personId: number,
  options: { audited: boolean },
) {
  const data = (await exportPerson(db, personId)) as PersonExport;
  if (options.audited)
    await audit(db, {
      actorId: viewer.id,
      action: 'person.export',
      entityType: 'person',
      entityId: personId,
      personId,
      details: { format: 'html' },
    });
  const sections = (Object.keys(SECTION_LABELS) as (keyof PersonExport)[]).map((key) => {
    const value = data[key];
    const rows = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
    return { key, label: SECTION_LABELS[key], rows };
  });
  return { erasedAt: data.person.erased_at, sections };
}
