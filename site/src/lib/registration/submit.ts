import { createHash } from 'node:crypto';
import { fieldErrors, registrationRequest } from '@maillage/contract';
import { checkStamp, honeypotFilled, issueStamp, STAMP_FIELD } from './antibot.ts';
import { type FormKind, type FormValues, fieldOf, nest, readValues, resolveCommune } from './fields.ts';
import type { IntakeClient } from './intake.ts';
import { ipKey, type RateLimiter } from './rate-limit.ts';
import { signConfirmation } from './token.ts';

export interface SubmitDeps {
  stampKey: Buffer;
  confirmationKey: Buffer;
  intake: IntakeClient;
  /** Every post, valid or not (stops floods of garbage). */
  attempts: RateLimiter;
  /** Posts forwarded to the extranet (stops mass registrations). */
  submissions: RateLimiter;
  clientAddress: string | undefined;
  /** Public slug of an event (for the confirmation page); undefined when unknown. */
  eventSlugOf?: (documentId: string) => Promise<string | undefined>;
  now?: number;
}

interface CommuneChoice {
  code: string;
  label: string;
}

/** Everything the form page needs to show itself again, as it was typed, with the errors. */
export interface FormState {
  values: FormValues;
  /** field name → French message */
  errors: Record<string, string>;
  /** A message about the whole form, shown at the top. */
  notice?: string;
  stamp: string;
  communeChoices?: CommuneChoice[];
  /** The session is full: the form offers the waiting list. */
  full?: boolean;
  /** The session is closed or cancelled: the page says so and points to the next one. */
  closed?: boolean;
}

export type SubmitResult =
  | { outcome: 'done'; token: string; reference: string }
  | { outcome: 'neutral' }
  | { outcome: 'rate-limited' }
  | ({ outcome: 'retry' } & FormState);

const UNAVAILABLE =
  'Votre demande n’a pas pu être enregistrée pour le moment, à cause d’un problème de notre côté. Vos réponses sont gardées : réessayez dans quelques minutes, ou appelez-nous.';

export const TOO_FAST =
  'Votre demande n’est pas encore envoyée : le formulaire a été rempli très vite. Vérifiez vos réponses, puis appuyez à nouveau sur le bouton pour confirmer.';

/**
 * The whole submission of a public form: anti-bot checks, then the extranet's contract, then the
 * intake API. Nothing is sent to the extranet unless every check passed.
 */
