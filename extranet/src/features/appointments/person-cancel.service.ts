import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { sendMail } from '../mail/mail.service.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { resolvePersonLink, usePersonLink } from '../notifications/person-link.repository.ts';
import type { TeamDirectory } from '../notifications/teams.service.ts';
import { territoryName } from '../territories/territories.ts';
import {
  cancelPendingSms,
  findAppointment,
  messageSubjects,
  updateAppointmentWithSequence,
} from './appointments.repository.ts';
import { advisorCancelMail } from './messages.ts';

/*
 * « Je ne peux pas venir »: the person's link (`/a/<code>`) cancels their appointment without
 * signing in. The page shows only the date, time and place; the link works once, until the start.
 */

type Row = Awaited<ReturnType<typeof findAppointment>>;
/** Still to come and not cancelled: what the person's link can cancel. */
const cancellable = (a: Row): a is NonNullable<Row> =>
  a?.status === 'prevu' && Date.parse(a.starts_at) > now().getTime();

/**
 * What the person's page (`/a/<code>`) says, from what is stored — never from the address (a
 * `?fait=` anyone can type): the appointment a live link can still cancel, the one this link has
 * cancelled, or nothing. With the team's number to call, said as whose it is (an SMS from
 * « Maillage » cannot be answered).
 */
export async function personLinkView(db: Kysely<Database>, teams: TeamDirectory, code: string) {
  const link = await resolvePersonLink(db, 'appointment-cancel', code);
  const a = link.ok ? await findAppointment(db, link.targetId) : undefined;
  const team = teams.team(a?.territory ?? null, a?.territory ? territoryName(a.territory) : null);
  const phone = team.phone || team.associationPhone || null;
  const call = { team: team.name, phone };
  if (link.ok && a && link.usedAt && a.status === 'annule' && a.cancelled_by_person)
    return { state: 'cancelled' as const, ...call };
  if (!link.ok || link.usedAt || !cancellable(a)) return { state: 'invalid' as const, ...call };
  return {
    state: 'confirm' as const,
    ...call,
    appointment: {
      starts_at: a.starts_at,
      duration_min: a.duration_min,
      place_kind: a.place_kind,
      place_detail: a.place_detail,
    },
  };
}

export type PersonCancelOutcome =
  /** cancelled; `advisorTold`: the advisor's e-mail is queued (false: the advisor has no address) */
  { done: true; advisorTold: boolean } | { done: false };

/**
 * Cancels the appointment of a live link, once (the link is marked used in the same transaction:
 * two clicks or two instances cancel once), and queues an e-mail to its advisor.
 */
export async function cancelByPerson(
  db: Kysely<Database>,
  settings: NotifySettings,
  code: string,
): Promise<PersonCancelOutcome> {
  return db.transaction().execute(async (trx) => {
    const link = await resolvePersonLink(trx, 'appointment-cancel', code);
    if (!link.ok || link.usedAt) return { done: false };
    const a = await findAppointment(trx, link.targetId);
    if (!cancellable(a)) return { done: false };
    if (!(await usePersonLink(trx, 'appointment-cancel', code))) return { done: false };
    const at = now().toISOString();
    await updateAppointmentWithSequence(trx, a.id, {
      status: 'annule',
      status_at: at,
      status_by: null,
      cancelled_by_person: 1,
      updated_at: at,
    });
    await cancelPendingSms(trx, a.id);
    await audit(trx, {
      actorId: null,
      action: 'appointment.cancel-by-person',
      entityType: 'appointment',
      entityId: a.id,
      personId: a.person_id,
    });
    const [row] = await messageSubjects(trx, [a.id]);
    if (!row?.advisor_email) return { done: true, advisorTold: false };
    const base = settings.extranetUrl.replace(/\/$/, '');
    const m = advisorCancelMail(
      {
        ...row,
        firstName: row.first_name,
        advisorName: row.advisor_name ?? '',
        advisorEmail: row.advisor_email,
        team: settings.teams.team(row.territory, row.territory_name),
        mailFrom: settings.mailFrom ? (/<([^>]+)>/.exec(settings.mailFrom)?.[1] ?? settings.mailFrom) : null,
        cancelUrl: null,
        host: new URL(base).host,
      },
      `${base}/rendez-vous/${a.id}`,
    );
    await sendMail(trx, {
      kind: m.template,
      to: m.to,
      fromName: m.from.name,
      replyTo: m.replyTo,
      subject: m.subject,
      text: m.text,
      html: m.html,
    });
    return { done: true, advisorTold: true };
  });
}
