import { parisTime } from '@maillage/platform/clock';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
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

/**
 * How many messages wait for a human in « À appeler » in the viewer's scope: calls to make and SMS
 * to send by hand (counts only: no name is read).
 */
export async function countWaitingForHuman(db: Kysely<Database>, viewer: Viewer): Promise<number> {
  const [calls, sms] = await Promise.all([
    callsToMake(db)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(registrationScope(viewer))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('sms_message')
      .leftJoin('registration', 'registration.id', 'sms_message.registration_id')
      .leftJoin('person', 'person.id', 'sms_message.person_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sms_message.status', '=', 'manual')
      .where(smsScope(viewer))
      .executeTakeFirstOrThrow(),
  ]);
  return Number(calls.n) + Number(sms.n);
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

/** The note "appel" a call outcome adds to the person's file (attached to its appointment, if any). */
export async function insertCallNote(
  db: Db,
  note: { personId: number; authorId: string; at: string; body: string; appointmentId?: number },
): Promise<void> {
  await db
    .insertInto('note')
    .values({
      person_id: note.personId,
      appointment_id: note.appointmentId ?? null,
      author_id: note.authorId,
      kind: 'appel',
      occurred_at: note.at,
      // a call is recorded as it is made: its time is known
      occurred_time: parisTime(new Date(note.at)),
      body: note.body,
      created_at: note.at,
    })
    .execute();
}

/** SMS rows within the viewer's territories: the request's territory, else the person's. */
export function smsScope(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'sms_message' | 'registration' | 'person'>) => {
    if (viewer.role === 'admin') return sql<boolean>`1 = 1`;
    if (!viewer.territories.length) return sql<boolean>`1 = 0`;
    return eb.or([
      eb.and([eb('registration.id', 'is not', null), eb('registration.territory', 'in', viewer.territories)]),
      eb.and([eb('registration.id', 'is', null), eb('person.territory', 'in', viewer.territories)]),
    ]);
  };
}

export interface ManualSmsItem {
  id: number;
  registrationId: number | null;
  reference: string | null;
  personId: number | null;
  purpose: string;
  text: string;
  phone: string;
  firstName: string;
  lastName: string | null;
  /** why it waits for an advisor: null when no provider is configured */
  reason: string | null;
  createdAt: string;
}

/** SMS waiting for an advisor (no provider, refused, undelivered), oldest first, in the viewer's territories. */
export async function listManualSms(
  db: Kysely<Database>,
  viewer: Viewer,
  limit = 200,
): Promise<ManualSmsItem[]> {
  const rows = await db
    .selectFrom('sms_message')
    .leftJoin('registration', 'registration.id', 'sms_message.registration_id')
    .leftJoin('person', 'person.id', 'sms_message.person_id')
    .select([
      'sms_message.id',
      'sms_message.registration_id',
      'sms_message.person_id',
      'sms_message.purpose',
      'sms_message.text_body',
      'sms_message.to_phone',
      'sms_message.last_error',
      'sms_message.created_at',
      'registration.reference',
      'registration.contact_first_name',
      'registration.contact_last_name',
      'person.first_name',
      'person.last_name',
    ])
    .where('sms_message.status', '=', 'manual')
    .where(smsScope(viewer))
    .orderBy('sms_message.created_at')
    .orderBy('sms_message.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    registrationId: r.registration_id,
    reference: r.reference,
    personId: r.person_id,
    purpose: r.purpose,
    text: r.text_body,
    phone: r.to_phone,
    firstName: r.contact_first_name ?? r.first_name ?? '',
    lastName: r.contact_last_name ?? r.last_name ?? null,
    reason: r.last_error,
    createdAt: r.created_at,
  }));
}

/** A waiting SMS, with what deciding who may record it needs. */
export async function findManualSms(db: Db, id: number) {
  return db
    .selectFrom('sms_message')
    .leftJoin('registration', 'registration.id', 'sms_message.registration_id')
    .leftJoin('person', 'person.id', 'sms_message.person_id')
    .select([
      'sms_message.id',
      'sms_message.status',
      'sms_message.person_id',
      'sms_message.registration_id',
      'registration.territory as registration_territory',
      'person.territory as person_territory',
    ])
    .where('sms_message.id', '=', id)
    .executeTakeFirst();
}

/** An advisor sent the SMS by hand or called instead: it leaves « À appeler ». */
export async function markSmsDoneByHand(db: Db, id: number, by: string): Promise<boolean> {
  const updated = await db
    .updateTable('sms_message')
    .set({ status: 'done-by-hand', handled_by: by })
    .where('id', '=', id)
    .where('status', '=', 'manual')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
