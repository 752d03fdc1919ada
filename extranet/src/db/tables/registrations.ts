import type { PreferredContact, RegistrationKind, RegistrationStatus } from '@maillage/contract';
import type { Generated } from 'kysely';
import type { Flag, Timestamp } from './columns.ts';

// People, their requests, the sessions' copy and what happened at them. Status, kind and contact
// channel are the contract's types: one list of values for the site, the API and the database.

export interface PersonTable {
  id: Generated<number>;
  first_name: string;
  last_name: string | null;
  phone: string;
  email: string | null;
  commune_insee: string | null;
  commune_name: string | null;
  territory: string | null;
  situation_rsa: string;
  situation_job_seeker: string;
  preferred_contact: PreferredContact;
  consent_at: Timestamp;
  last_contact_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When identity, contact details, needs and notes were erased (retention or on request). */
  erased_at: Generated<Timestamp | null>;
  /** The person answered STOP (or told an advisor): no SMS any more, calls and e-mails only. */
  sms_opt_out_at: Generated<Timestamp | null>;
}

/** The global search's keys of a person's name (db/name-keys.ts `nameKeys`). */
export interface PersonSearchKeyTable {
  key: string;
  person_id: number;
}

export interface RegistrationTable {
  id: Generated<number>;
  reference: string;
  person_id: number;
  kind: RegistrationKind;
  event_id: string | null;
  territory: string | null;
  status: RegistrationStatus;
  /** 'advisor': recorded in the extranet by an advisor (entered_by), met by phone or at a walk-in */
  source_type: 'self' | 'prescriber' | 'advisor';
  prescriber_name: string | null;
  prescriber_organisation: string | null;
  prescriber_phone: string | null;
  prescriber_email: string | null;
  /** 1 when the professional asked to be told, at the end of a Parcours, whether the person came. */
  prescriber_keep_informed: Generated<Flag>;
  /** When that end-of-Parcours message was queued (once). */
  prescriber_informed_at: Generated<Timestamp | null>;
  needs_transport: Generated<Flag>;
  needs_childcare: Generated<Flag>;
  needs_accessibility: Generated<Flag>;
  needs_details: string | null;
  project_idea: string | null;
  message: string | null;
  preferred_contact: PreferredContact;
  /**
   * The contact details given with this request (design §8): messages about the request go to
   * them, and an anonymous request never changes the person. Null only on rows written by other
   * means than the intake (then the person's details are used).
   */
  contact_first_name: string | null;
  contact_last_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_commune_insee: string | null;
  contact_commune_name: string | null;
  contact_situation_rsa: string | null;
  contact_situation_job_seeker: string | null;
  idempotency_key: string;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  /** when anyone of its territory (or an admin) first opened it: « Nouveau » until then */
  first_opened_at: Generated<Timestamp | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  entered_by: string | null;
}

export interface RegistrationReadTable {
  user_id: string;
  registration_id: number;
  read_at: Timestamp;
}

export interface EventCopyTable {
  document_id: string;
  title: string;
  slug: string | null;
  kind: string | null;
  program_title: string | null;
  program_slug: string | null;
  program_kind: string | null;
  territory: string | null;
  territory_name: string | null;
  /** JSON: [{ date, start, end, label }] */
  slots_json: string;
  first_slot_at: Timestamp | null;
  capacity: number;
  /** JSON: the CMS venue component */
  venue_json: string;
  registration_opens_at: Timestamp | null;
  registration_closes_at: Timestamp | null;
  /** Childcare, transport help…, as written in the CMS. */
  practical_notes: string | null;
  cancelled: Flag;
  /** 1 when the event is no longer published in the CMS (kept for its registrations). */
  removed: Flag;
  refreshed_at: Timestamp;
}

export interface AttendanceTable {
  id: Generated<number>;
  registration_id: number;
  slot_date: string;
  slot_start: string;
  status: 'present' | 'absent' | 'excused';
  recorded_by: string | null;
  recorded_at: Timestamp;
}

/** What came next for a Parcours participant (one row per registration). */
export interface ParcoursOutcomeTable {
  id: Generated<number>;
  registration_id: number;
  kind: 'emploi' | 'formation' | 'creation' | 'recherche' | 'sans-nouvelles';
  outcome_date: string;
  support_id: number | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

/** A freed place offered to a waitlisted person; at most one of accepted/declined/expired/taken is set. */
export interface PlaceOfferTable {
  id: Generated<number>;
  registration_id: number;
  event_id: string;
  offered_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  declined_at: Timestamp | null;
  expired_at: Timestamp | null;
  /** the place went to someone else before the person answered: they may be offered a later one */
  taken_at: Timestamp | null;
  channel: 'email' | 'sms' | 'sms-email' | 'appel';
  link_code_hash: string;
}

/** The waiting list's settings set by an admin, with their history: the latest row applies. */
export interface WaitlistSettingTable {
  id: Generated<number>;
  offer_hours: number;
  max_offers: number;
  /** 1: absent without excuse at the first half-day → the place is freed that evening */
  no_show_rule: Flag;
  changed_by: string | null;
  changed_at: Timestamp;
}
