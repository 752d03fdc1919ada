import type { Generated } from 'kysely';
import type { Flag, Timestamp } from './columns.ts';

// Individual appointments, the advisors' calendar feeds, the messages owed about them and the
// short links sent to people.

export type PlaceKind = 'bureau' | 'partenaire' | 'telephone' | 'visio';
export type AppointmentStatus = 'prevu' | 'venu' | 'excuse' | 'absent' | 'annule';

export interface AppointmentTable {
  id: Generated<number>;
  person_id: number;
  support_id: number | null;
  /** the advisor's user id */
  advisor_id: string;
  territory: string | null;
  starts_at: Timestamp;
  duration_min: number;
  place_kind: PlaceKind;
  place_detail: string | null;
  status: Generated<AppointmentStatus>;
  status_at: Timestamp | null;
  status_by: string | null;
  cancelled_by_person: Generated<Flag>;
  /** RFC 5545 SEQUENCE: bumped on each change a calendar must see */
  sequence: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CalendarFeedTable {
  id: Generated<number>;
  user_id: string;
  /** SHA-256 (hex) of the secret token of the feed's URL */
  token_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface AppointmentMessageTable {
  id: Generated<number>;
  appointment_id: number;
  purpose: 'confirmation' | 'change' | 'cancel' | 'reminder-2d' | 'reminder-day' | 'advisor-cancel';
  dedupe_key: string;
  channel: 'email' | 'sms' | 'appel';
  outcome: 'queued' | 'manual' | 'none';
  created_at: Timestamp;
}

export interface PersonLinkTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the link's code */
  code_hash: string;
  kind: 'appointment-cancel';
  target_id: number;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}
