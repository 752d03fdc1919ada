import { formatDay, formatTime } from '@maillage/platform/dates';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { signCancelToken, verifyCancelToken } from '../notifications/cancel-link.rules.ts';
import { resolvePersonLink } from '../notifications/person-link.repository.ts';
import { cancelTarget } from './sessions.service.ts';

/**
 * The public « Je ne peux pas venir » page (pages/je-ne-peux-pas-venir.astro), reached from the
 * signed link of a confirmation or reminder e-mail: what the link is for. The place is freed by the
 * page's confirmation button (actions.sessions.cancelPlace), never by opening the link.
 */
export type CancelView =
  | { state: 'invalid' | 'expired' | 'done' | 'excused' | 'already' | 'started' }
  | { state: 'confirm' | 'excuse'; token: string; title: string; when: string | null; waitlisted?: boolean };

/** The page's answer to each state: the link is unknown, out of date, or the place already gone. */
export const CANCEL_STATUS: Partial<Record<CancelView['state'], number>> = {
  invalid: 404,
  expired: 410,
  already: 409,
  started: 409,
};

/** What the link in the address (`?t=`) is for: a place to give up, or why not. */
export async function cancelLinkView(
  db: Kysely<Database>,
  secret: string,
  token: string,
): Promise<CancelView> {
  const check = secret ? verifyCancelToken(secret, token) : ({ ok: false, reason: 'invalid' } as const);
  if (!check.ok) return { state: check.reason };
  const target = await cancelTarget(db, check.registrationId);
  if (!target) return { state: 'invalid' };
  if (!['received', 'accepted', 'waitlisted'].includes(target.status)) return { state: 'already' };
  if (target.started && target.status === 'accepted')
    // The Parcours has begun: the person keeps their place and is excused for the next date.
    return target.nextDate
      ? { state: 'excuse', token, title: target.title, when: formatDay(target.nextDate) }
      : { state: 'started' };
  const start = target.firstStart ? ` à ${formatTime(target.firstStart)}` : '';
  return {
    state: 'confirm',
    token,
    title: target.title,
    when: target.firstDate ? `${formatDay(target.firstDate)}${start}` : null,
    // On the waiting list, the person has no place to give up: they leave the list.
    waitlisted: target.status === 'waitlisted',
  };
}

/**
 * The short link of an SMS (`/c/<code>`, person_link): the « je ne peux pas venir » page with the
 * signed token it stands for (same page, same checks, same button), or why not.
 */
export async function shortCancelLink(
  db: Kysely<Database>,
  secret: string,
  code: string,
): Promise<{ state: 'invalid' | 'expired' } | { state: 'go'; location: string }> {
  const link = await resolvePersonLink(db, 'registration-cancel', code);
  if (!link.ok) return { state: link.reason };
  if (!secret) return { state: 'invalid' };
  const token = signCancelToken(secret, link.targetId, Math.floor(Date.parse(link.expiresAt) / 1000));
  return { state: 'go', location: `/je-ne-peux-pas-venir?${new URLSearchParams({ t: token })}` };
}
