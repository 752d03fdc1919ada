/**
 * What the message templates need to know, independent of how the extranet stores it. The
 * notification service maps database rows to these views; templates are pure functions of them.
 */

import type { PreferredContact, RegistrationKind, RegistrationStatus } from '@maillage/contract';
import type { NotificationTable } from '../../db/database.ts';

/** Why a person is told something (one notification row each, deduplicated by key). */
export type NotificationPurpose = NotificationTable['purpose'];

/** The territory's team: sender identity, reply-to and the phone number people can call. */
export interface TeamIdentity {
  /** "Maillage — équipe du Cambrésis" */
  name: string;
  email: string;
  phone: string;
  /** The association's general number (CMS global), for when the team's own is not known. */
  associationPhone?: string;
}

export interface SlotView {
  /** Paris calendar date, YYYY-MM-DD */
  date: string;
  /** Paris wall-clock time, HH:MM */
  start: string;
  end: string;
}

export interface VenueView {
  name: string;
  address: string;
  postcode: string;
  commune: string;
  accessNotes?: string | null;
  stepFreeAccess?: boolean | null;
}

export interface EventView {
  /** CMS documentId */
  id: string;
  title: string;
  programTitle?: string | null;
  programKind?: 'parcours' | 'accompagnement' | 'formation' | null;
  territoryName: string;
  slots: SlotView[];
  venue: VenueView;
  practicalNotes?: string | null;
  /** Public page of the event on the site, if known. */
  url?: string | null;
}

interface PersonView {
  /** person.id (the SMS outbox's person); absent in the templates' previews */
  id?: number;
  firstName: string;
  lastName?: string | null;
  email?: string | null;
  phone: string;
  preferredContact: PreferredContact;
}

interface PrescriberView {
  name: string;
  organisation: string;
  email?: string | null;
  phone?: string | null;
}

export interface RegistrationView {
  reference: string;
  kind: RegistrationKind;
  status: RegistrationStatus;
  decisionReason?: string | null;
  source: 'self' | 'prescriber';
  prescriber?: PrescriberView | null;
  event?: EventView | null;
  /** Signed "je ne peux pas venir" link (sessions), when the extranet's secret is configured. */
  cancelUrl?: string | null;
}

/** Links to the public site used in messages ("what else exists"). */
interface SiteLinks {
  siteUrl: string;
  extranetUrl: string;
}

export interface NotificationContext {
  person: PersonView;
  registration: RegistrationView;
  team: TeamIdentity;
  links: SiteLinks;
  /** Envelope sender (MAIL_FROM); defaults to the team's address. Replies always go to the team. */
  mailFrom?: string | null;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** A rendered email, ready for the outbox. */
export interface RenderedMail {
  /** Template name, kept in the outbox for the admin page (never personal data). */
  template: MessageTemplate;
  to: string;
  from: { name: string; address: string };
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

export type MessageTemplate =
  | 'receipt'
  | 'prescriber-receipt'
  | 'new-request'
  | 'decision'
  | 'prescriber-decision'
  | 'reminder'
  | 'prescriber-parcours-end'
  | 'appointment'
  | 'appointment-advisor';
