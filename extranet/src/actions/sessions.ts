import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { Viewer } from '../features/auth/viewer.ts';
import { verifyCancelToken } from '../features/notifications/cancel-link.rules.ts';
import { NotFoundError } from '../features/registrations/errors.ts';
import { attendanceStatus, parcoursOutcomeKind } from '../features/sessions/sessions.rules.ts';
import {
  AlreadyCancelledError,
  cancelFromLink,
  cancelTarget,
  excuseNextDate,
  HalfDayNotYetError,
  markAllPresent,
  recordAttendance,
  recordOutcome,
  UnknownHalfDayError,
} from '../features/sessions/sessions.service.ts';
import { getSessionForViewer } from '../features/sessions/sessions.view.ts';
import { waitlistSettingsForm } from '../features/sessions/waitlist.rules.ts';
import { acceptOffer, declineOffer, saveWaitlistSettings } from '../features/sessions/waitlist.service.ts';
import { FieldRefusal, formAction, missingIsBlank, publicFormAction, recordMissing } from '../lib/action.ts';
import { documentId } from '../lib/page.ts';

/**
 * A session's roster (`/sessions/[id]`): one person's mark at one half-day, one person's next step
 * after the Parcours. Each form names the session (a CMS document id) and the registration.
 */
const registrationId = z.coerce.number({ error: 'Personne inconnue.' }).int().positive().max(2_147_483_647);
const halfDayKey = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'Choisissez une demi-journée.' });
const attendanceForm = missingIsBlank(
  ['registration', 'halfDay', 'status'],
  z.object({
    registration: registrationId,
    halfDay: halfDayKey,
    status: attendanceStatus,
    session: documentId,
  }),
);
const outcomeForm = missingIsBlank(
  ['kind', 'date'],
  z.object({
    registration: registrationId,
    kind: parcoursOutcomeKind,
    date: z.iso.date({ error: 'Indiquez une date (jj/mm/aaaa).' }),
    session: documentId,
  }),
);

/** The session, if the viewer may see it (the roster page's own check). */
async function sessionOf(db: Kysely<Database>, viewer: Viewer, id: string): Promise<string> {
  const event = await getSessionForViewer(db, viewer, id);
  if (!event) throw recordMissing();
  return event.document_id;
}

const offerCode = missingIsBlank(['code'], z.object({ code: z.string().max(64) }));

