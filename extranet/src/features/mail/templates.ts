import type { MailMessage } from './mail.ts';

/**
 * The messages' words. Plain French, short sentences. Messages to advisors carry no personal data
 * (email is not a safe channel): only the reference and a link to the extranet.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(paragraphs: string[]): string {
  return `<!doctype html><html lang="fr"><meta charset="utf-8"><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">${paragraphs
    .map((p) => `<p>${esc(p).replace(/(https?:\/\/\S+)/g, '<a href="$1">$1</a>')}</p>`)
    .join('')}</body></html>`;
}

function message(
  kind: string,
  to: string,
  subject: string,
  paragraphs: string[],
  extra: Partial<MailMessage> = {},
): MailMessage {
  return { kind, to, subject, text: `${paragraphs.join('\n\n')}\n`, html: html(paragraphs), ...extra };
}

export function invitationMail(to: string, name: string, link: string): MailMessage {
  return message('invitation', to, 'Votre compte sur l’extranet Maillage', [
    `Bonjour ${name},`,
    'Un compte a été créé pour vous sur l’extranet de Maillage, l’outil de suivi des inscriptions.',
    `Pour choisir votre mot de passe, ouvrez ce lien (valable 7 jours) : ${link}`,
    'Si vous n’attendiez pas ce message, ignorez-le.',
    'L’équipe Maillage',
  ]);
}

export function passwordResetMail(to: string, name: string, link: string): MailMessage {
  return message('password-reset', to, 'Réinitialiser votre mot de passe Maillage', [
    `Bonjour ${name},`,
    `Pour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure) : ${link}`,
    'Vos autres sessions ouvertes seront fermées.',
    'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.',
    'L’équipe Maillage',
  ]);
}

const KIND_LABEL = {
  event: 'inscription à une session',
  support: 'demande d’accompagnement',
  callback: 'demande de rappel',
} as const;

export function receiptMail(
  to: string,
  data: {
    firstName: string;
    reference: string;
    kind: keyof typeof KIND_LABEL;
    eventTitle?: string | null;
    waitlisted: boolean;
    registrationId: number;
  },
): MailMessage {
  const what = data.eventTitle ? `${KIND_LABEL[data.kind]} « ${data.eventTitle} »` : KIND_LABEL[data.kind];
  return message(
    'receipt',
    to,
    `Maillage : nous avons bien reçu votre demande ${data.reference}`,
    [
      `Bonjour ${data.firstName},`,
      `Nous avons bien reçu votre ${what}. Votre numéro de demande : ${data.reference}.`,
      data.waitlisted
        ? 'La session est complète : vous êtes sur la liste d’attente. Nous vous prévenons dès qu’une place se libère.'
        : 'Un·e conseiller·e vous contacte dans les prochains jours.',
      'L’équipe Maillage',
    ],
    { registrationId: data.registrationId },
  );
}

export function prescriberReceiptMail(
  to: string,
  data: { name: string; reference: string; registrationId: number },
): MailMessage {
  return message(
    'prescriber-receipt',
    to,
    `Maillage : demande ${data.reference} bien reçue`,
    [
      `Bonjour ${data.name},`,
      `Nous avons bien reçu la demande que vous avez faite pour une personne que vous accompagnez. Numéro : ${data.reference}.`,
      'Nous vous tiendrons informé·e de la suite.',
      'L’équipe Maillage',
    ],
    { registrationId: data.registrationId },
  );
}

export function newRequestMail(
  to: string,
  data: { reference: string; territoryName: string; link: string; registrationId: number },
): MailMessage {
  return message(
    'new-request',
    to,
    `Nouvelle demande ${data.reference} (${data.territoryName})`,
    [
      `Une nouvelle demande est arrivée pour le territoire ${data.territoryName}.`,
      `Pour la traiter : ${data.link}`,
    ],
    { registrationId: data.registrationId },
  );
}

export type Decision = 'accept' | 'waitlist' | 'decline' | 'cancel';

export function decisionMail(
  to: string,
  data: {
    firstName: string;
    reference: string;
    decision: Decision;
    eventTitle?: string | null;
    reason?: string | null;
    registrationId: number;
  },
): MailMessage {
  const about = data.eventTitle ? ` pour « ${data.eventTitle} »` : '';
  const body: Record<Decision, string[]> = {
    accept: [
      `Bonne nouvelle : votre inscription${about} est confirmée.`,
      'Nous vous rappelons la date et le lieu quelques jours avant.',
    ],
    waitlist: [
      `La session${about} est complète pour le moment : vous êtes sur la liste d’attente.`,
      'Nous vous prévenons dès qu’une place se libère.',
    ],
    decline: [
      `Nous ne pouvons pas donner suite à votre demande${about}.`,
      data.reason ? `Motif : ${data.reason}` : '',
      'D’autres accompagnements existent : appelez-nous pour en parler.',
    ],
    cancel: [`Votre inscription${about} est annulée.`, 'Pour toute question, appelez-nous.'],
  };
  return message(
    'decision',
    to,
    `Maillage : votre demande ${data.reference}`,
    [
      `Bonjour ${data.firstName},`,
      ...body[data.decision].filter(Boolean),
      `Numéro de demande : ${data.reference}.`,
      'L’équipe Maillage',
    ],
    { registrationId: data.registrationId },
  );
}
