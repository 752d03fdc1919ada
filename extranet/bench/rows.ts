// Rows the benches write: fictitious people, sessions of the events copy and their requests.
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { EventCopyTable, PersonTable, RegistrationTable } from '../src/db/database.ts';

export const FIRST_NAMES = [
  'Nadia',
  'Kevin',
  'Sylvie',
  'Mohamed',
  'Julie',
  'Bruno',
  'Awa',
  'Léa',
  'Yanis',
  'Chantal',
];
export const LAST_NAMES = [
  'Benali',
  'Lefebvre',
  'Dubois',
  'Haddad',
  'Martin',
  'Lemaire',
  'Diallo',
  'Petit',
  'Roux',
  'Leroy',
];

/** Person n° i: a name unique by its number, a +336… phone from `phoneBase + i`, every date `at`. */
export function benchPerson(
  i: number,
  territory: string,
  at: string,
  phoneBase = 10_000_000,
): Insertable<PersonTable> {
  return {
    first_name: FIRST_NAMES[i % FIRST_NAMES.length]!,
    last_name: `${LAST_NAMES[(i * 7) % LAST_NAMES.length]}-${i}`,
    phone: `+336${String(phoneBase + i).slice(-8)}`,
    email: null,
    commune_insee: null,
    commune_name: null,
    territory,
    situation_rsa: 'oui',
    situation_job_seeker: 'oui',
    preferred_contact: 'appel',
    consent_at: at,
    last_contact_at: at,
    created_at: at,
    updated_at: at,
  };
}

/** A Parcours session of the events copy, 09:00–12:00 on each date. */
export function benchSession(s: {
  id: string;
  title: string;
  territory: string;
  dates: string[];
  capacity: number;
  at: string;
  programSlug?: string;
  venueJson?: string;
  removed?: number;
}): Insertable<EventCopyTable> {
  return {
    document_id: s.id,
    title: s.title,
    slug: null,
    kind: 'session',
    program_title: 'Parcours des Possibles',
    program_slug: s.programSlug ?? 'parcours',
    program_kind: 'parcours',
    territory: s.territory,
    territory_name: s.territory,
    slots_json: JSON.stringify(s.dates.map((date) => ({ date, start: '09:00', end: '12:00' }))),
    first_slot_at: `${s.dates[0]}T08:00:00.000Z`,
    capacity: s.capacity,
    venue_json: s.venueJson ?? '{}',
    registration_opens_at: null,
    registration_closes_at: null,
    cancelled: 0,
    removed: s.removed ?? 0,
    refreshed_at: s.at,
  };
}

/** A request written directly (an event registration from the person by default). */
export function benchRegistration(
  r: Pick<Insertable<RegistrationTable>, 'reference' | 'person_id' | 'territory' | 'created_at'> &
    Partial<Insertable<RegistrationTable>>,
): Insertable<RegistrationTable> {
  return {
    kind: 'event',
    event_id: null,
    status: 'accepted',
    source_type: 'self',
    preferred_contact: 'appel',
    idempotency_key: randomUUID(),
    updated_at: r.created_at,
    ...r,
  };
}
