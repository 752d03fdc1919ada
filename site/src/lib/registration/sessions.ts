import type { Availability } from '../availability.ts';
import type { CmsEvent } from '../cms/schemas.ts';

const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** Why a session takes no registration right now, or null when it does. */
export function closedReason(event: CmsEvent, places: Availability | null, now = Date.now()): string | null {
  if (event.cancelled) return 'Cette session est annulée.';
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(now));
  if (event.slots.every((s) => s.date < today)) return 'Cette session est passée.';
  if (event.registrationClosesAt && Date.parse(event.registrationClosesAt) < now)
    return 'Les inscriptions à cette session sont fermées.';
  if (event.registrationOpensAt && Date.parse(event.registrationOpensAt) > now)
    return 'Les inscriptions à cette session ne sont pas encore ouvertes.';
  if (places?.registrationOpen === false) return 'Les inscriptions à cette session sont fermées.';
  return null;
}

/**
 * The next session of the same program that takes registrations, preferring the same territory:
 * where a closed or cancelled session points people to.
 */
export function nextSession(event: CmsEvent, upcoming: CmsEvent[], now = Date.now()): CmsEvent | null {
  const today = parisToday();
  const candidates = upcoming.filter(
    (e) =>
      e.documentId !== event.documentId &&
      e.program?.slug !== undefined &&
      e.program?.slug === event.program?.slug &&
      !e.cancelled &&
      e.slots.every((s) => s.date >= today) &&
      !(e.registrationClosesAt && Date.parse(e.registrationClosesAt) < now),
  );
  const sameTerritory = candidates.filter((e) => e.territory?.slug === event.territory?.slug);
  return sameTerritory[0] ?? candidates[0] ?? null;
}
