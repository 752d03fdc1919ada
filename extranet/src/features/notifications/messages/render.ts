import { escapeHtml } from '@maillage/platform/html';
import type { MailAttachment, MessageTemplate, NotificationContext, RenderedMail } from '../types.ts';

/**
 * Every message is written once as a list of blocks and rendered twice (plain text and HTML), so
 * both versions always say the same thing. Plain French, short sentences, "vous".
 */
export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'h'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'facts'; rows: Array<[string, string]> }
  | { kind: 'link'; label: string; url: string };

export const p = (text: string): Block => ({ kind: 'p', text });
export const h = (text: string): Block => ({ kind: 'h', text });
export const list = (items: string[]): Block => ({ kind: 'list', items });
export const facts = (rows: Array<[string, string | null | undefined]>): Block => ({
  kind: 'facts',
  rows: rows.filter((r): r is [string, string] => Boolean(r[1])),
});
export const link = (label: string, url: string): Block => ({ kind: 'link', label, url });

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

export function mail(
  ctx: Pick<NotificationContext, 'team' | 'mailFrom'>,
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
