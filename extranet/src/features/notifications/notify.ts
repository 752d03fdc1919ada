import { type Kysely, sql, type Transaction } from 'kysely';
import * as clock from '../../contract/clock.ts';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.ts';
import type { Viewer } from '../auth/viewer.ts';
import { startPeriodicJob } from '../jobs/periodic.ts';
import { type MailMessage, sendCappedMail, sendMail } from '../mail/mail.ts';
import { canSeeTerritory, registrationScope } from '../registrations/scope.ts';
import { cancelUrl } from '../sessions/cancel-link.ts';
import type { TeamDirectory } from '../territories/teams.ts';
import { addDays, parisDate, sortSlots } from './format.ts';
import type { SmsChannel } from './sms.ts';
import {
  callScript,
  decisionToPerson,
  decisionToPrescriber,
  newRequestToAdvisors,
  receiptToPerson,
  receiptToPrescriber,
  reminderToPerson,
} from './templates.ts';
import type { ContactChannel, EventView, NotificationContext, RenderedMail, SlotView } from './types.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NotifySettings {
  siteUrl: string;
  extranetUrl: string;
  teams: TeamDirectory;
  /** Envelope address (MAIL_FROM's address): the display name is the team's. */
  mailFrom?: string | undefined;
  /** SMS provider; without one (the default), SMS are sent by hand from the "à appeler" list. */
  sms?: SmsChannel | undefined;
  /** The extranet's secret: signs the "je ne peux pas venir" links (none without it). */
  cancelSecret?: string | undefined;
}

const CHANNEL: Record<string, ContactChannel> = { appel: 'phone', sms: 'sms', email: 'email' };

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Everything the templates need about one registration, read in the caller's transaction. */
export async function loadContext(
  db: Db,
  registrationId: number,
  settings: NotifySettings,
): Promise<NotificationContext | null> {
  const row = await db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select([
      'registration.id',
      'registration.reference',
      'registration.kind',
      'registration.status',
      'registration.territory',
      'registration.source_type',
      'registration.prescriber_name',
      'registration.prescriber_organisation',
      'registration.prescriber_email',
      'registration.prescriber_phone',
      'registration.preferred_contact',
      'registration.decision_reason',
      'person.first_name',
      'person.last_name',
      'person.email',
      'person.phone',
      'registration.contact_first_name',
      'registration.contact_last_name',
      'registration.contact_email',
      'registration.contact_phone',
      'event_copy.document_id as event_id',
      'event_copy.title as event_title',
      'event_copy.slug as event_slug',
      'event_copy.program_title',
      'event_copy.program_kind',
      'event_copy.territory_name',
      'event_copy.slots_json',
      'event_copy.venue_json',
      'event_copy.practical_notes',
    ])
    .where('registration.id', '=', registrationId)
    .executeTakeFirst();
  if (!row) return null;
  let event: EventView | null = null;
  if (row.event_id && row.event_title) {
    const venue = parseJson<Record<string, unknown>>(row.venue_json, {});
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    event = {
      id: row.event_id,
      title: row.event_title,
      programTitle: row.program_title,
      programKind: (row.program_kind as EventView['programKind']) ?? null,
      territoryName: row.territory_name ?? '',
      slots: parseJson<SlotView[]>(row.slots_json, []).map((s) => ({
        date: s.date,
        start: s.start.slice(0, 5),
        end: s.end.slice(0, 5),
      })),
      venue: {
        name: str(venue.name),
        address: str(venue.address),
        postcode: str(venue.postcode),
        commune: str(venue.commune),
        accessNotes: str(venue.accessNotes) || null,
        stepFreeAccess: venue.stepFreeAccess === true,
      },
      practicalNotes: row.practical_notes,
      url: row.event_slug ? `${settings.siteUrl.replace(/\/$/, '')}/agenda/${row.event_slug}` : null,
    };
  }
  const territoryName = event?.territoryName || (await territoryLabel(db, row.territory));
  const contact = requestContact(row);
  return {
    person: {
      firstName: contact.firstName,
      lastName: contact.lastName,
      email: contact.email,
      phone: contact.phone,
      preferredContact: CHANNEL[row.preferred_contact] ?? 'phone',
    },
    registration: {
      reference: row.reference,
      kind: row.kind,
      status: row.status,
      decisionReason: row.decision_reason,
      // A request an advisor recorded is the person's own: their messages are the same.
      source: row.source_type === 'prescriber' ? 'prescriber' : 'self',
      prescriber:
        row.source_type === 'prescriber'
          ? {
              name: row.prescriber_name ?? '',
              organisation: row.prescriber_organisation ?? '',
              email: row.prescriber_email,
              phone: row.prescriber_phone,
            }
          : null,
      event,
      cancelUrl:
        event && settings.cancelSecret
          ? cancelUrl(
              settings.cancelSecret,
              settings.extranetUrl,
              row.id,
              sortSlots(event.slots).at(-1)?.date,
            )
          : null,
    },
    team: settings.teams.team(row.territory, territoryName),
    links: { siteUrl: settings.siteUrl, extranetUrl: settings.extranetUrl },
    mailFrom: settings.mailFrom ? (/<([^>]+)>/.exec(settings.mailFrom)?.[1] ?? settings.mailFrom) : null,
  };
}

