import type { AvailabilityEntry } from '@maillage/contract';
import { nowMs, parisDate } from '@maillage/platform/clock';
import type { CmsEvent } from '../cms/schemas.ts';

/** Why a session takes no registration right now, or null when it does. */
export function closedReason(
  event: CmsEvent,
  places: AvailabilityEntry | null,
  now = nowMs(),
): string | null {
  if (event.cancelled) return 'Cette session est annulée.';
  const today = parisDate(new Date(now));
  if (event.slots.every((s) => s.date < today)) return 'Cette session est passée.';
  if (event.registrationClosesAt && Date.parse(event.registrationClosesAt) < now)
    return 'Les inscriptions à cette session sont fermées.';
  if (event.registrationOpensAt && Date.parse(event.registrationOpensAt) > now)
    return 'Les inscriptions à cette session ne sont pas encore ouvertes.';
  if (places?.registrationOpen === false) return 'Les inscriptions à cette session sont fermées.';
  return null;
}

/**
 * The other sessions of the same program that are still to come, the same territory first, then
 * by date: where a closed or cancelled session points people to.
 */
function sameProgram(event: CmsEvent, upcoming: CmsEvent[], now: number): CmsEvent[] {
  const today = parisDate(new Date(now));
  const candidates = upcoming.filter(
    (e) =>
      e.documentId !== event.documentId &&
      e.program?.slug !== undefined &&
      e.program?.slug === event.program?.slug &&
      !e.cancelled &&
      e.slots.every((s) => s.date >= today) &&
      !(e.registrationClosesAt && Date.parse(e.registrationClosesAt) < now),
  );
  const territory = (e: CmsEvent) => (e.territory?.slug === event.territory?.slug ? 0 : 1);
  return candidates
    .map((e, i) => ({ e, i }))
    .sort((a, b) => territory(a.e) - territory(b.e) || a.i - b.i)
    .map(({ e }) => e);
}

/**
 * The next session of the same program that takes registrations right now, preferring the same
 * territory: the page never points to a session that would answer "closed" or "not yet open".
 * `places` gives the extranet's word on each candidate (null when it cannot be asked).
 */
export async function nextOpenSession(
  event: CmsEvent,
  upcoming: CmsEvent[],
  places: (documentId: string) => Promise<AvailabilityEntry | null>,
  now = nowMs(),
): Promise<CmsEvent | null> {
  for (const candidate of sameProgram(event, upcoming, now)) {
    if (closedReason(candidate, null, now) !== null) continue;
    if (closedReason(candidate, await places(candidate.documentId), now) === null) return candidate;
  }
  return null;
}

/**
 * When no other session is open yet: the next one of the same program whose registrations open
 * later, so the page can say from when to call or come back.
 */
export function nextOpening(
  event: CmsEvent,
  upcoming: CmsEvent[],
  now = nowMs(),
): { session: CmsEvent; opensAt: string } | null {
  const later = sameProgram(event, upcoming, now)
    .filter((e) => e.registrationOpensAt && Date.parse(e.registrationOpensAt) > now)
    .sort((a, b) => Date.parse(a.registrationOpensAt ?? '') - Date.parse(b.registrationOpensAt ?? ''));
  const first = later[0];
  return first?.registrationOpensAt ? { session: first, opensAt: first.registrationOpensAt } : null;
}
