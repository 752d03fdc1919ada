import {
  type PreferredContact,
  preferredContactSchema,
  type RegistrationKind,
  type RegistrationStatus,
} from '@maillage/contract';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NotificationTable } from '../../db/database.ts';
import type { EventView, NotificationPurpose, SlotView } from './types.ts';

export type Db = Kysely<Database> | Transaction<Database>;

/** The person's record and the contact details given with the request: see requestContact. */
export const CONTACT_COLUMNS = [
  'person.first_name',
  'person.last_name',
  'person.email',
  'person.phone',
  'registration.contact_first_name',
  'registration.contact_last_name',
  'registration.contact_email',
  'registration.contact_phone',
] as const;

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Who a message about a request goes to: the contact details given with that request (design §8),
 * never the person's record, which a stranger's request must not be able to redirect. Rows written
 * without them (not through the intake) fall back to the person's record.
 */
export function requestContact(row: {
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string;
  contact_first_name: string | null;
  contact_last_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
}): { firstName: string; lastName: string | null; email: string | null; phone: string } {
  if (row.contact_first_name === null)
    return { firstName: row.first_name, lastName: row.last_name, email: row.email, phone: row.phone };
  return {
    firstName: row.contact_first_name,
    lastName: row.contact_last_name,
    email: row.contact_email,
    phone: row.contact_phone ?? row.phone,
  };
}

/** One registration as the messages about it need it, its event's copy mapped (without links). */
export interface RegistrationSubject {
  id: number;
  personId: number;
  reference: string;
  kind: RegistrationKind;
  status: RegistrationStatus;
  /** The territory's slug, and its name (the event's territory, else the territory's row). */
  territory: string | null;
  territoryName: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  source: 'self' | 'prescriber';
  prescriber: { name: string; organisation: string; email: string | null; phone: string | null } | null;
  preferredContact: PreferredContact;
  contact: ReturnType<typeof requestContact>;
  event: (Omit<EventView, 'url'> & { slug: string | null }) | null;
}

/** The registration, its person and its event's copy, in one read of the caller's transaction. */
export async function findSubject(db: Db, registrationId: number): Promise<RegistrationSubject | null> {
  const row = await db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .leftJoin('territory', 'territory.slug', 'registration.territory')
    .select([
      ...CONTACT_COLUMNS,
      'registration.id',
      'registration.person_id',
      'registration.reference',
      'registration.kind',
      'registration.status',
      'registration.territory',
      'registration.decided_at',
      'registration.source_type',
      'registration.prescriber_name',
      'registration.prescriber_organisation',
      'registration.prescriber_email',
      'registration.prescriber_phone',
      'registration.preferred_contact',
      'registration.decision_reason',
      'territory.name as territory_label',
      'event_copy.document_id as event_id',
      'event_copy.title as event_title',
      'event_copy.slug as event_slug',
      'event_copy.program_title',
      'event_copy.program_kind',
      'event_copy.territory_name',
      'event_copy.slots_json',
      'event_copy.venue_json',
      'event_copy.practical_notes',
    ])
    .where('registration.id', '=', registrationId)
    .executeTakeFirst();
  if (!row) return null;
  let event: RegistrationSubject['event'] = null;
  if (row.event_id && row.event_title) {
    const venue = parseJson<Record<string, unknown>>(row.venue_json, {});
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    event = {
      id: row.event_id,
      title: row.event_title,
      slug: row.event_slug,
      programTitle: row.program_title,
      programKind: (row.program_kind as EventView['programKind']) ?? null,
      territoryName: row.territory_name ?? '',
      slots: parseJson<SlotView[]>(row.slots_json, []).map((s) => ({
        date: s.date,
        start: s.start.slice(0, 5),
        end: s.end.slice(0, 5),
      })),
      venue: {
        name: str(venue.name),
        address: str(venue.address),
        postcode: str(venue.postcode),
        commune: str(venue.commune),
        accessNotes: str(venue.accessNotes) || null,
        stepFreeAccess: venue.stepFreeAccess === true,
      },
      practicalNotes: row.practical_notes,
    };
  }
  const prescribed = row.source_type === 'prescriber';
  return {
    id: row.id,
    personId: row.person_id,
    reference: row.reference,
    kind: row.kind,
    status: row.status,
    territory: row.territory,
    territoryName: event?.territoryName || (row.territory_label ?? null),
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
    // A request an advisor recorded is the person's own: their messages are the same.
    source: prescribed ? 'prescriber' : 'self',
    prescriber: prescribed
      ? {
          name: row.prescriber_name ?? '',
          organisation: row.prescriber_organisation ?? '',
          email: row.prescriber_email,
          phone: row.prescriber_phone,
        }
      : null,
    // An unknown channel (a row not written by the intake) is a call, as it always was.
    preferredContact: preferredContactSchema.catch('appel').parse(row.preferred_contact),
    contact: requestContact(row),
    event,
  };
}

/**
 * Records that a person must be told something. Returns false when it was already recorded (same
 * dedupe key): the caller then sends nothing.
 */
export async function insertNotification(
  db: Db,
  values: {
    registrationId: number;
    purpose: NotificationPurpose;
    dedupeKey: string;
    channel: NotificationTable['channel'];
    callText: string | null;
    createdAt: string;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('notification')
    .values({
      registration_id: values.registrationId,
      purpose: values.purpose,
      dedupe_key: values.dedupeKey,
      channel: values.channel,
      call_text: values.callText,
      call_status: values.callText === null ? null : 'todo',
      created_at: values.createdAt,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Accepted event registrations whose first half-day starts between `from` and `to` and that have no
 * reminder yet, with their slots (the reminders job picks the due days).
 */
export async function reminderCandidates(db: Kysely<Database>, from: string, to: string) {
  const rows = await db
    .selectFrom('registration')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select(['registration.id', 'registration.decided_at', 'event_copy.slots_json'])
    .where('registration.status', '=', 'accepted')
    .where('registration.kind', '=', 'event')
    .where('event_copy.cancelled', '=', 0)
    .where('event_copy.first_slot_at', '>', from)
    .where('event_copy.first_slot_at', '<', to)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification')
            .select(sql`1`.as('one'))
            .whereRef('notification.registration_id', '=', 'registration.id')
            .where('notification.purpose', '=', 'reminder'),
        ),
      ),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    decidedAt: r.decided_at,
    slots: parseJson<SlotView[]>(r.slots_json, []),
  }));
}