/**
 * Who a message about a request goes to: the contact details given with that request (design §8),
 * never the person's record, which a stranger's request must not be able to redirect. Rows written
 * without them (not through the intake) fall back to the person's record.
 */
export function requestContact(row: {
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string;
  contact_first_name: string | null;
  contact_last_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
}): { firstName: string; lastName: string | null; email: string | null; phone: string } {
  if (row.contact_first_name === null)
    return { firstName: row.first_name, lastName: row.last_name, email: row.email, phone: row.phone };
  return {
    firstName: row.contact_first_name,
    lastName: row.contact_last_name,
    email: row.contact_email,
    phone: row.contact_phone ?? row.phone,
  };
}

async function territoryLabel(db: Db, slug: string | null): Promise<string | null> {
  if (!slug) return null;
  const t = await db.selectFrom('territory').select('name').where('slug', '=', slug).executeTakeFirst();
  return t?.name ?? null;
}

/** A rendered message as an outbox entry. */
export function toOutbox(mail: RenderedMail, registrationId: number): MailMessage {
  return {
    kind: mail.template,
    to: mail.to,
    fromName: mail.from.name,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments,
    registrationId,
  };
}

async function queue(db: Db, mail: RenderedMail | null, registrationId: number): Promise<void> {
  if (mail) await sendMail(db, toOutbox(mail, registrationId));
}

/**
 * Records that a person must be told something. Returns false when it was already recorded
 * (same dedupe key): the caller then sends nothing.
 */
