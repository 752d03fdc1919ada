import { registrationRequest } from '@maillage/contract';
import { parisDate, parisTime } from '@maillage/platform/clock';
import { z } from 'zod';
import { noteForm } from '../features/notes/notes.rules.ts';
import { addNote } from '../features/notes/notes.service.ts';
import { MergeNotAllowedError, mergePersons } from '../features/persons/merge.service.ts';
import { PersonNotFoundError, personEditForm } from '../features/persons/persons.rules.ts';
import { PhoneTakenError, setSmsConsent, updatePerson } from '../features/persons/persons.service.ts';
import { EventClosedError, EventFullError, UnknownEventError } from '../features/registrations/errors.ts';
import {
  findDuplicates,
  manualEntryEvents,
  manualEntryScopeErrors,
  recordManualEntry,
} from '../features/registrations/manual-entry.service.ts';
import { anyFields, FieldRefusal, formAction, recordMissing, requirePageOf } from '../lib/action.ts';
import { recordId, sealedFilterLocation } from '../lib/page.ts';

/** The list's filters other than the search (`/personnes`). */
const PERSON_FILTER_FIELDS = ['territory', 'situation', 'accompagnement', 'contact'] as const;

/** The person's file (`/personnes/[id]`): every form names the file it changes (`person`). */
const onPerson = z.object({ person: recordId });

/** SMS stopped or allowed again: only when the person asked (a box ticked to say so). */
const smsConsentForm = onPerson.extend({
  sms: z.enum(['stop', 'reprendre'], { error: 'Choix inconnu.' }),
  asked: z.literal('on', { error: 'Cochez la case : seule la personne peut le demander.' }),
});

/** A duplicate merged into this file: the other file's number, and a box ticked to confirm. */
const mergeForm = onPerson
  .extend({ other: z.string().optional(), confirm: z.string().optional() })
  .transform((v, ctx) => {
    const other = recordId.safeParse(v.other);
    if (!other.success || other.data === v.person) {
      ctx.addIssue({ code: 'custom', path: ['other'], message: 'Indiquez le numéro d’un autre dossier.' });
      return z.NEVER;
    }
    if (v.confirm !== 'on') {
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message: 'Cochez la case pour confirmer la fusion.',
      });
      return z.NEVER;
    }
    return { keepId: v.person, mergeId: other.data };
  });

/**
 * Manual entry (`/personnes/nouvelle`): the flat form read as the site's registration request (the
 * contract's own rules and messages), with source « advisor » set by the service. A box is ticked
 * when posted as `on`; each field is cut at 3,000 characters before the contract measures it.
 */
const manualEntryForm = z.preprocess(
  (raw) => {
    const form = raw as Record<string, string | string[] | undefined>;
    const v = (f: string) => (Array.isArray(form[f]) ? (form[f][0] ?? '') : (form[f] ?? '')).slice(0, 3000);
    const on = (f: string) => v(f) === 'on';
    const kind = v('kind');
    return {
      kind,
      idempotencyKey: v('idempotencyKey'),
      eventId: kind === 'event' ? v('eventId') : undefined,
      firstName: v('firstName'),
      lastName: v('lastName'),
      phone: v('phone'),
      email: v('email'),
      communeName: v('communeName'),
      communeInsee: v('communeInsee'),
      situation: { rsa: v('rsa') || undefined, jobSeeker: v('jobSeeker') || undefined },
      needs: { transport: on('transport'), childcare: on('childcare'), accessibility: on('accessibility') },
      preferredContact: v('preferredContact') || undefined,
      projectIdea: kind === 'support' ? v('projectIdea') : undefined,
      message: v('message'),
      acceptWaitlist: kind === 'event' ? on('acceptWaitlist') : undefined,
      source: { type: 'self' },
      confirmed: v('confirm') === '1',
    };
  },
  registrationRequest.and(z.object({ confirmed: z.boolean() })),
);

