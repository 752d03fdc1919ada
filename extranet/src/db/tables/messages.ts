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
  purpose: 'receipt' | 'decision' | 'reminder' | 'offer';
  dedupe_key: string;
  channel: 'email' | 'appel' | 'sms';
  call_text: string | null;
  call_status: 'todo' | 'sending' | 'done' | null;
  outcome: string | null;
  handled_by: string | null;
  handled_at: string | null;
  created_at: string;
}