async function record(
  db: Db,
  ctx: NotificationContext,
  registrationId: number,
  purpose: 'receipt' | 'decision' | 'reminder',
  dedupeKey: string,
  needsCall: boolean,
): Promise<boolean> {
  let channel: 'appel' | 'sms' | 'email' =
    ctx.person.preferredContact === 'phone' ? 'appel' : ctx.person.preferredContact;
  // Someone who asked to be called back is called, whatever channel they prefer for the rest.
  if (purpose === 'receipt' && needsCall && channel === 'email') channel = 'appel';
  const call = needsCall && channel !== 'email';
  const inserted = await db
    .insertInto('notification')
    .values({
      registration_id: registrationId,
      purpose,
      dedupe_key: dedupeKey,
      channel,
      call_text: call ? callScript(ctx, purpose, channel === 'sms') : null,
      call_status: call ? 'todo' : null,
      created_at: clock.now().toISOString(),
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * A new request: receipt to the person (if email) and to the professional who sent it, a note to
 * the territory's advisors (admins when outside our territories), and for a call-back request the
 * call to make in the advisors' "à appeler" list. Runs in the intake's transaction.
 */
export async function queueReceipt(
  trx: Db,
  kind: DbKind,
  registrationId: number,
  settings: NotifySettings,
): Promise<void> {
  const ctx = await loadContext(trx, registrationId, settings);
  if (!ctx) return;
  if (
    !(await record(
      trx,
      ctx,
      registrationId,
      'receipt',
      `receipt:${registrationId}`,
      ctx.registration.kind === 'callback',
    ))
  )
    return;
  // Anyone can fill a public form with any address: receipts are capped per address and day.
  for (const receipt of [receiptToPerson(ctx), receiptToPrescriber(ctx)]) {
    if (receipt) await sendCappedMail(trx, kind, toOutbox(receipt, registrationId));
  }
  const territory = (
    await trx
      .selectFrom('registration')
      .select('territory')
      .where('id', '=', registrationId)
      .executeTakeFirst()
  )?.territory;
  const active = () =>
    trx
      .selectFrom('users')
      .select('users.email')
      .distinct()
      .where('users.disabled', '=', kind === 'postgres' ? (false as never) : 0);
  let recipients = territory
    ? await active()
        .innerJoin('user_territory', 'user_territory.user_id', 'users.id')
        .where('user_territory.territory', '=', territory)
        .execute()
    : [];
  // Outside our territories, or a territory without an advisor yet: the coordinators are told.
  if (recipients.length === 0) recipients = await active().where('users.role', '=', 'admin').execute();
  const link = new URL(`/demandes/${registrationId}`, settings.extranetUrl).toString();
  for (const advisor of recipients) {
    await queue(trx, newRequestToAdvisors(ctx, advisor.email, link), registrationId);
  }
}

/**
 * A decision (accepted, waiting list, declined, cancelled): to the person by email when they gave
 * one (the accepted message carries the .ics), to the professional, and when the person prefers a
 * call or an SMS, into the "à appeler" list with the words to say. Runs in the decision's transaction.
 */
export async function queueDecision(
  trx: Db,
  registrationId: number,
  settings: NotifySettings,
): Promise<void> {
  const ctx = await loadContext(trx, registrationId, settings);
  if (!ctx || ctx.registration.status === 'received') return;
  const decided = await trx
    .selectFrom('registration')
    .select('decided_at')
    .where('id', '=', registrationId)
    .executeTakeFirst();
  const key = `decision:${registrationId}:${ctx.registration.status}:${decided?.decided_at ?? ''}`;
  if (!(await record(trx, ctx, registrationId, 'decision', key, true))) return;
  await queue(trx, decisionToPerson(ctx), registrationId);
  await queue(trx, decisionToPrescriber(ctx), registrationId);
}

/**
 * The reminder two days before the first half-day, to every accepted person. Idempotent: the
 * notification's unique key means a reminder is queued once, however often and on however many
 * instances this runs. If the job could not run on the day, it catches up the day before. People
 * accepted within those last two days are not reminded: their confirmation has just arrived.
 */
export async function queueDueReminders(
  db: Kysely<Database>,
  settings: NotifySettings,
  now = clock.now(),
): Promise<number> {
  const today = parisDate(now);
  const dueDays = new Set([addDays(today, 1), addDays(today, 2)]);
  const horizon = new Date(now.getTime() + 4 * 86_400_000).toISOString();
  const candidates = await db
    .selectFrom('registration')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select(['registration.id', 'registration.decided_at', 'event_copy.slots_json'])
    .where('registration.status', '=', 'accepted')
    .where('registration.kind', '=', 'event')
    .where('event_copy.cancelled', '=', 0)
    .where('event_copy.first_slot_at', '>', now.toISOString())
    .where('event_copy.first_slot_at', '<', horizon)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification')
            .select(sql`1`.as('one'))
            .whereRef('notification.registration_id', '=', 'registration.id')
            .where('notification.purpose', '=', 'reminder'),
        ),
      ),
    )
    .execute();
  let queued = 0;
  for (const c of candidates) {
    const first = sortSlots(parseJson<SlotView[]>(c.slots_json, []))[0];
    if (!first || !dueDays.has(first.date)) continue;
    if (c.decided_at && parisDate(new Date(c.decided_at)) >= addDays(first.date, -2)) continue;
    const done = await db.transaction().execute(async (trx) => {
      const ctx = await loadContext(trx, c.id, settings);
      if (!ctx) return false;
      if (!(await record(trx, ctx, c.id, 'reminder', `reminder:${c.id}`, true))) return false;
      await queue(trx, reminderToPerson(ctx), c.id);
      return true;
    });
    if (done) queued++;
  }
  return queued;
}

/** Runs the reminder job now and then every `intervalMs`, and keeps the team contacts fresh. */
export function startNotifications(
  db: Kysely<Database>,
  settings: NotifySettings,
  intervalMs = 15 * 60_000,
): { stop(): void } {
  // The team contacts at once (the first messages need them), the reminders a little later.
  void settings.teams.refresh();
  return startPeriodicJob(
    'rappels',
    async () => {
      await settings.teams.refresh();
      const n = await queueDueReminders(db, settings);
      if (n > 0) console.log(`[rappels] ${n} rappel(s) mis en file`);
      if (settings.sms?.available) await sendPendingSms(db, settings.sms);
    },
    { firstDelayMs: 5_000, intervalMs },
  );
}

/**
 * Sends the SMS waiting in the "à appeler" list through the provider, when there is one. Each item
 * is claimed first (todo → sending), so two instances never send the same SMS; a failure puts it
 * back in the list with the reason, for an advisor to send by hand.
 */