export const sessions = {
  /**
   * « J'accepte la place » / « Je ne peux pas », from a waiting-list offer's short link (no sign-in:
   * the code is the proof). `answer` says what became of it; an unknown code is a 404.
   */
  acceptOffer: publicFormAction({
    input: offerCode,
    handler: async ({ code }, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      const answer = await acceptOffer(db, kind, code, notify);
      if (!answer) throw recordMissing();
      return { answer };
    },
  }),
  declineOffer: publicFormAction({
    input: offerCode,
    handler: async ({ code }, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      const answer = await declineOffer(db, kind, code, notify);
      if (!answer) throw recordMissing();
      return { answer };
    },
  }),

  /** The waiting list's settings (`/admin/reglages`): offer delay, offers in flight, no-show rule. */
  waitlistSettings: formAction({
    role: 'admin',
    input: waitlistSettingsForm,
    handler: async ({ offerHours, maxOffers, noShowRule }, viewer, { locals }) => {
      await saveWaitlistSettings(locals.runtime.db, viewer, {
        offerHours,
        maxOffers,
        noShowRule: noShowRule === '1',
      });
    },
  }),

  /**
   * « Tous présents »: everyone not yet marked at this half-day is marked present, but for the
   * exceptions (absent, excused) chosen in the same form: the whole half-day in one request.
   */
  allPresent: formAction({
    input: missingIsBlank(
      ['halfDay'],
      z
        .object({ halfDay: halfDayKey, session: documentId })
        // The exceptions, one radio group a person (`x-<registration>`): absent or excused; present
        // (the default) or a field left out is present. Anything else is refused.
        .catchall(z.unknown())
        .transform((form, ctx) => {
          const exceptions = new Map<number, 'absent' | 'excused'>();
          for (const [field, value] of Object.entries(form)) {
            const m = /^x-(\d{1,10})$/.exec(field);
            if (!m) continue;
            if (value === 'absent' || value === 'excused') exceptions.set(Number(m[1]), value);
            else if (value !== 'present') {
              ctx.addIssue({
                code: 'custom',
                path: ['halfDay'],
                message: 'Choisissez présent·e, absent·e ou excusé·e.',
              });
              return z.NEVER;
            }
          }
          return { halfDay: form.halfDay, session: form.session, exceptions };
        }),
    ),
    handler: async ({ session, halfDay, exceptions }, viewer, { locals }) => {
      const { db } = locals.runtime;
      const eventId = await sessionOf(db, viewer, session);
      try {
        const { marked, exceptions: others } = await markAllPresent(db, {
          eventId,
          halfDay,
          viewer,
          exceptions,
        });
        return { halfDay, marked, others };
      } catch (error) {
        if (error instanceof UnknownHalfDayError)
          throw new FieldRefusal({ halfDay: 'Cette demi-journée n’existe plus pour cette session.' });
        if (error instanceof HalfDayNotYetError)
          throw new FieldRefusal({ halfDay: 'Présent se note à partir du jour de la demi-journée.' });
        throw error;
      }
    },
  }),

  /**
   * « Je ne peux pas venir », from the signed link of an e-mail (no sign-in: the token is the
   * proof): the place freed and offered to the waiting list, or why not (`state`).
   */
  cancelPlace: publicFormAction({
    input: missingIsBlank(['t'], z.object({ t: z.string() })),
    handler: async ({ t }, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      const secret = notify.cancelSecret ?? '';
      const check = secret ? verifyCancelToken(secret, t) : ({ ok: false, reason: 'invalid' } as const);
      if (!check.ok) return { state: check.reason };
      const target = await cancelTarget(db, check.registrationId);
      if (!target) return { state: 'invalid' as const };
      if (target.started && target.status === 'accepted')
        return (await excuseNextDate(db, check.registrationId))
          ? { state: 'excused' as const }
          : { state: 'started' as const };
      try {
        await cancelFromLink(db, kind, check.registrationId, notify);
        return { state: 'cancelled' as const };
      } catch (error) {
        if (error instanceof AlreadyCancelledError) return { state: 'already' as const };
        if (error instanceof NotFoundError) return { state: 'invalid' as const };
        throw error;
      }
    },
  }),

  presence: formAction({
    input: attendanceForm,
    handler: async ({ session, registration, halfDay, status }, viewer, { locals }) => {
      const { db } = locals.runtime;
      const eventId = await sessionOf(db, viewer, session);
      try {
        await recordAttendance(db, { eventId, registrationId: registration, halfDay, status, viewer });
      } catch (error) {
        if (error instanceof NotFoundError) throw recordMissing();
        if (error instanceof UnknownHalfDayError)
          throw new FieldRefusal({ halfDay: 'Cette demi-journée n’existe plus pour cette session.' });
        if (error instanceof HalfDayNotYetError)
          throw new FieldRefusal({
            status:
              'Présent ou absent se note à partir du jour de la demi-journée (excusé peut se noter à l’avance).',
          });
        throw error;
      }
      return { registration, halfDay };
    },
  }),

  suite: formAction({
    input: outcomeForm,
    handler: async ({ session, registration, kind, date }, viewer, { locals }) => {
      const { db } = locals.runtime;
      const eventId = await sessionOf(db, viewer, session);
      await recordOutcome(db, { eventId, registrationId: registration, kind, date, viewer }).catch(
        (error) => {
          if (error instanceof NotFoundError) throw recordMissing();
          throw error;
        },
      );
      return { registration };
    },
  }),
};
