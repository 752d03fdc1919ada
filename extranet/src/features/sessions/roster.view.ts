import { now as clockNow, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database, EventCopy } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { loadRoster, type Roster } from './roster.service.ts';
import { halfDays } from './sessions.rules.ts';
import { offersOfEvent } from './waitlist.repository.ts';
import { type OfferState, offerState } from './waitlist.rules.ts';

/**
 * What the roster page (pages/sessions/[id].astro) shows. Its forms — one person's mark at one
 * half-day, « tous présents » for a half-day, one person's next step after the Parcours — are actions (src/actions/sessions.ts); when
 * one comes back refused, its first error is shown on that person's row.
 */

export interface RowError {
  registration: number;
  message: string;
}
export interface OutcomeError extends RowError {
  field: 'kind' | 'date';
  /** what was typed, shown again */
  kind: string;
  date: string;
}

/** A roster form come back with its errors (by field) and what was posted. */
interface Returned {
  errors: Record<string, string>;
  values: Record<string, string>;
}

/** The attendance form's first error, on its person's row, at the half-day that was posted. */
export function attendanceError({ errors, values }: Returned): { rowError: RowError; halfDay: string } {
  const message = Object.values(errors)[0] ?? 'Formulaire invalide.';
  return {
    rowError: { registration: Number(values.registration ?? '') || 0, message },
    halfDay: values.halfDay ?? '',
  };
}

/** The outcome form's first error, beside its field, with what was typed. */
export function outcomeError({ errors, values }: Returned): OutcomeError {
  const [field, message] = Object.entries(errors)[0] ?? ['kind', 'Formulaire invalide.'];
  return {
    registration: Number(values.registration ?? '') || 0,
    field: field === 'date' ? 'date' : 'kind',
    message,
    kind: values.kind ?? '',
    date: values.date ?? '',
  };
}

/** Where a roster form sends the browser back once saved: to the row or half-day it was about. */
export function savedLocation(base: string, form: string | null, data: unknown): string | null {
  if (!data) return null;
  const d = data as { registration?: number; halfDay?: string; marked?: number; others?: number };
  const query = (q: Record<string, string>) => `${base}?${new URLSearchParams(q)}`;
  if (form === 'presence')
    return `${query({ 'demi-journee': d.halfDay ?? '', note: `${d.registration}` })}#p-${d.registration}`;
  if (form === 'allPresent')
    return `${query({ 'demi-journee': d.halfDay ?? '', tous: `${d.marked ?? 0}`, ...(d.others ? { sauf: `${d.others}` } : {}) })}#demi-journee`;
  if (form === 'suite') return `${query({ suite: `${d.registration}` })}#suite-${d.registration}`;
  return null;
}

/** One waiting-list offer as the roster lists it: who, by which channel, when, what became of it. */
export interface OfferLine {
  registrationId: number;
  name: string;
  reference: string;
  channel: 'email' | 'sms' | 'sms-email' | 'appel';
  offeredAt: string;
  expiresAt: string;
  state: OfferState;
  /** when it was answered or closed */
  closedAt: string | null;
}

async function offerLines(db: Kysely<Database>, eventId: string, roster: Roster): Promise<OfferLine[]> {
  const people = new Map(
    [...roster.accepted, ...roster.waitlisted, ...roster.cancelled].map((r) => [r.registrationId, r]),
  );
  const now = clockNow().toISOString();
  return (await offersOfEvent(db, eventId)).flatMap((o) => {
    const who = people.get(o.registration_id);
    if (!who) return [];
    return [
      {
        registrationId: o.registration_id,
        name: rosterName(who),
        reference: who.reference,
        channel: o.channel,
        offeredAt: o.offered_at,
        expiresAt: o.expires_at,
        state: offerState(o, now),
        closedAt: o.accepted_at ?? o.declined_at ?? o.expired_at ?? o.taken_at,
      },
    ];
  });
}

/**
 * What the roster page shows: the half-days, the one to mark (the chosen one, else today's, else
 * the last one past, else the first), the roster and its fill rate. Names and phone numbers are
 * personal data: who opened which roster is in the audit log.
 */
export async function rosterView(
  db: Kysely<Database>,
  viewer: Viewer,
  event: EventCopy,
  selected: string | null,
) {
  const days = halfDays(event);
  const today = parisDate();
  const roster = await loadRoster(db, event);
  const offers = await offerLines(db, event.document_id, roster);
  await audit(db, {
    actorId: viewer.id,
    action: 'session.read',
    entityType: 'session',
    entityId: event.document_id,
  });
  const current =
    days.find((d) => d.key === selected) ??
    days.find((d) => d.date === today) ??
    [...days].reverse().find((d) => d.date < today) ??
    days[0];
  const lastDate = days.at(-1)?.date;
  return {
    days,
    current,
    roster,
    offers,
    lastDate,
    ended: lastDate !== undefined && lastDate < today,
    fill: event.capacity > 0 ? Math.round((roster.accepted.length / event.capacity) * 100) : 0,
  };
}

/** "First Last", as the roster shows a person. */
export const rosterName = (r: { firstName: string; lastName: string | null }) =>
  `${r.firstName} ${r.lastName ?? ''}`.trim();