export async function sendPendingSms(db: Kysely<Database>, sms: SmsChannel, limit = 20): Promise<number> {
  if (!sms.available) return 0;
  const rows = await db
    .selectFrom('notification')
    .innerJoin('registration', 'registration.id', 'notification.registration_id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'notification.id',
      'notification.call_text',
      'person.phone',
      'registration.contact_phone',
      'person.id as person_id',
    ])
    .where('notification.channel', '=', 'sms')
    .where('notification.call_status', '=', 'todo')
    .orderBy('notification.id')
    .limit(limit)
    .execute();
  let sent = 0;
  for (const row of rows) {
    const claimed = await db
      .updateTable('notification')
      .set({ call_status: 'sending' })
      .where('id', '=', row.id)
      .where('call_status', '=', 'todo')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const now = clock.now().toISOString();
    try {
      // To the number given with the request (design §8).
      await sms.send(row.contact_phone ?? row.phone, row.call_text ?? '');
      await db
        .updateTable('notification')
        .set({ call_status: 'done', outcome: 'SMS envoyé automatiquement', handled_at: now })
        .where('id', '=', row.id)
        .execute();
      await db.updateTable('person').set({ last_contact_at: now }).where('id', '=', row.person_id).execute();
      sent++;
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      await db
        .updateTable('notification')
        .set({ call_status: 'todo', outcome: `Échec de l’envoi automatique (${code}) : à envoyer à la main` })
        .where('id', '=', row.id)
        .execute();
    }
  }
  return sent;
}

// --- the advisors' "à appeler" list -------------------------------------------------------------

export interface CallItem {
  id: number;
  registrationId: number;
  reference: string;
  purpose: string;
  channel: 'appel' | 'sms';
  text: string;
  firstName: string;
  lastName: string | null;
  phone: string;
  createdAt: string;
}

/** Calls and SMS still to make, oldest first, within the viewer's territories. */
export async function listCalls(db: Kysely<Database>, viewer: Viewer, limit = 200): Promise<CallItem[]> {
  const q = db
    .selectFrom('notification')
    .innerJoin('registration', 'registration.id', 'notification.registration_id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'notification.id',
      'notification.registration_id',
      'notification.purpose',
      'notification.channel',
      'notification.call_text',
      'notification.created_at',
      'registration.reference',
      'person.first_name',
      'person.last_name',
      'person.phone',
      'person.email',
      'registration.contact_first_name',
      'registration.contact_last_name',
      'registration.contact_phone',
      'registration.contact_email',
    ])
    .where('notification.call_status', '=', 'todo')
    .where(registrationScope(viewer));
  const rows = await q.orderBy('notification.created_at').orderBy('notification.id').limit(limit).execute();
  return rows.map((r) => {
    // The call is about a request: the name and number given with it.
    const contact = requestContact(r);
    return {
      id: r.id,
      registrationId: r.registration_id,
      reference: r.reference,
      purpose: r.purpose,
      channel: r.channel === 'sms' ? 'sms' : 'appel',
      text: r.call_text ?? '',
      firstName: contact.firstName,
      lastName: contact.lastName,
      phone: contact.phone,
      createdAt: r.created_at,
    };
  });
}

export const CALL_OUTCOMES = {
  joint: 'Personne jointe, message transmis',
  'sms-envoye': 'SMS envoyé',
  'message-laisse': 'Message laissé sur le répondeur',
  injoignable: 'Injoignable (à réessayer)',
} as const;
export type CallOutcome = keyof typeof CALL_OUTCOMES;

export class CallNotFoundError extends Error {}

/**
 * Records the outcome of a call: the item leaves the list (or stays, when the person could not be
 * reached), a note "appel" is added to the person's file, and the audit log says who did it.
 */
export async function recordCallOutcome(
  db: Kysely<Database>,
  input: { id: number; outcome: CallOutcome; comment?: string | null | undefined; viewer: Viewer },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('notification')
      .innerJoin('registration', 'registration.id', 'notification.registration_id')
      .select([
        'notification.id',
        'notification.call_status',
        'registration.territory',
        'registration.person_id',
        'registration.id as registration_id',
      ])
      .where('notification.id', '=', input.id)
      .executeTakeFirst();
    if (!row || row.call_status !== 'todo' || !canSeeTerritory(input.viewer, row.territory))
      throw new CallNotFoundError();
    const now = clock.now().toISOString();
    const label = CALL_OUTCOMES[input.outcome];
    const reached = input.outcome !== 'injoignable';
    await trx
      .updateTable('notification')
      .set({
        call_status: reached ? 'done' : 'todo',
        outcome: label,
        handled_by: input.viewer.id,
        handled_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    await trx
      .insertInto('note')
      .values({
        person_id: row.person_id,
        author_id: input.viewer.id,
        kind: 'appel',
        occurred_at: now,
        body: input.comment?.trim() ? `${label}. ${input.comment.trim()}` : `${label}.`,
        created_at: now,
      })
      .execute();
    if (reached)
      await trx.updateTable('person').set({ last_contact_at: now }).where('id', '=', row.person_id).execute();
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'notification.call',
      entityType: 'registration',
      entityId: row.registration_id,
      personId: row.person_id,
      details: { outcome: input.outcome },
    });
  });
}
