import type { Selectable } from 'kysely';
import type { AppointmentMessageTable, AppointmentTable, CalendarFeedTable } from './tables/appointments.ts';
import type { AccountTable, SessionTable, UsersTable, VerificationTable } from './tables/auth.ts';
import type { DocumentTable } from './tables/documents.ts';
import type {
  IndicatorTargetTable,
  NoteRevisionTable,
  NoteTable,
  SupportPhaseTable,
  SupportTable,
} from './tables/followup.ts';
import type { NotificationTable, OutboxTable, PersonLinkTable, SmsMessageTable } from './tables/messages.ts';
import type {
  AttendanceTable,
  EventCopyTable,
  ParcoursOutcomeTable,
  PersonTable,
  PlaceOfferTable,
  RegistrationReadTable,
  RegistrationTable,
  WaitlistSettingTable,
} from './tables/registrations.ts';
import type {
  AppStateTable,
  AuditLogTable,
  CounterTable,
  LoginThrottleTable,
  RetentionSettingTable,
  TerritoryTable,
  UserTerritoryTable,
  WebhookSeenTable,
} from './tables/system.ts';

// The tables are declared by area in ./tables/; this interface assembles them for Kysely.
export type * from './tables/appointments.ts';
export type * from './tables/auth.ts';
export type * from './tables/documents.ts';
export type * from './tables/followup.ts';
export type * from './tables/messages.ts';
export type * from './tables/registrations.ts';
export type * from './tables/system.ts';

export interface Database {
  person: PersonTable;
  registration: RegistrationTable;
  registration_read: RegistrationReadTable;
  event_copy: EventCopyTable;
  attendance: AttendanceTable;
  support: SupportTable;
  note: NoteTable;
  appointment: AppointmentTable;
  document: DocumentTable;
  appointment_message: AppointmentMessageTable;
  calendar_feed: CalendarFeedTable;
  parcours_outcome: ParcoursOutcomeTable;
  support_phase: SupportPhaseTable;
  indicator_target: IndicatorTargetTable;
  note_revision: NoteRevisionTable;
  outbox: OutboxTable;
  notification: NotificationTable;
  sms_message: SmsMessageTable;
  person_link: PersonLinkTable;
  place_offer: PlaceOfferTable;
  waitlist_setting: WaitlistSettingTable;
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
export type EventCopy = Selectable<EventCopyTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type SmsMessageRow = Selectable<SmsMessageTable>;
