import type { Generated } from 'kysely';
import type { Timestamp } from './columns.ts';

// Messages: the e-mail outbox and the notifications (e-mail, call or SMS) about a request.

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

/** The notification table (migrations/2026_11_26_1400_notifications.ts), next to the extranet's own tables. */
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

/** Why an SMS is sent (the template family); kept for the admin's counts, never personal data. */
export type SmsPurpose =
  | 'receipt'
  | 'decision'
  | 'reminder'
  | 'session-reminder'
  | 'place-offer'
  | 'appointment-confirmation'
  | 'appointment-change'
  | 'appointment-cancellation'
  | 'appointment-reminder';

/** The SMS outbox (migrations/2026_12_07_0100_sms.ts). */
export interface SmsMessageTable {
  id: Generated<number>;
  purpose: SmsPurpose;
  /** Unique: the same message (purpose + what it is about) is queued once, on any instance. */
  dedupe_key: string;
  person_id: number | null;
  registration_id: number | null;
  appointment_id: number | null;
  /** E.164 */
  to_phone: string;
  text_body: string;
  /** SMS billed for the text (GSM-7: 160, 153 per part) */
  segments: number;
  /**
   * manual: waits in « À appeler » (no provider, or the provider failed for good: last_error says
   * why); queued → sending → sent → delivered | failed; cancelled: no longer to send (what it was
   * about was cancelled before it left); done-by-hand: an advisor sent it or called.
   */
  status: 'manual' | 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled' | 'done-by-hand';
  /** Not sent before this instant (no SMS 20:00–08:00 Paris nor on Sundays; retries' backoff). */
  not_before: Timestamp;
  attempts: Generated<number>;
  locked_until: Timestamp | null;
  provider: string | null;
  provider_message_id: string | null;
  /** SHA-256 of the secret in this message's delivery-report URL */
  callback_hash: string | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
  failed_at: Timestamp | null;
  /** the advisor who sent it by hand or called instead */
  handled_by: string | null;
  created_at: Timestamp;
}

/** Short links in messages to people (« je ne peux pas venir »…): only the code's hash is kept. */
export interface PersonLinkTable {
  id: Generated<number>;
  code_hash: string;
  kind: 'registration-cancel' | 'appointment-cancel' | 'place-offer';
  target_id: number;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}
