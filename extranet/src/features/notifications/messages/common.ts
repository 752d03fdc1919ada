import { formatSlot } from '@maillage/platform/dates';
import { formatPhone } from '@maillage/platform/phone';
import type { EventView, NotificationContext, RegistrationView, SlotView, VenueView } from '../types.ts';
import { type Block, facts, h, link, list, p } from './render.ts';

/** The half-days in calendar order. */
export function sortSlots(slots: SlotView[]): SlotView[] {
  return [...slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start));
}

function formatVenue(venue: VenueView): string {
  return `${venue.name}, ${venue.address}, ${venue.postcode} ${venue.commune}`;
}

// Session titles in the CMS already say what and where ("Parcours création au Cateau-Cambrésis").
export const eventLabel = (e: EventView) => e.title;

export function whatLabel(r: RegistrationView): string {
  if (r.kind === 'event' && r.event) return `l'inscription à « ${eventLabel(r.event)} »`;
  if (r.kind === 'support') return "la demande d'accompagnement pour un projet";
  return "la demande d'appel";
}

export function eventFacts(e: EventView): Block[] {
  const slots = sortSlots(e.slots);
  const access = [
    e.venue.accessNotes,
    e.venue.stepFreeAccess ? 'Accès de plain-pied (sans marche).' : null,
  ].filter(Boolean) as string[];
  return [
    h(slots.length > 1 ? `Les ${slots.length} demi-journées` : 'La date'),
    list(slots.map(formatSlot)),
    h('Le lieu'),
    facts([
      ['Adresse', formatVenue(e.venue)],
      ['Accès', access.join('\n') || null],
    ]),
  ];
}

export function contactBlock(ctx: NotificationContext): Block {
  return p(
    ctx.team.phone
      ? `Une question ? Appelez ${ctx.team.name} au ${formatPhone(ctx.team.phone)}, ou répondez simplement à ce message.`
      : 'Une question ? Répondez simplement à ce message.',
  );
}

export const referenceLine = (r: RegistrationView) =>
  p(`Votre numéro de dossier : ${r.reference}. Gardez-le : il nous aide à vous retrouver.`);

export const nextStepsByKind = {
  event:
    'Un·e conseiller·e regarde votre demande et vous donne une réponse sous 2 jours ouvrés (du lundi au vendredi).',
  support:
    'Un·e conseiller·e vous contacte sous 5 jours ouvrés pour parler de votre projet, sans engagement.',
  callback: 'Un·e conseiller·e vous rappelle sous 2 jours ouvrés, en journée.',
} as const;

/** What to bring to a session: in the confirmation and in the reminder. */
export const whatToBring = (): Block[] => [
  h('Ce qu’il faut apporter'),
  list([
    'De quoi écrire (un carnet et un stylo). Nous fournissons le reste.',
    'Si vous avez une idée de projet, vos notes ou vos questions.',
    'Rien à payer : la session est gratuite.',
  ]),
];

/** "Je ne peux pas venir": the signed link to free one's place without signing in (sessions feature). */
export function cancelLink(r: RegistrationView): Block[] {
  return r.cancelUrl ? [link('Je ne peux pas venir : libérer ma place', r.cancelUrl)] : [];
}

/** " au 03 27 …" or, without a known phone number, " en répondant à ce message". */
export function reach(ctx: NotificationContext): string {
  const number = ctx.team.phone || ctx.team.associationPhone;
  return number ? ` au ${formatPhone(number)}` : ' en répondant à ce message';
}

export function personShortName(person: { firstName: string; lastName?: string | null }): string {
  return person.lastName ? `${person.firstName} ${person.lastName}` : person.firstName;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
