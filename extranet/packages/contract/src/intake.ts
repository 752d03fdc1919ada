/**
 * The registration contract between the public site and the extranet.
 *
 * This module is imported by the site (bundled by Vite, server side only) and by the extranet's
 * intake API: it imports only zod and the phone rule (libphonenumber-js). Every rule carries a
 * French message written for the person filling the form.
 */

import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const NO_MARKUP = /^[^<>]*$/;
const NO_MARKUP_MESSAGE = 'Les signes < et > ne sont pas acceptés.';

/** Empty strings sent by HTML forms count as "not given". */
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function text(label: string, max: number) {
  return z
    .string({ error: `${label} : texte attendu.` })
    .trim()
    .max(max, { error: `${label} : ${max} caractères au maximum.` })
    .regex(NO_MARKUP, { error: NO_MARKUP_MESSAGE });
}

function requiredText(message: string, label: string, max: number) {
  return z.preprocess(
    (v) => (v === undefined || v === null ? '' : v),
    text(label, max).min(1, { error: message }),
  );
}

function optionalText(label: string, max: number) {
  return z.preprocess(emptyToUndefined, text(label, max).optional());
}

const phone = z
  .string({ error: 'Indiquez votre numéro de téléphone.' })
  .trim()
  .min(1, { error: 'Indiquez votre numéro de téléphone.' })
  .max(30, { error: 'Le numéro de téléphone est trop long.' })
  .transform((value, ctx) => {
    const normalised = normaliseFrenchPhone(value);
    if (!normalised) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: 'Le numéro de téléphone n’est pas un numéro français valide (exemple : 06 12 34 56 78).',
      });
      return z.NEVER;
    }
    return normalised;
  });

const email = z.preprocess(
  emptyToUndefined,
  z
    .email({ error: 'L’adresse e-mail n’est pas valide (exemple : prenom.nom@exemple.fr).' })
    .max(254, { error: 'L’adresse e-mail est trop longue.' })
    .transform((v) => v.toLowerCase())
    .optional(),
);

const yesNoUnknown = z.enum(['oui', 'non', 'ne-se-prononce-pas'], {
  error: 'Choisissez « oui », « non » ou « je préfère ne pas répondre ».',
});

/** Checkbox values from forms ('on', 'true') and JSON booleans. */
const checkbox = z.preprocess(
  (v) =>
    v === 'on' || v === 'true' || v === '1' ? true : v === 'false' || v === '0' || v === '' ? false : v,
  z.boolean({ error: 'Réponse oui/non attendue.' }),
);

export const situationSchema = z.object(
  {
    rsa: yesNoUnknown.default('ne-se-prononce-pas'),
    jobSeeker: yesNoUnknown.default('ne-se-prononce-pas'),
  },
  { error: 'Situation invalide.' },
);

export const needsSchema = z.object(
  {
    transport: checkbox.default(false),
    childcare: checkbox.default(false),
    accessibility: checkbox.default(false),
    details: optionalText('Précisions sur vos besoins', 500),
  },
  { error: 'Besoins invalides.' },
);

export const preferredContactSchema = z.enum(['appel', 'sms', 'email', 'sms-email'], {
  error: 'Choisissez comment vous préférez être contacté·e : appel, SMS, e-mail, ou SMS et e-mail.',
});

const communeInsee = z.preprocess(
  emptyToUndefined,
  z
    .string({ error: 'Choisissez votre commune dans la liste.' })
    .regex(/^(\d{5}|2[AB]\d{3})$/, { error: 'Choisissez votre commune dans la liste.' })
    .optional(),
);

export const prescriberSourceSchema = z
  .object({
    type: z.literal('prescriber'),
    name: requiredText('Indiquez votre nom.', 'Votre nom', 120),
    organisation: requiredText(
      'Indiquez votre structure (France Travail, Mission locale…).',
      'Structure',
      160,
    ),
    phone: z.preprocess(emptyToUndefined, phone.optional()),
    email,
    personConsent: z.literal(true, {
      error: 'Confirmez que la personne est d’accord pour que vous l’inscriviez.',
    }),
    /** The professional asks to be told, at the end of a Parcours, whether the person came. */
    keepInformed: checkbox.default(false),
  })
  .refine((s) => Boolean(s.phone || s.email), {
    error: 'Indiquez votre téléphone ou votre e-mail pour que nous puissions vous répondre.',
    path: ['phone'],
  });

export const sourceSchema = z.discriminatedUnion(
  'type',
  [z.object({ type: z.literal('self') }), prescriberSourceSchema],
  { error: 'Indiquez qui fait la demande.' },
);

