import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { now } from '../../contract/clock.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';

/** What an erased person's row says instead of a name. Not a phone number, not an address. */
export const ERASED_FIRST_NAME = 'Personne effacée';
const ERASED_TEXT = '[effacé]';

export type ErasureReason = 'retention' | 'request';

export interface ErasureCounts {
  registrations: number;
  notes: number;
  noteRevisions: number;
  supports: number;
  outbox: number;
  emlFiles: number;
  notifications: number;
  auditRows: number;
}

/** The file name the mail worker gives a message's .eml copy (mail/worker.ts). */
export function emlFileName(id: number, kind: string): string {
  return `${String(id).padStart(6, '0')}-${kind}.eml`;
}

/** Everything that holds or copies a person's data: ids, and the strings that identify them. */
export async function footprint(db: Kysely<Database> | Transaction<Database>, personId: number) {
  const person = await db.selectFrom('person').selectAll().where('id', '=', personId).executeTakeFirst();
  if (!person) return null;
  const registrations = await db
    .selectFrom('registration')
    .selectAll()
    .where('person_id', '=', personId)
    .execute();
  const regIds = registrations.map((r) => r.id);
  const notes = await db.selectFrom('note').select(['id']).where('person_id', '=', personId).execute();
  const noteIds = notes.map((n) => n.id);
  const supports = await db.selectFrom('support').select(['id']).where('person_id', '=', personId).execute();
  const supportIds = supports.map((s) => s.id);
  const emails = [
    ...new Set(
      [person.email, ...registrations.map((r) => r.contact_email)].filter((e): e is string => Boolean(e)),
    ),
  ];
  let outboxQuery = db.selectFrom('outbox').select(['id', 'kind']);
  outboxQuery = outboxQuery.where((eb) => {
    const ors = [];
    if (regIds.length) ors.push(eb('registration_id', 'in', regIds));
    if (emails.length) ors.push(eb.and([eb('registration_id', 'is', null), eb('to_address', 'in', emails)]));
    return ors.length ? eb.or(ors) : eb.val(false);
  });
  const outbox = regIds.length || emails.length ? await outboxQuery.execute() : [];
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

/** Audit rows about the person, their requests, notes or supports. */
export function auditRowsAbout(
  db: Kysely<Database> | Transaction<Database>,
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

/** Keys of audit details that hold a person's values (a correction, a merge). */
const PERSONAL_DETAIL_KEYS = new Set(['before', 'after', 'filled']);

/** The details of an audit row without the person's values: ids, statuses and counts stay. */
export function scrubDetails(json: string | null, identifiers: string[]): string | null {
  if (!json) return json;
  const needles = identifiers.map((s) => s.toLowerCase());
  const digits = identifiers.map((s) => s.replace(/\D/g, '')).filter((d) => d.length >= 8);
  const personal = (s: string) => {
    const lower = s.toLowerCase();
    const d = s.replace(/\D/g, '');
    return (
      needles.some((n) => lower.includes(n)) || (d.length >= 8 && digits.some((x) => d.includes(x.slice(-9))))
    );
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return personal(value) ? ERASED_TEXT : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = PERSONAL_DETAIL_KEYS.has(k) && v && typeof v === 'object' ? ERASED_TEXT : walk(v);
      }
      return out;
    }
    return value;
  };
  try {
    return JSON.stringify(walk(JSON.parse(json)));
  } catch {
    return null;
  }
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
  options: { actorId: string | null; reason: ErasureReason; outboxDir?: string | undefined; at?: Date },
): Promise<ErasureCounts | null> {
  const at = (options.at ?? now()).toISOString();
  const result = await db.transaction().execute(async (trx) => {
    const f = await footprint(trx, personId);
    if (!f || f.person.erased_at) return null;
    const claimed = await trx
      .updateTable('person')
      .set({
        first_name: ERASED_FIRST_NAME,
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
    if (Number(claimed.numUpdatedRows) !== 1) return null;
    const counts: ErasureCounts = {
      registrations: f.regIds.length,
      notes: f.noteIds.length,
      noteRevisions: 0,
      supports: f.supportIds.length,
      outbox: f.outbox.length,
      emlFiles: 0,
      notifications: 0,
      auditRows: 0,
    };
    if (f.regIds.length) {
      await trx
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
        .where('id', 'in', f.regIds)
        .execute();
      const calls = await trx
        .updateTable('notification')
        .set({ call_text: null })
        .where('registration_id', 'in', f.regIds)
        .executeTakeFirst();
      counts.notifications = Number(calls.numUpdatedRows);
    }
    if (f.noteIds.length) {
      const revisions = await trx
        .deleteFrom('note_revision')
        .where('note_id', 'in', f.noteIds)
        .executeTakeFirst();
      counts.noteRevisions = Number(revisions.numDeletedRows);
      // The note stays as a dated contact of its kind (an indicator may count interviews), without its text.
      await trx
        .updateTable('note')
        .set({ body: '', next_action: null, due_at: null, updated_at: at })
        .where('id', 'in', f.noteIds)
        .execute();
    }
    if (f.supportIds.length) {
      await trx
        .updateTable('support')
        .set({ activity_name: null, updated_at: at })
        .where('id', 'in', f.supportIds)
        .execute();
    }
    if (f.outbox.length) {
      const ids = f.outbox.map((o) => o.id);
      // Not sent any more: there is no one left to send it to.
      await trx
        .updateTable('outbox')
        .set({ status: 'failed', last_error: 'Effacé (données personnelles)', locked_until: null })
        .where('id', 'in', ids)
        .where('status', 'in', ['pending', 'held', 'failed'])
        .execute();
      await trx
        .updateTable('outbox')
        .set({
          to_address: '',
          reply_to: null,
          subject: ERASED_TEXT,
          text_body: '',
          html_body: null,
          attachments_json: null,
        })
        .where('id', 'in', ids)
        .execute();
    }
    for (const row of await auditRowsAbout(trx, f)) {
      const scrubbed = scrubDetails(row.details_json, f.identifiers);
      if (scrubbed === row.details_json) continue;
      await trx.updateTable('audit_log').set({ details_json: scrubbed }).where('id', '=', row.id).execute();
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
    return { counts, outbox: f.outbox };
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
  return result.counts;
}
