import type { RegistrationRequest } from '@maillage/contract';
import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import { listEvents } from '../events/events.repository.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { duplicateCandidates, findPhoneOwner } from '../persons/matching.repository.ts';
import {
  type DuplicateCandidate,
  isPossibleDuplicate,
  type NewPersonIdentity,
} from '../persons/persons.rules.ts';
import { territorySlugOfInsee } from '../territories/territories.ts';
import { type IntakeResult, receiveRegistration } from './intake.service.ts';
import { findByReference } from './registrations.repository.ts';

/**
 * Possible duplicates of someone an advisor is about to record, among the people they may see:
 * the same phone number, or the same name in the same commune (rules in persons.rules.ts).
 */
export async function findDuplicates(
  db: Kysely<Database>,
  viewer: Viewer,
  candidate: NewPersonIdentity,
): Promise<(DuplicateCandidate & { reason: 'phone' | 'name' })[]> {
  const rows = await duplicateCandidates(db, viewer, candidate);
  return rows
    .map((r) => ({ ...r, reason: isPossibleDuplicate(candidate, r) }))
    .filter((r): r is DuplicateCandidate & { reason: 'phone' | 'name' } => r.reason !== null)
    .slice(0, 10);
}

/** The sessions an advisor may register someone to: upcoming, in their territories, not cancelled. */
export async function manualEntryEvents(db: Kysely<Database>, viewer: Viewer) {
  const territories = viewer.role === 'admin' ? null : viewer.territories;
  const events = await listEvents(db, { territories, upcomingOnly: true });
  return events.filter((e) => !e.cancelled && e.kind !== 'information');
}

/**
 * What an advisor may not record, field by field: a session outside their territories, a person
 * of another territory (by commune), or the phone number of someone they may not see (the intake
 * would attach the request to that person).
 */
export async function manualEntryScopeErrors(
  db: Kysely<Database>,
  viewer: Viewer,
  request: RegistrationRequest,
  visibleEventIds: string[],
): Promise<Record<string, string>> {
  if (viewer.role === 'admin') return {};
  if (request.kind === 'event' && !visibleEventIds.includes(request.eventId))
    return { eventId: 'Choisissez une session de vos territoires.' };
  if (request.kind !== 'event' && !canSeeTerritory(viewer, territorySlugOfInsee(request.communeInsee)))
    return { communeInsee: 'Indiquez une commune de vos territoires (code INSEE).' };
  const owner = await findPhoneOwner(db, request.phone);
  if (owner && !canSeeTerritory(viewer, owner.territory))
    return {
      phone:
        'Ce numéro est celui d’une personne suivie sur un autre territoire : voyez avec la coordination.',
    };
  return {};
}

/**
 * Records a request an advisor took by phone or at a walk-in: the site's contract and rules (the
 * same intake service: capacity, waiting list, idempotency, receipt), with source 'advisor' and
 * the advisor as its author.
 */
export async function recordManualEntry(
  db: Kysely<Database>,
  kind: DbKind,
  input: { viewer: Viewer; request: RegistrationRequest; notify: NotifySettings },
): Promise<IntakeResult & { registrationId: number; personId: number }> {
  const result = await receiveRegistration(db, kind, input.request, {
    notify: input.notify,
    enteredBy: input.viewer.id,
  });
  const row = await findByReference(db, result.reference);
  return { ...result, registrationId: row.id, personId: row.person_id };
}