const common = {
  idempotencyKey: z.uuid({ error: 'Le formulaire a expiré. Rechargez la page et réessayez.' }),
  firstName: requiredText('Indiquez votre prénom.', 'Prénom', 80),
  phone,
  email,
  situation: situationSchema.default({ rsa: 'ne-se-prononce-pas', jobSeeker: 'ne-se-prononce-pas' }),
  needs: needsSchema.default({ transport: false, childcare: false, accessibility: false }),
  preferredContact: preferredContactSchema.default('appel'),
  message: optionalText('Message', 2000),
  source: sourceSchema.default({ type: 'self' }),
};

const lastName = requiredText('Indiquez votre nom.', 'Nom', 80);
const communeName = optionalText('Commune', 100);

function emailWhenChosen(
  value: { preferredContact: string; email?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((value.preferredContact === 'email' || value.preferredContact === 'sms-email') && !value.email) {
    ctx.addIssue({
      code: 'custom',
      path: ['email'],
      message: 'Indiquez votre adresse e-mail pour être contacté·e par e-mail.',
    });
  }
}

export const eventRegistrationRequest = z
  .object({
    kind: z.literal('event'),
    ...common,
    lastName,
    communeInsee,
    communeName,
    eventId: z
      .string({ error: 'Choisissez une session.' })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'Choisissez une session.' }),
    acceptWaitlist: z.preprocess(emptyToUndefined, checkbox.optional()),
  })
  .superRefine(emailWhenChosen);

export const supportRequest = z
  .object({
    kind: z.literal('support'),
    ...common,
    lastName,
    communeInsee: z.preprocess(
      (v) => (v === undefined || v === null ? '' : v),
      z
        .string({ error: 'Choisissez votre commune dans la liste.' })
        .regex(/^(\d{5}|2[AB]\d{3})$/, { error: 'Choisissez votre commune dans la liste.' }),
    ),
    communeName,
    projectIdea: requiredText('Décrivez votre idée de projet en quelques mots.', 'Idée de projet', 2000),
  })
  .superRefine(emailWhenChosen);

export const callbackRequest = z
  .object({
    kind: z.literal('callback'),
    ...common,
    lastName: optionalText('Nom', 80),
    communeInsee,
    communeName,
  })
  .superRefine(emailWhenChosen);

/** A request sent by the site to `POST /api/intake/registrations`. */
export const registrationRequest = z.discriminatedUnion(
  'kind',
  [eventRegistrationRequest, supportRequest, callbackRequest],
  { error: 'Type de demande inconnu.' },
);

export type RegistrationRequest = z.infer<typeof registrationRequest>;
export type RegistrationRequestInput = z.input<typeof registrationRequest>;
export type EventRegistrationRequest = z.infer<typeof eventRegistrationRequest>;
export type SupportRequest = z.infer<typeof supportRequest>;
export type CallbackRequest = z.infer<typeof callbackRequest>;
export type RegistrationKind = RegistrationRequest['kind'];
export type RegistrationSource = z.infer<typeof sourceSchema>;
export type PreferredContact = z.infer<typeof preferredContactSchema>;

// ---------------------------------------------------------------------------------------------
// Answers of the intake API and the availability API
// ---------------------------------------------------------------------------------------------

export const registrationStatus = z.enum(['received', 'accepted', 'waitlisted', 'declined', 'cancelled']);
export type RegistrationStatus = z.infer<typeof registrationStatus>;

export const intakeAccepted = z.object({
  reference: z.string().regex(/^MAI-\d{4}-\d{6}$/),
  status: z.enum(['received', 'waitlisted']),
});
export type IntakeAccepted = z.infer<typeof intakeAccepted>;

export const intakeError = z.object({
  error: z.enum(['invalid', 'event_full', 'event_closed', 'unauthorized', 'unavailable']),
  fieldErrors: z.record(z.string(), z.string()).optional(),
});
export type IntakeError = z.infer<typeof intakeError>;

export const availabilityEntry = z.object({
  capacity: z.number().int().nonnegative(),
  taken: z.number().int().nonnegative(),
  left: z.number().int().nonnegative(),
  waitlistOpen: z.boolean(),
  registrationOpen: z.boolean(),
});
export type AvailabilityEntry = z.infer<typeof availabilityEntry>;
/** `GET /api/public/availability/<documentId>` answers one entry; `GET /api/public/availability` all of them. */
export const availabilityResponse = z.object({ events: z.record(z.string(), availabilityEntry) });
export type AvailabilityResponse = z.infer<typeof availabilityResponse>;

/**
 * Turns a ZodError into `{ "field": "message" }` with dotted paths (`source.name`, `needs.details`).
 * Keeps the first message of each field, which is the most basic rule that failed.
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : 'form';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}
