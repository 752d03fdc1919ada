import { EXTRANET_SERVICE_TOKEN, EXTRANET_URL } from 'astro:env/server';
import { randomUUID } from 'node:crypto';
import type { AstroGlobal } from 'astro';
import { cms } from '../context.ts';
import { issueStamp } from './antibot.ts';
import { type FormKind, shownFields } from './fields.ts';
import { createIntakeClient } from './intake.ts';
import { createRateLimiter } from './rate-limit.ts';
import { deriveKey } from './signing.ts';
import type { FormState, SubmitDeps, SubmitResult } from './submit.ts';

/** Process-wide pieces of the registration forms, built once from the declared environment. */
export const keys = {
  stamp: deriveKey(EXTRANET_SERVICE_TOKEN, 'form-stamp'),
  confirmation: deriveKey(EXTRANET_SERVICE_TOKEN, 'confirmation'),
};

const intake = createIntakeClient({ baseUrl: EXTRANET_URL, token: EXTRANET_SERVICE_TOKEN });

const TEN_MINUTES = 10 * 60 * 1000;
// Generous: a professional at a shared office connection may register several people in a row.
const attempts = createRateLimiter({ limit: 60, windowMs: TEN_MINUTES });
const submissions = createRateLimiter({ limit: 20, windowMs: TEN_MINUTES });

/** The public slug of an event, from the CMS cache (the confirmation page shows its details). */
async function eventSlugOf(documentId: string): Promise<string | undefined> {
  const events = await cms.upcomingEvents();
  return events.find((e) => e.documentId === documentId)?.slug;
}

export function submitDeps(clientAddress: string | undefined): SubmitDeps {
  return {
    stampKey: keys.stamp,
    confirmationKey: keys.confirmation,
    intake,
    attempts,
    submissions,
    clientAddress,
    eventSlugOf,
  };
}

/** A blank form: a new idempotency key and a freshly signed timestamp. */
function newFormState(values: Record<string, string> = {}): FormState {
  return { values: { ...values, idempotencyKey: randomUUID() }, errors: {}, stamp: issueStamp(keys.stamp) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PageOutcome = { redirect: string } | { state: FormState; status: number };

/**
 * What a form page does with its action's result: after a success, redirect (POST → redirect →
 * GET) to the confirmation; after a caught bot, to the neutral page; otherwise show the form,
 * blank or as typed with its errors.
 */
function formPage(
  result: { data?: SubmitResult | undefined; error?: unknown } | undefined,
  initial: Record<string, string> = {},
): PageOutcome {
  if (!result) return { state: newFormState(initial), status: 200 };
  const data = result.data;
  if (data?.outcome === 'done') return { redirect: `/confirmation?t=${encodeURIComponent(data.token)}` };
  if (data?.outcome === 'neutral') return { redirect: '/confirmation/merci' };
  if (data?.outcome === 'rate-limited') {
    return {
      status: 429,
      state: {
        ...newFormState(initial),
        notice:
          'Beaucoup de demandes sont parties de votre connexion ces dernières minutes. Attendez un quart d’heure avant de réessayer, ou appelez-nous : nous prendrons votre demande au téléphone.',
      },
    };
  }
  if (data?.outcome === 'retry') {
    const state = { ...data, values: { ...data.values } };
    // A missing or altered key is replaced; a good one is kept so a resubmission stays harmless.
    if (!UUID.test(state.values.idempotencyKey ?? '')) state.values.idempotencyKey = randomUUID();
    return { state, status: 200 };
  }
  // The action itself failed (body too large, unexpected error): start again, say so.
  return {
    status: 400,
    state: {
      ...newFormState(initial),
      notice: 'Votre demande n’a pas pu être lue. Remplissez à nouveau le formulaire, ou appelez-nous.',
    },
  };
}

/**
 * The start of a form page. Never cached by the site or a CDN: every form carries its own key and
 * signed timestamp. Not no-store either, so that "back" shows the same form (same key) instead of
 * a new one. Then the action's outcome (`formPage`): the redirect to return, or the form to show,
 * with the page's fields.
 */
export function openForm(
  page: Pick<AstroGlobal, 'response' | 'redirect'>,
  kind: FormKind,
  result: Parameters<typeof formPage>[0],
  initial: Record<string, string> = {},
): Response | { state: FormState; status: number; hasErrors: boolean; fields: readonly string[] } {
  page.response.headers.set('cache-control', 'private, no-cache');
  const outcome = formPage(result, initial);
  if ('redirect' in outcome) return page.redirect(outcome.redirect, 303);
  return { ...outcome, hasErrors: Object.keys(outcome.state.errors).length > 0, fields: shownFields(kind) };
}
