import { type ExpressionBuilder, type JoinBuilder, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from './viewer.ts';

/*
 * The viewer's territory scope as query fragments, applied in every query an advisor can reach:
 * admins see everything, advisors only their territories (what lies outside any territory goes to
 * admins). The same rule without SQL is `canSeeTerritory` (viewer.ts).
 */

/** Registrations, by the request's territory. */
export function registrationScope(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'registration'>) => {
    if (viewer.role === 'admin') return sql<boolean>`1 = 1`;
    if (!viewer.territories.length) return sql<boolean>`1 = 0`;
    return eb('registration.territory', 'in', viewer.territories);
  };
}

/** People, by the person's own territory. */
export function personScope(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'person'>) => {
    if (viewer.role === 'admin') return sql<boolean>`1 = 1`;
    if (!viewer.territories.length) return sql<boolean>`1 = 0`;
    return eb('person.territory', 'in', viewer.territories);
  };
}

/**
 * The join to the viewer's own read mark of each registration (`leftJoin('registration_read', …)`):
 * `registration_read.read_at` is null for a request this viewer has not opened yet.
 */
export function readByViewer(viewer: Viewer) {
  // Checked against the two tables it joins; the query around it (its other tables, a CTE) is the
  // caller's, which Kysely's generics cannot carry through a shared helper.
  return <J>(join: J): J =>
    (join as unknown as JoinBuilder<Database, 'registration' | 'registration_read'>)
      .onRef('registration_read.registration_id', '=', 'registration.id')
      .on('registration_read.user_id', '=', viewer.id) as unknown as J;
}