/** The service's refusals, in the page's words. */
function refusal(error: unknown): never {
  if (error instanceof PersonNotFoundError) throw recordMissing();
  if (error instanceof PhoneTakenError)
    throw new FieldRefusal({
      phone:
        'Ce numéro est déjà celui d’une autre personne : vérifiez, ou demandez une fusion à un·e administrateur·rice.',
    });
  throw error;
}

export const persons = {
  /** Where the filtered list of people is: the search sealed into `r`, never in the URL. */
  filter: formAction({
    input: anyFields,
    handler: async (form, _viewer, { locals }) =>
      sealedFilterLocation('/personnes', form, PERSON_FILTER_FIELDS, {
        sealer: locals.runtime.sealer,
        maxLength: 40,
      }),
  }),

  /**
   * Someone met by phone or at a walk-in, registered to a session, a support or a call-back.
   * Possible duplicates come back to be shown (`duplicates`) unless the advisor confirmed (`confirm=1`).
   */
  enter: formAction({
    input: manualEntryForm,
    handler: async ({ confirmed, ...request }, viewer, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      const events = await manualEntryEvents(db, viewer);
      const scope = await manualEntryScopeErrors(
        db,
        viewer,
        request,
        events.map((e) => e.document_id),
      );
      if (Object.keys(scope).length) throw new FieldRefusal(scope);
      const identity = {
        firstName: request.firstName,
        lastName: request.lastName ?? null,
        phone: request.phone,
        communeInsee: request.communeInsee ?? null,
        communeName: request.communeName ?? null,
      };
      const duplicates = confirmed ? [] : await findDuplicates(db, viewer, identity);
      if (duplicates.length) return { duplicates };
      try {
        const { registrationId, status } = await recordManualEntry(db, kind, { viewer, request, notify });
        return { registrationId, status };
      } catch (e) {
        const full =
          'Cette session est complète : cochez « liste d’attente » ou choisissez une autre session.';
        const closed = 'Les inscriptions à cette session sont fermées : choisissez une autre session.';
        if (e instanceof EventFullError) throw new FieldRefusal({ eventId: full }, { status: 409 });
        if (e instanceof EventClosedError || e instanceof UnknownEventError)
          throw new FieldRefusal({ eventId: closed }, { status: 409 });
        throw e;
      }
    },
  }),

  /** Corrects identity and contact details: `changed` is false when nothing differed. */
  edit: formAction({
    input: personEditForm.safeExtend(onPerson.shape),
    handler: async ({ person, ...values }, viewer, { locals }) => {
      const changed = await updatePerson(locals.runtime.db, { viewer, personId: person, values }).catch(
        refusal,
      );
      return { changed: changed.length > 0 };
    },
  }),

  note: formAction({
    input: () =>
      noteForm(parisDate(), parisTime())
        .safeExtend(onPerson.shape)
        // the report of an appointment (its page's note form, or « Écrire le compte rendu »)
        .safeExtend({ appointment: z.preprocess((v) => (v === '' ? undefined : v), recordId.optional()) }),
    handler: async ({ person, appointment, ...note }, viewer, { locals }) => {
      await addNote(locals.runtime.db, {
        viewer,
        personId: person,
        appointmentId: appointment ?? null,
        note,
      }).catch(refusal);
    },
  }),

  /** The person asked (by phone, in person) to stop SMS, or to receive them again after a STOP. */
  smsConsent: formAction({
    input: smsConsentForm,
    handler: async ({ person, sms }, viewer, { locals }) => {
      await setSmsConsent(locals.runtime.db, { viewer, personId: person, sms }).catch(refusal);
    },
  }),

  /** Admins only: absorbs a duplicate record of the same person, history included. */
  merge: formAction({
    role: 'admin',
    input: mergeForm,
    handler: async ({ keepId, mergeId }, viewer, context) => {
      requirePageOf(context, `/personnes/${keepId}`);
      try {
        await mergePersons(context.locals.runtime.db, { viewer, keepId, mergeId });
      } catch (e) {
        if (!(e instanceof PersonNotFoundError || e instanceof MergeNotAllowedError)) throw e;
        throw new FieldRefusal({ other: 'Ce dossier n’existe pas.' });
      }
    },
  }),
};
