import type { Generated } from 'kysely';
import type { Flag, Timestamp } from './columns.ts';

// Individual appointments, the advisors' calendar feeds and the messages owed about them (the short
// links sent to people are in messages.ts: person_link).

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
  /** queued (outbox, SMS queue), manual (an SMS waiting in « À appeler »), opted-out (STOP), none */
  outcome: 'queued' | 'manual' | 'opted-out' | 'none';
  created_at: Timestamp;
  /** a call owed (channel appel): when an advisor recorded it, and who */
  called_at: Generated<Timestamp | null>;
  called_by: Generated<string | null>;
}
