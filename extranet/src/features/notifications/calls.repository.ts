import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { CONTACT_COLUMNS, type Db, requestContact } from './notifications.repository.ts';

/** The calls and SMS still to make, joined to their request and person (listCalls, the SMS worker). */
function callsToMake(db: Kysely<Database>) {
  return db
    .selectFrom('notification')
    .innerJoin('registration', 'registration.id', 'notification.registration_id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .where('notification.call_status', '=', 'todo');
}

export interface CallItem {
  id: number;
  registrationId: number;
  reference: string;
  purpose: string;
  channel: 'appel' | 'sms';
  text: string;
  firstName: string;
  lastName: string | null;
  phone: string;
  createdAt: string;
}

/** Calls and SMS still to make, oldest first, within the viewer's territories. */
export async function listCalls(db: Kysely<Database>, viewer: Viewer, limit = 200): Promise<CallItem[]> {
  const rows = await callsToMake(db)
    .select([
      ...CONTACT_COLUMNS,
      'notification.id',
      'notification.registration_id',
      'notification.purpose',
      'notification.channel',
      'notification.call_text',
      'notification.created_at',
      'registration.reference',
    ])
    .where(registrationScope(viewer))
    .orderBy('notification.created_at')
    .orderBy('notification.id')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    // The call is about a request: the name and number given with it.
    const contact = requestContact(r);
    return {
      id: r.id,
      registrationId: r.registration_id,
      reference: r.reference,
      purpose: r.purpose,
      channel: r.channel === 'sms' ? 'sms' : 'appel',
      text: r.call_text ?? '',
      firstName: contact.firstName,
      lastName: contact.lastName,
      phone: contact.phone,
      createdAt: r.created_at,
    };
  });
}

/** The SMS waiting in the "à appeler" list, oldest first, with the number given with the request. */
export async function pendingSms(db: Kysely<Database>, limit: number) {
  const rows = await callsToMake(db)
    .select([
      'notification.id',
      'notification.call_text',
      'person.phone',
      'registration.contact_phone',
      'person.id as person_id',
    ])
    .where('notification.channel', '=', 'sms')
    .orderBy('notification.id')
    .limit(limit)
    .execute();
  // To the number given with the request (design §8).
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    phone: r.contact_phone ?? r.phone,
    text: r.call_text ?? '',
  }));
}

/**
 * Updates a call; with `onlyIf`, only while it is in that state (false when it was not: someone
 * else has it).
 */
export async function updateCall(
  db: Db,
  id: number,
  values: {
    call_status: 'todo' | 'sending' | 'done';
    outcome?: string;
    handled_by?: string;
    handled_at?: string;
  },
  onlyIf?: 'todo',
): Promise<boolean> {
  let q = db.updateTable('notification').set(values).where('id', '=', id);
  if (onlyIf) q = q.where('call_status', '=', onlyIf);
  const updated = await q.executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** A call still to make, with what deciding who may record it needs. */
export async function findCall(db: Db, id: number) {
  const row = await db
    .selectFrom('notification')
    .innerJoin('registration', 'registration.id', 'notification.registration_id')
    .select([
      'notification.id',
      'notification.call_status',
      'registration.territory',
      'registration.person_id',
      'registration.id as registration_id',
    ])
    .where('notification.id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        callStatus: row.call_status,
        territory: row.territory,
        personId: row.person_id,
        registrationId: row.registration_id,
      }
    : null;
}

/** The person was reached (by a call or an SMS): the retention period starts again. */
export async function touchPerson(db: Db, personId: number, at: string): Promise<void> {
  await db.updateTable('person').set({ last_contact_at: at }).where('id', '=', personId).execute();
}

/** The note "appel" a call outcome adds to the person's file. */
export async function insertCallNote(
  db: Db,
  note: { personId: number; authorId: string; at: string; body: string },
): Promise<void> {
  await db
    .insertInto('note')
    .values({
      person_id: note.personId,
      author_id: note.authorId,
      kind: 'appel',
      occurred_at: note.at,
      body: note.body,
      created_at: note.at,
    })
    .execute();
}