export async function submitRegistration(
  form: FormData,
  kind: FormKind,
  deps: SubmitDeps,
): Promise<SubmitResult> {
  const now = deps.now ?? Date.now();
  const ip = ipKey(deps.clientAddress);
  if (!deps.attempts.hit(ip, now)) return { outcome: 'rate-limited' };
  if (honeypotFilled(form)) return { outcome: 'neutral' };
  const stamp = form.get(STAMP_FIELD);
  const stampCheck = checkStamp(deps.stampKey, stamp, now);
  if (stampCheck === 'invalid') return { outcome: 'neutral' };

  const values = readValues(form, kind);
  const state = (extra: Partial<FormState>): { outcome: 'retry' } & FormState => ({
    outcome: 'retry',
    values,
    errors: {},
    stamp: stampCheck === 'expired' ? issueStamp(deps.stampKey, now) : (stamp as string),
    ...extra,
  });
  // Sent sooner than the minimum fill time: often a person with browser autofill, not a robot.
  // Nothing is sent yet and nothing is lost: the same form comes back, answers kept, and sending
  // it again confirms (the original stamp is old enough by then). Only the honeypot, which people
  // never see, gets the silent "thank you".
  if (stampCheck === 'too-fast') return state({ notice: TOO_FAST });
  if (stampCheck === 'expired') {
    return state({
      notice: 'La page était ouverte depuis longtemps. Vérifiez vos réponses, puis envoyez à nouveau.',
    });
  }

  const { request, errors, communeChoices } = buildRequest(values, kind);
  const parsed = registrationRequest.safeParse(request);
  if (!parsed.success) {
    for (const [path, message] of Object.entries(fieldErrors(parsed.error))) {
      const field = fieldOf(path);
      if (!(field in errors)) errors[field] = message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) {
    return state({ errors, ...(communeChoices ? { communeChoices } : {}) });
  }

  if (!deps.submissions.hit(ip, now)) return { outcome: 'rate-limited' };
  // What the contract produced (normalised phone, booleans, defaults) is what the extranet gets;
  // it validates it again with the same schema.
  const answer = await deps.intake.submit({ ...parsed.data, idempotencyKey: requestKey(parsed.data) });
  switch (answer.type) {
    case 'ok': {
      const requestKind = parsed.data.kind;
      let eventSlug =
        values.eventSlug && /^[a-z0-9-]{1,200}$/.test(values.eventSlug) ? values.eventSlug : undefined;
      if (!eventSlug && requestKind === 'event' && values.eventId && deps.eventSlugOf) {
        eventSlug = await deps.eventSlugOf(values.eventId).catch(() => undefined);
      }
      // As chosen on the form: the contract's default ("appel") is not the person's choice.
      const contact = values.preferredContact;
      const token = signConfirmation(
        deps.confirmationKey,
        {
          r: answer.reference,
          s: answer.status,
          k: requestKind,
          ...(eventSlug ? { e: eventSlug } : {}),
          ...(contact === 'appel' || contact === 'sms' || contact === 'email' || contact === 'sms-email'
            ? { c: contact }
            : {}),
          ...(kind === 'prescriber' ? { p: 1 as const } : {}),
        },
        now,
      );
      return { outcome: 'done', token, reference: answer.reference };
    }
    case 'invalid': {
      const fromServer: Record<string, string> = {};
      for (const [path, message] of Object.entries(answer.fieldErrors)) fromServer[fieldOf(path)] ??= message;
      return state({ errors: Object.keys(fromServer).length ? fromServer : { form: UNAVAILABLE } });
    }
    case 'full':
      return state({
        full: true,
        errors: {
          acceptWaitlist:
            'La session est complète. Cochez cette case pour vous inscrire sur la liste d’attente : nous vous prévenons si une place se libère.',
        },
      });
    case 'closed':
      return state({ closed: true, notice: 'Les inscriptions à cette session sont fermées.' });
    case 'unavailable':
      return state({ notice: UNAVAILABLE });
  }
}

/**
 * The idempotency key sent to the extranet: the form's hidden key combined with who and what is
 * asked. A double tap or a back-and-resubmit of the same request keeps the same key (one
 * registration, same reference); a professional who goes back and changes the person (another
 * phone number) or the session gets a new one, so the second person is not silently dropped.
 */
function requestKey(r: {
  idempotencyKey: string;
  phone: string;
  kind: string;
  eventId?: string | undefined;
}): string {
  const h = createHash('sha256')
    .update(`${r.idempotencyKey}|${r.phone}|${r.kind}|${r.eventId ?? ''}`)
    .digest('hex');
  // Shaped as an RFC 9562 UUID (version 8: custom), as the contract expects.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The contract's request object from what was typed. Also returns the errors found on the way
 * (the commune, what the professional asks for), which the contract cannot see.
 */
function buildRequest(
  values: FormValues,
  kind: FormKind,
): { request: Record<string, unknown>; errors: Record<string, string>; communeChoices?: CommuneChoice[] } {
  const errors: Record<string, string> = {};
  let communeChoices: CommuneChoice[] | undefined;
  const flat: Record<string, unknown> = {};
  const skip = new Set(['commune', 'communeChoice', 'eventSlug', 'request']);
  for (const [name, value] of Object.entries(values)) {
    if (skip.has(name) || name.startsWith('source.')) continue;
    flat[name] = value;
  }

  let requestKind: 'event' | 'support' | 'callback';
  if (kind === 'prescriber') {
    const asked = values.request;
    if (asked === 'event' || asked === 'support') requestKind = asked;
    else {
      errors.request = 'Choisissez ce que vous demandez pour la personne : une session ou un accompagnement.';
      requestKind = 'support';
    }
    flat.source = {
      type: 'prescriber',
      name: values['source.name'] ?? '',
      organisation: values['source.organisation'] ?? '',
      phone: values['source.phone'] ?? '',
      email: values['source.email'] ?? '',
      // The contract wants `true` itself: only a ticked box ("on") is consent.
      personConsent: values['source.personConsent'] === 'on' || values['source.personConsent'] === 'true',
      keepInformed: values['source.keepInformed'] === 'on' || values['source.keepInformed'] === 'true',
    };
    if (requestKind !== 'event') {
      delete flat.eventId;
      delete flat.acceptWaitlist;
    }
    if (requestKind !== 'support') delete flat.projectIdea;
  } else {
    requestKind = kind;
    flat.source = { type: 'self' };
  }
  flat.kind = requestKind;

  const commune = resolveCommune(values.commune, values.communeChoice, requestKind === 'support');
  if (commune.ok) {
    if (commune.commune) {
      flat.communeInsee = commune.commune.code;
      flat.communeName = commune.commune.nom;
    }
  } else {
    errors.commune = commune.error;
    if (commune.choices.length) {
      communeChoices = commune.choices.map((c) => ({
        code: c.code,
        label: `${c.nom} (${c.codesPostaux[0] ?? c.departement})`,
      }));
    }
  }
  const { source, ...rest } = flat;
  return { request: { ...nest(rest), source }, errors, ...(communeChoices ? { communeChoices } : {}) };
}
