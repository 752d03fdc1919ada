import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { flushAuditJournal } from '../audit/audit-journal.ts';
import type { DocumentStore } from '../documents/document.store.ts';
import { deleteDocumentsOf } from '../documents/documents.repository.ts';
import { deletePersonLinks } from '../notifications/person-link.repository.ts';
import { smsFileName } from '../sms/brevo.ts';
import {
  auditRowsAbout,
  blankAppointmentsOf,
  blankCallTexts,
  blankNotes,
  blankOutbox,
  blankRegistrations,
  blankSmsOf,
  blankSupports,
  claimErasure,
  deleteNoteRevisions,
  findPerson,
  selectNoteIdsOf,
  selectOutboxAbout,
  selectRegistrationsOf,
  selectSupportIdsOf,
  updateAuditDetails,
} from './retention.repository.ts';
import { ERASED_FIRST_NAME, ERASED_TEXT, emlFileName, scrubDetails } from './retention.rules.ts';

export type ErasureReason = 'retention' | 'request';

export interface ErasureCounts {
  registrations: number;
  notes: number;
  noteRevisions: number;
  supports: number;
  outbox: number;
  emlFiles: number;
  /** SMS to the person or about their requests, blanked; and demo mode's files of them deleted */
  sms: number;
  smsFiles: number;
  notifications: number;
  auditRows: number;
  /** attached documents: rows deleted, and their files */
  documents: number;
  documentFiles: number;
}

/** Everything that holds or copies a person's data: ids, and the strings that identify them. */
export async function footprint(db: Kysely<Database> | Transaction<Database>, personId: number) {
  const person = await findPerson(db, personId);
  if (!person) return null;
  const registrations = await selectRegistrationsOf(db, personId);
  const regIds = registrations.map((r) => r.id);
  const noteIds = await selectNoteIdsOf(db, personId);
  const supportIds = await selectSupportIdsOf(db, personId);
  const emails = [
    ...new Set(
      [person.email, ...registrations.map((r) => r.contact_email)].filter((e): e is string => Boolean(e)),
    ),
  ];
  const outbox = await selectOutboxAbout(db, regIds, emails);
  const identifiers = [
    person.first_name,
    person.last_name,
    person.phone,
    person.email,
    ...registrations.flatMap((r) => [
      r.contact_first_name,
      r.contact_last_name,
      r.contact_phone,
      r.contact_email,
    ]),
  ].filter((s): s is string => typeof s === 'string' && s.trim().length >= 3);
  return {
    person,
    registrations,
    regIds,
    noteIds,
    supportIds,
    outbox,
    identifiers: [...new Set(identifiers)],
  };
}

/**
 * Erases one person (retention or on request): identity, contact details, needs, free text and
 * notes, and every copy — request contact columns, professionals' details, outbox messages and
 * their .eml files, call scripts, note revisions, the values kept in audit rows. Keeps, anonymised,
 * what the indicators need (README, "Personal data"). Claimed by a conditional
 * UPDATE of `erased_at`: twice, or on two instances, is still once. Returns null when the person
 * does not exist or was already erased.
 */
export async function erasePerson(
  db: Kysely<Database>,
  personId: number,
  options: {
    actorId: string | null;
    reason: ErasureReason;
    outboxDir?: string | undefined;
    smsDir?: string | undefined;
    /** where the person's documents' files are (their rows go in any case) */
    documents?: DocumentStore | undefined;
    at?: Date;
  },
): Promise<ErasureCounts | null> {
  // Reads still in this instance's journal are in audit_log before the person's rows are gone.
  await flushAuditJournal();
  const at = (options.at ?? now()).toISOString();
  const result = await db.transaction().execute(async (trx) => {
    const f = await footprint(trx, personId);
    if (!f || f.person.erased_at) return null;
    if (!(await claimErasure(trx, personId, ERASED_FIRST_NAME, at))) return null;
    const counts: ErasureCounts = {
      registrations: f.regIds.length,
      notes: f.noteIds.length,
      noteRevisions: 0,
      supports: f.supportIds.length,
      outbox: f.outbox.length,
      emlFiles: 0,
      sms: 0,
      smsFiles: 0,
      notifications: 0,
      auditRows: 0,
      documents: 0,
      documentFiles: 0,
    };
    if (f.regIds.length) {
      await blankRegistrations(trx, f.regIds, at);
      counts.notifications = await blankCallTexts(trx, f.regIds);
    }
    if (f.noteIds.length) {
      counts.noteRevisions = await deleteNoteRevisions(trx, f.noteIds);
      // The note stays as a dated contact of its kind (an indicator may count interviews), without its text.
      await blankNotes(trx, f.noteIds, at);
    }
    if (f.supportIds.length) await blankSupports(trx, f.supportIds, at);
    // Not sent any more: there is no one left to send it to.
    if (f.outbox.length)
      await blankOutbox(
        trx,
        f.outbox.map((o) => o.id),
        ERASED_TEXT,
      );
    // Appointments stay as dated, anonymous contacts; their « je ne peux pas venir » links go.
    await deletePersonLinks(trx, 'appointment-cancel', await blankAppointmentsOf(trx, personId));
    const smsIds = await blankSmsOf(trx, personId, f.regIds, ERASED_TEXT);
    // The short links of their SMS lead nowhere any more.
    await deletePersonLinks(trx, 'registration-cancel', f.regIds);
    counts.sms = smsIds.length;
    // Attached documents are not kept anonymised: nothing in them serves the indicators.
    const documentKeys = await deleteDocumentsOf(trx, personId);
    counts.documents = documentKeys.length;
    for (const row of await auditRowsAbout(trx, f)) {
      const scrubbed = scrubDetails(row.details_json, f.identifiers);
      if (scrubbed === row.details_json) continue;
      await updateAuditDetails(trx, row.id, scrubbed);
      counts.auditRows++;
    }
    // The erasure's own line: ids and counts only.
    await audit(trx, {
      actorId: options.actorId,
      action: options.reason === 'request' ? 'person.erase' : 'person.retention-erase',
      entityType: 'person',
      entityId: personId,
      personId,
      details: { reason: options.reason, ...counts },
    });
    return { counts, outbox: f.outbox, smsIds, documentKeys };
  });
  if (!result) return null;
  // After the commit: the .eml copies of the person's messages (demo mode's outbox folder).
  if (options.outboxDir) {
    const dir = resolve(options.outboxDir);
    for (const o of result.outbox) {
      const file = join(dir, emlFileName(o.id, o.kind));
      try {
        rmSync(file);
        result.counts.emlFiles++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  // And demo mode's SMS files.
  if (options.smsDir) {
    const dir = resolve(options.smsDir);
    for (const id of result.smsIds) {
      try {
        rmSync(join(dir, smsFileName(id)));
        result.counts.smsFiles++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  // And the documents' files (after the commit: a rollback must not leave rows without files).
  if (options.documents) {
    for (const key of result.documentKeys) {
      await options.documents.delete(key);
      result.counts.documentFiles++;
    }
  }
  return result.counts;
}
