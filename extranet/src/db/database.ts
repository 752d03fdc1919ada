import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** ISO 8601 UTC timestamps stored as text on both databases: they sort and compare as strings. */
type Timestamp = string;
/** Booleans are stored as 0/1 integers in our own tables, on both databases. */
type Flag = number;

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
  preferred_contact: string;
  consent_at: Timestamp;
  last_contact_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When identity, contact details, needs and notes were erased (retention or on request). */
  erased_at: Generated<Timestamp | null>;
}

export interface RegistrationTable {
  id: Generated<number>;
  reference: string;
  person_id: number;
  kind: 'event' | 'support' | 'callback';
  event_id: string | null;
  territory: string | null;
  status: 'received' | 'accepted' | 'waitlisted' | 'declined' | 'cancelled';
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
  preferred_contact: string;
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

export interface SupportTable {
  id: Generated<number>;
  person_id: number;
  advisor_id: string | null;
  phase: 'emergence' | 'maturation' | 'creation' | 'developpement';
  started_at: Timestamp;
  ended_at: Timestamp | null;
  outcome: string | null;
  legal_form: string | null;
  outcome_date: string | null;
  created_at: Timestamp;
  /** the accepted support request it was started from (unique) */
  registration_id: number | null;
  activity_name: string | null;
  jobs_created: number | null;
  /** why it ended without an activity: emploi-salarie, formation, autre-projet… */
  end_reason: string | null;
  updated_at: Timestamp | null;
}

/** Dated history of a support's phases; support.phase mirrors the latest row. */
export interface SupportPhaseTable {
  id: Generated<number>;
  support_id: number;
  phase: SupportTable['phase'];
  /** Paris calendar date the phase began */
  started_on: string;
  changed_by: string | null;
  created_at: Timestamp;
}

export interface NoteTable {
  id: Generated<number>;
  person_id: number;
  support_id: number | null;
  author_id: string | null;
  kind: 'entretien' | 'appel' | 'atelier' | 'rendez-vous-partenaire' | 'autre';
  occurred_at: Timestamp;
  body: string;
  next_action: string | null;
  due_at: string | null;
  created_at: Timestamp;
  done_at: Timestamp | null;
  done_by: string | null;
  updated_at: Timestamp | null;
}

/** An earlier version of a note, written each time the note is edited. */
export interface NoteRevisionTable {
  id: Generated<number>;
  note_id: number;
  kind: NoteTable['kind'];
  occurred_at: Timestamp;
  body: string;
  next_action: string | null;
  due_at: string | null;
  edited_by: string | null;
  edited_at: Timestamp;
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

/** A yearly target of the indicators page; one row per change (history), the latest wins. */
export interface IndicatorTargetTable {
  id: Generated<number>;
  year: number;
  parcours_participants: number;
  project_holders: number;
  set_by: string | null;
  set_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<number>;
  /** What the message is: receipt, new-request, decision, invitation, password-reset… */
  kind: string;
  to_address: string;
  reply_to: string | null;
  /** Sender's display name (notifications: the territory's team). */
  from_name: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** JSON: [{ filename, contentType, content }] */
  attachments_json: string | null;
  registration_id: number | null;
  /** held: not sent on purpose (daily cap per address), last_error says why; an admin may release it. */
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'held';
  attempts: number;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  created_at: Timestamp;
}

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

// better-auth's tables (camelCase columns, as better-auth's Kysely adapter expects).
type AuthDate = ColumnType<Date | string, Date | string, Date | string>;
type AuthBool = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  emailVerified: AuthBool;
  image: string | null;
  createdAt: AuthDate;
  updatedAt: AuthDate;
  twoFactorEnabled: AuthBool | null;
  role: 'admin' | 'advisor';
  disabled: AuthBool;
}

export interface SessionTable {
  id: string;
  expiresAt: AuthDate;
  token: string;
  createdAt: AuthDate;
  updatedAt: AuthDate;
  ipAddress: string | null;
  userAgent: string | null;
  userId: string;
}

export interface AccountTable {
  id: string;
  accountId: string;
  providerId: string;
  userId: string;
  password: string | null;
  createdAt: AuthDate;
  updatedAt: AuthDate;
}

export interface VerificationTable {
  id: string;
  identifier: string;
  value: string;
  expiresAt: AuthDate;
  createdAt: AuthDate;
  updatedAt: AuthDate;
}

/** The notification table (notifications/migration.ts), next to the extranet's own tables. */
export interface NotificationTable {
  id: Generated<number>;
  registration_id: number;
  purpose: 'receipt' | 'decision' | 'reminder';
  dedupe_key: string;
  channel: 'email' | 'appel' | 'sms';
  call_text: string | null;
  call_status: 'todo' | 'sending' | 'done' | null;
  outcome: string | null;
  handled_by: string | null;
  handled_at: string | null;
  created_at: string;
}

export interface Database {
  person: PersonTable;
  registration: RegistrationTable;
  registration_read: RegistrationReadTable;
  event_copy: EventCopyTable;
  attendance: AttendanceTable;
  support: SupportTable;
  note: NoteTable;
  parcours_outcome: ParcoursOutcomeTable;
  support_phase: SupportPhaseTable;
  indicator_target: IndicatorTargetTable;
  note_revision: NoteRevisionTable;
  outbox: OutboxTable;
  notification: NotificationTable;
  audit_log: AuditLogTable;
  counter: CounterTable;
  login_throttle: LoginThrottleTable;
  app_state: AppStateTable;
  retention_setting: RetentionSettingTable;
  webhook_seen: WebhookSeenTable;
  territory: TerritoryTable;
  user_territory: UserTerritoryTable;
  users: UsersTable;
  session: SessionTable;
  account: AccountTable;
  verification: VerificationTable;
}

export type Person = Selectable<PersonTable>;
export type Registration = Selectable<RegistrationTable>;
export type NewRegistration = Insertable<RegistrationTable>;
export type RegistrationUpdate = Updateable<RegistrationTable>;
export type EventCopy = Selectable<EventCopyTable>;
export type OutboxRow = Selectable<OutboxTable>;
