import type { PreferredContact } from '@maillage/contract';
import { formatSlot } from '@maillage/platform/dates';
import type { NotificationContext, RenderedMail } from '../types.ts';
import {
  contactBlock,
  eventFacts,
  eventLabel,
  nextStepsByKind,
  personShortName,
  referenceLine,
  sortSlots,
  whatLabel,
} from './common.ts';
import { type Block, facts, link, mail, p } from './render.ts';

// The message's own words for the channel (the extranet's labels say « E-mail »).
const CONTACT_WORD: Record<PreferredContact, string> = {
  appel: 'Appel',
  sms: 'SMS',
  email: 'Courriel',
  'sms-email': 'SMS et courriel',
};

const prescriberNextSteps = {
  event: 'Un·e conseiller·e regarde la demande et donne une réponse sous 2 jours ouvrés.',
  support: 'Un·e conseiller·e contacte la personne sous 5 jours ouvrés pour parler de son projet.',
  callback: 'Un·e conseiller·e rappelle la personne sous 2 jours ouvrés.',
} as const;

/** Receipt to the person who registered (only if they gave an email). */
export function receiptToPerson(ctx: NotificationContext): RenderedMail | null {
  const { person, registration: r } = ctx;
  if (!person.email) return null;
  const subject =
    r.kind === 'event'
      ? `Demande d'inscription bien reçue — ${r.reference}`
      : r.kind === 'support'
        ? `Demande d'accompagnement bien reçue — ${r.reference}`
        : `Demande d'appel bien reçue — ${r.reference}`;
  const blocks: Block[] = [
    p(`Bonjour ${person.firstName},`),
    // Not the professional's name or organisation: anyone can type them in a public form, and
    // this message goes to an address of their choosing.
    p(
      r.source === 'prescriber'
        ? `Un·e professionnel·le de l'emploi ou de l'insertion a fait pour vous ${whatLabel(r)}. Nous l'avons bien reçue.`
        : `Nous avons bien reçu ${whatLabel(r)}.`,
    ),
    ...(r.status === 'waitlisted'
      ? [
          p(
            "La session est complète : vous êtes sur la liste d'attente. Si une place se libère, nous vous prévenons.",
          ),
        ]
      : []),
    p(nextStepsByKind[r.kind]),
    ...(r.kind === 'event' && r.event ? eventFacts(r.event) : []),
    referenceLine(r),
    contactBlock(ctx),
    p(`À bientôt,\n${ctx.team.name}`),
  ];
  return mail(ctx, 'receipt', person.email, subject, blocks);
}

/** Receipt to the professional who registered someone on their behalf. */
export function receiptToPrescriber(ctx: NotificationContext): RenderedMail | null {
  const { person, registration: r } = ctx;
  const prescriber = r.prescriber;
  if (r.source !== 'prescriber' || !prescriber?.email) return null;
  const who = personShortName(person);
  const blocks: Block[] = [
    p(`Bonjour ${prescriber.name},`),
    p(`Nous avons bien reçu ${whatLabel(r)} que vous avez faite pour ${who}.`),
    ...(r.status === 'waitlisted'
      ? [p("La session est complète : la personne est sur la liste d'attente.")]
      : []),
    p(`${prescriberNextSteps[r.kind]} Nous vous tiendrons au courant de la réponse.`),
    ...(r.kind === 'event' && r.event ? eventFacts(r.event) : []),
    p(`Numéro de dossier : ${r.reference}.`),
    contactBlock(ctx),
    p(`Cordialement,\n${ctx.team.name}`),
  ];
  return mail(
    ctx,
    'prescriber-receipt',
    prescriber.email,
    // Subjects carry no text typed in a form (names included): only our words and the reference.
    `Demande reçue — ${r.reference}`,
    blocks,
  );
}

/**
 * New request to the territory's advisors. On purpose it carries no personal data (no name, no
 * phone, no situation): mailboxes are not the extranet. The advisor opens the request there.
 */
export function newRequestToAdvisors(
  ctx: NotificationContext,
  advisorEmail: string,
  requestUrl?: string,
): RenderedMail {
  const r = ctx.registration;
  const kindLabel = {
    event: 'Inscription à une session',
    support: "Demande d'accompagnement",
    callback: "Demande d'appel",
  }[r.kind];
  const first = r.event ? sortSlots(r.event.slots)[0] : undefined;
  const blocks: Block[] = [
    p('Bonjour,'),
    p(
      `Une nouvelle demande est arrivée pour ${ctx.registration.event?.territoryName ?? 'votre territoire'}.`,
    ),
    facts([
      ['Dossier', r.reference],
      ['Type', kindLabel],
      ['Session', r.event ? eventLabel(r.event) : null],
      ['Début', first ? formatSlot(first) : null],
      [
        'Origine',
        r.source === 'prescriber' && r.prescriber
          ? `Un·e professionnel·le (${r.prescriber.organisation})`
          : 'La personne elle-même',
      ],
      ['Contact souhaité', CONTACT_WORD[ctx.person.preferredContact]],
      ['État', r.status === 'waitlisted' ? "Liste d'attente (session complète)" : 'À traiter'],
    ]),
    link('Ouvrir la demande dans l’extranet', requestUrl ?? `${ctx.links.extranetUrl.replace(/\/$/, '')}/`),
    p('Ce message ne contient pas de données personnelles : elles restent dans l’extranet.'),
  ];
  return mail(ctx, 'new-request', advisorEmail, `Nouvelle demande à traiter — ${r.reference}`, blocks);
}
