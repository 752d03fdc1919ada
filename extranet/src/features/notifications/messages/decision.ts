import { eventCalendar } from '../ics.ts';
import type { MailAttachment, NotificationContext, RenderedMail } from '../types.ts';
import {
  cancelLink,
  capitalize,
  contactBlock,
  eventFacts,
  eventLabel,
  personShortName,
  reach,
  referenceLine,
  whatLabel,
  whatToBring,
} from './common.ts';
import { type Block, facts, h, list, mail, p } from './render.ts';

function alternatives(ctx: NotificationContext): Block[] {
  const site = ctx.links.siteUrl.replace(/\/$/, '');
  return [
    h('Ce qui existe aussi'),
    list([
      `Les autres sessions près de chez vous : ${site}/agenda`,
      `Un accompagnement individuel pour un projet : ${site}/idee-de-projet`,
      `Être rappelé·e par un·e conseiller·e : ${site}/etre-rappele`,
    ]),
  ];
}

function decisionBlocks(
  ctx: NotificationContext,
  audience: 'person' | 'prescriber',
): { subject: string; blocks: Block[]; ics: boolean } {
  const r = ctx.registration;
  const e = r.event;
  const you = audience === 'person';
  const who = personShortName(ctx.person);
  const title = e ? eventLabel(e) : null;
  switch (r.status) {
    case 'accepted': {
      if (r.kind === 'event' && e) {
        return {
          subject: you ? `Votre place est confirmée : ${title}` : `Place confirmée : ${title}`,
          ics: true,
          blocks: [
            p(
              you
                ? `Bonne nouvelle : votre place est confirmée pour « ${title} ».`
                : `Bonne nouvelle : la place de ${who} est confirmée pour « ${title} ».`,
            ),
            ...eventFacts(e),
            ...whatToBring(),
            ...(e.practicalNotes ? [h('Bon à savoir'), p(e.practicalNotes)] : []),
            p(
              you
                ? 'Les dates sont dans le fichier joint (agenda.ics) : ouvrez-le pour les ajouter à votre agenda. Nous vous enverrons aussi un rappel 2 jours avant.'
                : 'Le fichier joint (agenda.ics) contient les dates. La personne recevra un rappel 2 jours avant.',
            ),
            p(
              you
                ? `Si vous ne pouvez pas venir, prévenez-nous${reach(ctx)} : votre place ira à quelqu'un d'autre.`
                : `En cas d'empêchement, merci de nous prévenir${reach(ctx)}.`,
            ),
            ...(you ? cancelLink(r) : []),
          ],
        };
      }
      return {
        subject: you ? 'Votre demande est acceptée' : 'Demande acceptée',
        ics: false,
        blocks: [
          p(
            you
              ? `Bonne nouvelle : ${whatLabel(r)} est acceptée. Un·e conseiller·e vous contacte très vite pour fixer un premier rendez-vous.`
              : `${capitalize(whatLabel(r))} pour ${who} est acceptée. Un·e conseiller·e contacte la personne pour fixer un premier rendez-vous.`,
          ),
        ],
      };
    }
    case 'waitlisted':
      return {
        subject: you
          ? `Liste d'attente : ${title ?? 'votre demande'}`
          : `Liste d'attente : ${title ?? 'la demande'}`,
        ics: false,
        blocks: [
          p(
            you
              ? `La session « ${title} » est complète. Vous êtes sur la liste d'attente : si une place se libère, nous vous prévenons tout de suite.`
              : `La session « ${title} » est complète. ${who} est sur la liste d'attente : nous vous prévenons si une place se libère.`,
          ),
          ...(e ? eventFacts(e) : []),
          ...alternatives(ctx),
        ],
      };
    case 'declined':
      return {
        subject: you ? `Votre demande : ${title ?? 'notre réponse'}` : `Réponse : ${title ?? 'demande'}`,
        ics: false,
        blocks: [
          p(
            you
              ? `Nous ne pouvons pas donner suite à ${whatLabel(r)}.`
              : `Nous ne pouvons pas donner suite à ${whatLabel(r)} pour ${who}.`,
          ),
          ...(r.decisionReason ? [facts([['La raison', r.decisionReason]])] : []),
          p('Ce n’est pas la fin : d’autres solutions existent, et nous pouvons en parler ensemble.'),
          ...alternatives(ctx),
        ],
      };
    case 'cancelled':
      return {
        subject: you
          ? `Inscription annulée : ${title ?? 'votre demande'}`
          : `Inscription annulée : ${title ?? 'la demande'}`,
        ics: false,
        blocks: [
          p(
            you
              ? `${capitalize(whatLabel(r))} est annulée.`
              : `${capitalize(whatLabel(r))} pour ${who} est annulée.`,
          ),
          ...(r.decisionReason ? [facts([['La raison', r.decisionReason]])] : []),
          ...alternatives(ctx),
        ],
      };
    default:
      throw new Error(`No decision message for status ${r.status}`);
  }
}

function calendarAttachment(ctx: NotificationContext): MailAttachment[] {
  const e = ctx.registration.event;
  if (!e) return [];
  return [
    {
      filename: 'agenda.ics',
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
      content: eventCalendar(
        e,
        ctx.team.email ? { organizer: { name: ctx.team.name, email: ctx.team.email } } : {},
      ),
    },
  ];
}

/** Decision (accepted, waiting list, declined, cancelled) to the person, if they gave an email. */
export function decisionToPerson(ctx: NotificationContext): RenderedMail | null {
  if (!ctx.person.email) return null;
  const { subject, blocks, ics } = decisionBlocks(ctx, 'person');
  return mail(
    ctx,
    'decision',
    ctx.person.email,
    subject,
    [
      p(`Bonjour ${ctx.person.firstName},`),
      ...blocks,
      referenceLine(ctx.registration),
      contactBlock(ctx),
      p(`À bientôt,\n${ctx.team.name}`),
    ],
    ics ? calendarAttachment(ctx) : [],
  );
}

/** Decision to the professional who registered the person. */
export function decisionToPrescriber(ctx: NotificationContext): RenderedMail | null {
  const prescriber = ctx.registration.prescriber;
  if (ctx.registration.source !== 'prescriber' || !prescriber?.email) return null;
  const { subject, blocks, ics } = decisionBlocks(ctx, 'prescriber');
  return mail(
    ctx,
    'prescriber-decision',
    prescriber.email,
    `${subject} — ${ctx.registration.reference}`,
    [
      p(`Bonjour ${prescriber.name},`),
      ...blocks,
      p(`Numéro de dossier : ${ctx.registration.reference}.`),
      contactBlock(ctx),
      p(`Cordialement,\n${ctx.team.name}`),
    ],
    ics ? calendarAttachment(ctx) : [],
  );
}
