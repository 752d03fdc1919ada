import { z } from 'zod';
import {
  attachRequest,
  confirmContact,
  NothingToConfirmError,
  StaleContactError,
  UnknownPersonError,
} from '../features/registrations/contact.service.ts';
import { acceptMany, bulkAcceptForm, decisionForm } from '../features/registrations/decision.service.ts';
import { decisionRefusal, NotFoundError } from '../features/registrations/errors.ts';
import { INBOX_FILTER_FIELDS } from '../features/registrations/inbox.view.ts';
import { decideAndOffer } from '../features/sessions/waitlist.service.ts';
import {
  anyFields,
  blankIsMissing,
  FieldRefusal,
  formAction,
  missingIsBlank,
  recordMissing,
} from '../lib/action.ts';
import { list } from '../lib/http.ts';
import { sealedFilterLocation } from '../lib/page.ts';

const dbId = z.coerce.number({ error: 'Formulaire invalide.' }).int().positive().max(2_147_483_647);

/**
 * The contact details given with a request, against its person's record (contact.service.ts): the
 * person the page showed (`person`), so that a record changed meanwhile is refused.
 */
const contactForm = z.object({ registration: dbId, person: dbId });

/** A contact form refused: the request is not the viewer's (404), or the record changed (409). */
function contactRefusal(error: unknown): never {
  if (error instanceof NotFoundError) throw recordMissing();
  if (error instanceof StaleContactError || error instanceof NothingToConfirmError)
    throw new FieldRefusal(
      {
        contact:
          'La fiche a changé entre-temps (quelqu’un d’autre l’a mise à jour ?). Vérifiez avant de continuer.',
      },
      { status: 409 },
    );
  if (error instanceof UnknownPersonError)
    throw new FieldRefusal({ contact: 'Choisissez une personne de la liste, ou une nouvelle fiche.' });
  throw error;
}

/** The inbox (`/demandes`): its filters, and the requests accepted at once; a request's own forms. */
export const registrations = {
  /** Where the filtered list is: the search sealed into `r`, never in the URL (POST → redirect → GET). */
  filter: formAction({
    input: anyFields,
    handler: async (form, _viewer, { locals }) =>
      sealedFilterLocation('/demandes', form, INBOX_FILTER_FIELDS, {
        sealer: locals.runtime.sealer,
        maxLength: 80,
      }),
  }),

  /** The checked requests accepted, as far as places allow: how many were, how many were not. */
  accept: formAction({
    input: z.object({ ids: z.preprocess((v) => list(v as string | string[] | undefined), bulkAcceptForm) }),
    handler: async ({ ids }, viewer, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      return acceptMany(db, kind, viewer, ids, notify);
    },
  }),

  /**
   * The advisor's decision on one request (`/demandes/[id]`): the person told through the outbox;
   * a place freed by a cancellation is offered to the waiting list by its link (`offered`), or,
   * when it could not be (the session is over), proposed to the advisor (`propose`).
   */
  decide: formAction({
    // As the page always read it: a choice left out is blank, a blank `expected` is no expectation.
    input: blankIsMissing(
      ['expected', 'confirm'],
      missingIsBlank(
        ['decision', 'reason'],
        decisionForm.extend({
          registration: dbId,
          // A cancellation is done only from its confirmation step (never from one stray click).
          confirm: z.literal('oui', { error: 'Formulaire invalide.' }).optional(),
        }),
      ),
    ),
    handler: async ({ registration, decision, reason, expected, confirm }, viewer, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      if (decision === 'cancel' && confirm !== 'oui')
        return { registration, confirmCancel: true as const, reason: reason ?? '', expected: expected ?? '' };
      try {
        const input = { registrationId: registration, decision, reason, viewer, expectedStatus: expected };
        // A place freed is offered to the waiting list in the same transaction (sessions feature).
        const result = await decideAndOffer(db, kind, input, notify);
        return {
          registration,
          done: decision,
          propose: result.offered ? null : result.proposeRegistrationId,
          offered: result.offered,
        };
      } catch (error) {
        if (error instanceof NotFoundError) throw recordMissing();
        const refusal = decisionRefusal(error);
        if (!refusal) throw error;
        throw new FieldRefusal({ decision: refusal.message }, { status: refusal.status });
      }
    },
  }),

  /** The contact details given with the request copied onto the person's record. */
  confirmContact: formAction({
    input: contactForm,
    handler: async ({ registration, person }, viewer, { locals }) => {
      const { db, kind } = locals.runtime;
      try {
        await confirmContact(db, kind, { registrationId: registration, viewer, expectedPersonId: person });
        return { registration, done: 'contact-confirm', propose: null };
      } catch (error) {
        contactRefusal(error);
      }
    },
  }),

  /** The request attached to another person's record, or to a new one. */
  attachContact: formAction({
    input: contactForm.extend({
      target: z.union([z.literal('new'), dbId], {
        error: 'Choisissez la personne à qui rattacher la demande.',
      }),
    }),
    handler: async ({ registration, person, target }, viewer, { locals }) => {
      const { db, kind } = locals.runtime;
      try {
        const input = { registrationId: registration, viewer, expectedPersonId: person, target };
        await attachRequest(db, kind, input);
        return { registration, done: 'contact-attach', propose: null };
      } catch (error) {
        contactRefusal(error);
      }
    },
  }),
};
