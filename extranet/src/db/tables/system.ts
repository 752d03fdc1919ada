import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from './columns.ts';

// The journal, counters, throttling, webhooks, retention, app state and the territories.

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_id: string | null;
  /** e.g. registration.read, registration.accept, account.invite */
  action: string;
  entity_type: string;
  entity_id: string | null;
  person_id: number | null;
  /** JSON without personal data (status changes, reasons are kept in the record itself). */
  details_json: string | null;
  /** set on rows that came through the reads' journal (features/audit/audit-journal.ts) */
  journal_key?: string | null;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  blocked_until: Timestamp | null;
}

/** CMS webhook signatures already accepted, until they expire (replay protection). */
export interface WebhookSeenTable {
  signature: string;
  expires_at: Timestamp;
}

/** The retention period set by an admin, with its history: the latest row applies. */
export interface RetentionSettingTable {
  id: Generated<number>;
  months: number;
  changed_by: string | null;
  changed_at: Timestamp;
}

export interface AppStateTable {
  key: string;
  value: string;
}

export interface TerritoryTable {
  slug: string;
  name: string;
  /** JSON array of EPCI SIREN codes */
  epci_codes: string;
  /** 0 once the CMS no longer publishes it: kept for the names, never routed to */
  active: ColumnType<number, number | undefined, number>;
  /** order of lists and filters */
  position: ColumnType<number, number | undefined, number>;
}

export interface UserTerritoryTable {
  user_id: string;
  territory: string;
}
