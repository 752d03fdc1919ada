import { escapeHtml } from '../../contract/html.ts';
import { formatDay, formatPhone, formatSlot, formatTime, formatVenue, sortSlots } from './format.ts';
import { eventCalendar } from './ics.ts';
import type {
  EventView,
  MailAttachment,
  MessageTemplate,
  NotificationContext,
  RegistrationView,
  RenderedMail,
} from './types.ts';

/**
 * Every message is written once as a list of blocks and rendered twice (plain text and HTML), so
 * both versions always say the same thing. Plain French, short sentences, "vous".
 */
type Block =
  | { kind: 'p'; text: string }
  | { kind: 'h'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'facts'; rows: Array<[string, string]> }
  | { kind: 'link'; label: string; url: string };

const p = (text: string): Block => ({ kind: 'p', text });
const h = (text: string): Block => ({ kind: 'h', text });
const list = (items: string[]): Block => ({ kind: 'list', items });
const facts = (rows: Array<[string, string | null | undefined]>): Block => ({
  kind: 'facts',
  rows: rows.filter((r): r is [string, string] => Boolean(r[1])),
});
const link = (label: string, url: string): Block => ({ kind: 'link', label, url });

function renderText(blocks: Block[]): string {
  return `${blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
          return b.text;
        case 'h':
          return `${b.text}\n${'-'.repeat(Math.min(b.text.length, 60))}`;
        case 'list':
          return b.items.map((i) => `- ${i}`).join('\n');
        case 'facts':
          return b.rows.map(([k, v]) => `${k} : ${v}`).join('\n');
        case 'link':
          return `${b.label} : ${b.url}`;
        default:
          return '';
      }
    })
    .join('\n\n')}\n`;
}

function renderHtml(subject: string, blocks: Block[]): string {
  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
          return `<p style="margin:0 0 16px">${escapeHtml(b.text).replace(/\n/g, '<br>')}</p>`;
        case 'h':
          return `<h2 style="font-size:18px;margin:24px 0 8px">${escapeHtml(b.text)}</h2>`;
        case 'list':
          return `<ul style="margin:0 0 16px;padding-left:20px">${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
        case 'facts':
          return `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${b.rows
            .map(
              ([k, v]) =>
                `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:4px 12px 4px 0;font-weight:bold">${escapeHtml(k)}</th><td style="padding:4px 0">${escapeHtml(v).replace(/\n/g, '<br>')}</td></tr>`,
            )
            .join('')}</table>`;
        case 'link':
          return `<p style="margin:0 0 16px"><a href="${escapeHtml(b.url)}" style="color:#0b4f8a">${escapeHtml(b.label)}</a></p>`;
        default:
          return '';
      }
    })
    .join('\n');
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
<div style="max-width:600px;margin:0 auto;padding:24px">
${body}
</div>
</body>
</html>
`;
}

function mail(
  ctx: NotificationContext,
  template: MessageTemplate,
  to: string,
  subject: string,
  blocks: Block[],
  attachments: MailAttachment[] = [],
): RenderedMail {
  return {
    template,
    to,
    from: { name: ctx.team.name, address: ctx.mailFrom || ctx.team.email },
    // Until the team's contacts are known (CMS never reached), replies go to the sender address.
    replyTo: ctx.team.email || ctx.mailFrom || '',
    subject,
    text: renderText(blocks),
    html: renderHtml(subject, blocks),
    attachments,
  };
}

// Session titles in the CMS already say what and where ("Parcours création au Cateau-Cambrésis").
const eventLabel = (e: EventView) => e.title;

function whatLabel(r: RegistrationView): string {
  if (r.kind === 'event' && r.event) return `l'inscription à « ${eventLabel(r.event)} »`;
  if (r.kind === 'support') return "la demande d'accompagnement pour un projet";
  return "la demande d'appel";
}

function eventFacts(e: EventView): Block[] {
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

function contactBlock(ctx: NotificationContext): Block {
  return p(
    ctx.team.phone
      ? `Une question ? Appelez ${ctx.team.name} au ${formatPhone(ctx.team.phone)}, ou répondez simplement à ce message.`
      : 'Une question ? Répondez simplement à ce message.',
  );
}

const referenceLine = (r: RegistrationView) =>
  p(`Votre numéro de dossier : ${r.reference}. Gardez-le : il nous aide à vous retrouver.`);

const nextStepsByKind = {
  event:
    'Un·e conseiller·e regarde votre demande et vous donne une réponse sous 2 jours ouvrés (du lundi au vendredi).',
  support:
    'Un·e conseiller·e vous contacte sous 5 jours ouvrés pour parler de votre projet, sans engagement.',
  callback: 'Un·e conseiller·e vous rappelle sous 2 jours ouvrés, en journée.',
} as const;

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
      ['Contact souhaité', { phone: 'Appel', sms: 'SMS', email: 'Courriel' }[ctx.person.preferredContact]],
      ['État', r.status === 'waitlisted' ? "Liste d'attente (session complète)" : 'À traiter'],
    ]),
    link('Ouvrir la demande dans l’extranet', requestUrl ?? `${ctx.links.extranetUrl.replace(/\/$/, '')}/`),
    p('Ce message ne contient pas de données personnelles : elles restent dans l’extranet.'),
  ];
  return mail(ctx, 'new-request', advisorEmail, `Nouvelle demande à traiter — ${r.reference}`, blocks);
}

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

const WHAT_TO_BRING = [
  'De quoi écrire (un carnet et un stylo). Nous fournissons le reste.',
  'Si vous avez une idée de projet, vos notes ou vos questions.',
  'Rien à payer : la session est gratuite.',
];

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
            h('Ce qu’il faut apporter'),
            list(WHAT_TO_BRING),
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

