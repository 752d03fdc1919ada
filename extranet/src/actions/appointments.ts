import type { ActionAPIContext } from 'astro:actions';
import { z } from 'zod';
import { bookingForm, changeForm, statusForm } from '../features/appointments/appointments.rules.ts';
import {
  AppointmentClosedError,
  type AppointmentDeps,
  AppointmentNotFoundError,
  bookAppointment,
  cancelAppointment,
  changeAppointment,
  ErasedPersonError,
  NotStartedError,
  OverlapError,
  PastTimeError,
  recordStatus,
  UnknownAdvisorError,
} from '../features/appointments/appointments.service.ts';
import { recordAppointmentCall } from '../features/appointments/calls.service.ts';
import { createFeed, revokeFeed } from '../features/appointments/feed.service.ts';
import { cancelByPerson } from '../features/appointments/person-cancel.service.ts';
import { FieldRefusal, formAction, publicFormAction, recordMissing } from '../lib/action.ts';
import { recordId } from '../lib/page.ts';

const onPerson = z.object({ person: recordId });
const onAppointment = z.object({ appointment: recordId });

const deps = (context: ActionAPIContext): AppointmentDeps => ({
  db: context.locals.runtime.db,
  kind: context.locals.runtime.kind,
  notify: context.locals.runtime.notify,
});

/** The services' refusals in French, next to the field they concern. */
function refusal(e: unknown): never {
  if (e instanceof AppointmentNotFoundError) throw recordMissing();
  if (e instanceof OverlapError) throw new FieldRefusal({ time: e.message });
  if (e instanceof PastTimeError)
    throw new FieldRefusal({ time: 'Ce moment est déjà passé : choisissez une date et une heure à venir.' });
  if (e instanceof ErasedPersonError)
    throw new FieldRefusal({
      form: 'Les données de cette personne ont été effacées : aucun rendez-vous ne peut être fixé.',
    });
  if (e instanceof UnknownAdvisorError)
    throw new FieldRefusal({ advisor: 'Choisissez une personne de l’équipe de ce territoire.' });
  if (e instanceof AppointmentClosedError)
    throw new FieldRefusal({ form: 'Ce rendez-vous est annulé ou déjà passé : il ne peut plus changer.' });
  if (e instanceof NotStartedError)
    throw new FieldRefusal({ status: 'Le rendez-vous n’a pas encore commencé : son statut viendra après.' });
  throw e;
}

export const appointments = {
  /** A booking from a person's file or a support; the form comes back with what was typed if refused. */
  book: formAction({
    input: bookingForm.safeExtend(onPerson.shape),
    handler: async ({ person, ...booking }, viewer, context) => {
      const id = await bookAppointment(deps(context), { viewer, personId: person, booking }).catch(refusal);
      return { id };
    },
  }),
  change: formAction({
    input: changeForm.safeExtend(onAppointment.shape),
    handler: async ({ appointment, ...change }, viewer, context) => {
      await changeAppointment(deps(context), { viewer, id: appointment, change }).catch(refusal);
    },
  }),
  /** « À appeler »: the appointment's call to a person who prefers a call, made. */
  called: formAction({
    input: z.object({ message: recordId }),
    handler: async ({ message }, viewer, { locals }) => {
      await recordAppointmentCall(locals.runtime.db, { viewer, messageId: message }).catch((e) => {
        if (e instanceof AppointmentNotFoundError)
          throw new FieldRefusal(
            { form: 'Cet appel n’est plus dans la liste (déjà noté par quelqu’un d’autre ?).' },
            { status: 404 },
          );
        throw e;
      });
      return { outcome: 'rendez-vous' };
    },
  }),
  /** Cancelling tells the person: never one stray click (the box is ticked on purpose). */
  cancel: formAction({
    input: onAppointment.extend({
      confirme: z.literal('1', { error: 'Cochez « Je confirme l’annulation » pour annuler le rendez-vous.' }),
    }),
    handler: async ({ appointment }, viewer, context) => {
      await cancelAppointment(deps(context), { viewer, id: appointment }).catch(refusal);
    },
  }),
  status: formAction({
    input: statusForm.safeExtend(onAppointment.shape),
    handler: async ({ appointment, status }, viewer, { locals }) => {
      await recordStatus(locals.runtime.db, { viewer, id: appointment, status }).catch(refusal);
    },
  }),
  /** A new private calendar feed (the previous one stops working); its address is shown once. */
  feed: formAction({
    input: z.object({}),
    handler: async (_, viewer, { locals }) => ({ token: await createFeed(locals.runtime.db, viewer) }),
  }),
  feedRevoke: formAction({
    input: z.object({}),
    handler: async (_, viewer, { locals }) => {
      await revokeFeed(locals.runtime.db, viewer);
    },
  }),
  /** « Je ne peux pas venir »: the person's link stands for the sign-in (checked by the service). */
  personCancel: publicFormAction({
    input: z.object({ code: z.string().max(64) }),
    handler: async ({ code }, { locals }) => cancelByPerson(locals.runtime.db, locals.runtime.notify, code),
  }),
};
