import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { smsScope } from './calls.repository.ts';

type Filter = { registrationId: number } | { personId: number } | { appointmentId: number };

/** The SMS of a request, or to a person, newest first. */
export async function smsOf(db: Kysely<Database>, filter: Filter) {
  let q = db
    .selectFrom('sms_message')
    .select([
      'id',
      'purpose',
      'status',
      'not_before',
      'attempts',
      'last_error',
      'sent_at',
      'delivered_at',
      'failed_at',
      'segments',
      'created_at',
      'dedupe_key',
    ])
    .orderBy('id', 'desc')
    .limit(50);
  q =
    'registrationId' in filter
      ? q.where('registration_id', '=', filter.registrationId)
      : 'appointmentId' in filter
        ? q.where('appointment_id', '=', filter.appointmentId)
        : q.where('person_id', '=', filter.personId);
  return q.execute();
}

/**
 * The e-mails to the person about a request, or about any of their requests (their file), newest
 * first (not those to the professional nor the advisors).
 */
export async function emailsOf(
  db: Kysely<Database>,
  filter: { registrationId: number } | { personId: number },
) {
  return db
    .selectFrom('outbox')
    .innerJoin('registration', 'registration.id', 'outbox.registration_id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'outbox.id',
      'outbox.kind',
      'outbox.status',
      'outbox.sent_at',
      'outbox.last_error',
      'outbox.created_at',
    ])
    .where((eb) =>
      'registrationId' in filter
        ? eb('outbox.registration_id', '=', filter.registrationId)
        : eb('registration.person_id', '=', filter.personId),
    )
    .where((eb) =>
      eb.or([
        eb('outbox.to_address', '=', eb.ref('registration.contact_email')),
        eb('outbox.to_address', '=', eb.ref('person.email')),
      ]),
    )
    .orderBy('outbox.id', 'desc')
    .limit(50)
    .execute();
}

/** The calls to make or made about a request. */
export async function callsOf(db: Kysely<Database>, registrationId: number) {
  return db
    .selectFrom('notification')
    .select(['id', 'purpose', 'call_status', 'outcome', 'handled_at', 'created_at'])
    .where('registration_id', '=', registrationId)
    .where('call_text', 'is not', null)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
}

/** One page of SMS in the viewer's territories, newest first (`/sms`). */
export async function listSmsPage(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { page: number; pageSize: number },
) {
  const rows = await db
    .selectFrom('sms_message')
    .leftJoin('registration', 'registration.id', 'sms_message.registration_id')
    .leftJoin('person', 'person.id', 'sms_message.person_id')
    .select([
      'sms_message.id',
      'sms_message.purpose',
      'sms_message.status',
      'sms_message.not_before',
      'sms_message.attempts',
      'sms_message.last_error',
      'sms_message.sent_at',
      'sms_message.delivered_at',
      'sms_message.failed_at',
      'sms_message.segments',
      'sms_message.created_at',
      'sms_message.text_body',
      'sms_message.to_phone',
      'sms_message.person_id',
      'sms_message.registration_id',
      'sms_message.appointment_id',
      'registration.reference',
      'person.first_name',
      'person.last_name',
    ])
    .where(smsScope(viewer))
    .orderBy('sms_message.id', 'desc')
    .limit(options.pageSize + 1)
    .offset((options.page - 1) * options.pageSize)
    .execute();
  return { rows: rows.slice(0, options.pageSize), hasMore: rows.length > options.pageSize };
}