/** Reminder two days before the first half-day, to an accepted person with an email. */
export function reminderToPerson(ctx: NotificationContext): RenderedMail | null {
  const e = ctx.registration.event;
  if (!ctx.person.email || !e) return null;
  const first = sortSlots(e.slots)[0];
  if (!first) return null;
  return mail(
    ctx,
    'reminder',
    ctx.person.email,
    `Rappel : « ${eventLabel(e)} » commence ${formatDay(first.date)}`,
    [
      p(`Bonjour ${ctx.person.firstName},`),
      p(
        `Petit rappel : la session « ${eventLabel(e)} » commence ${formatDay(first.date)} à ${formatTime(first.start)}.`,
      ),
      ...eventFacts(e),
      h('Ce qu’il faut apporter'),
      list(WHAT_TO_BRING),
      p(`Vous ne pouvez pas venir ? Prévenez-nous${reach(ctx)}.`),
      ...cancelLink(ctx.registration),
      referenceLine(ctx.registration),
      p(`À bientôt,\n${ctx.team.name}`),
    ],
  );
}

/** "Je ne peux pas venir": the signed link to free one's place without signing in (sessions feature). */
function cancelLink(r: RegistrationView): Block[] {
  return r.cancelUrl ? [link('Je ne peux pas venir : libérer ma place', r.cancelUrl)] : [];
}

/**
 * End of a Parcours, to the professional who asked to be kept informed: whether the person came,
 * nothing else (never notes, never free text).
 */
export function parcoursEndToPrescriber(ctx: NotificationContext, attended: boolean): RenderedMail | null {
  const r = ctx.registration;
  const prescriber = r.prescriber;
  const e = r.event;
  if (r.source !== 'prescriber' || !prescriber?.email || !e) return null;
  const who = personShortName(ctx.person);
  const last = sortSlots(e.slots).at(-1);
  return mail(
    ctx,
    'prescriber-parcours-end',
    prescriber.email,
    `Fin de « ${eventLabel(e)} » pour ${who} — ${r.reference}`,
    [
      p(`Bonjour ${prescriber.name},`),
      p(
        `Vous nous avez demandé d'être tenu·e informé·e : la session « ${eventLabel(e)} »${last ? ` s'est terminée le ${formatDay(last.date)}` : ' est terminée'}.`,
      ),
      p(attended ? `${who} y a participé.` : `${who} n'y a pas participé.`),
      p(`Numéro de dossier : ${r.reference}.`),
      contactBlock(ctx),
      p(`Cordialement,\n${ctx.team.name}`),
    ],
  );
}

/**
 * The words an advisor reads on the phone or sends by SMS to someone without email: the same
 * news as the email, short. SMS-length when `sms` is true.
 */
export function callScript(
  ctx: NotificationContext,
  purpose: 'receipt' | 'decision' | 'reminder',
  sms = false,
): string {
  const r = ctx.registration;
  const e = r.event;
  const first = e ? sortSlots(e.slots)[0] : undefined;
  const when = first ? `le ${formatDay(first.date)} à ${formatTime(first.start)}` : '';
  const where = e ? `${e.venue.name}, ${e.venue.address}, ${e.venue.commune}` : '';
  // The team's number, else the association's; with neither known yet, a sentence that still reads
  // (never "appelez-nous au répondez à ce message").
  const number = ctx.team.phone || ctx.team.associationPhone;
  const phone = number ? `appelez-nous au ${formatPhone(number)}` : 'répondez à ce message';
  const hello = sms
    ? `Maillage : bonjour ${ctx.person.firstName}.`
    : `Bonjour ${ctx.person.firstName}, je suis conseiller·e chez Maillage.`;
  if (purpose === 'reminder' && e) {
    return `${hello} Rappel : « ${eventLabel(e)} » commence ${when}, ${where}. Empêchement ? ${capitalise(phone)}. Dossier ${r.reference}.`;
  }
  if (purpose === 'decision') {
    if (r.status === 'accepted' && e)
      return `${hello} Votre place est confirmée pour « ${eventLabel(e)} », ${when}, ${where}. Empêchement ? ${capitalise(phone)}. Dossier ${r.reference}.`;
    if (r.status === 'accepted')
      return `${hello} Votre demande est acceptée : nous fixons ensemble un premier rendez-vous. Dossier ${r.reference}.`;
    if (r.status === 'waitlisted')
      return `${hello} La session « ${e ? eventLabel(e) : ''} » est complète : vous êtes sur la liste d'attente. Nous vous prévenons si une place se libère. Dossier ${r.reference}.`;
    if (r.status === 'declined')
      return `${hello} Nous ne pouvons pas donner suite à votre demande${r.decisionReason ? ` (${r.decisionReason})` : ''}. D'autres solutions existent : ${phone}. Dossier ${r.reference}.`;
    if (r.status === 'cancelled')
      return `${hello} Votre inscription est annulée. Pour en parler, ${phone}. Dossier ${r.reference}.`;
  }
  return `${hello} Nous avons bien reçu votre demande (dossier ${r.reference}). ${nextStepsByKind[r.kind]}`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** " au 03 27 …" or, without a known phone number, " en répondant à ce message". */
function reach(ctx: NotificationContext): string {
  const number = ctx.team.phone || ctx.team.associationPhone;
  return number ? ` au ${formatPhone(number)}` : ' en répondant à ce message';
}

function personShortName(person: { firstName: string; lastName?: string | null }): string {
  return person.lastName ? `${person.firstName} ${person.lastName}` : person.firstName;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
