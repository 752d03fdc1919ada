import type { MailMessage } from './mail.service.ts';

/**
 * The account messages' words (invitation, password reset). Plain French, short sentences. The
 * messages about registrations are in features/notifications/messages/.
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
