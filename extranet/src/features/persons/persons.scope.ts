import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';

/**
 * Territory scoping of people (by the person's own territory): admins see everyone, advisors the
 * people of their territories; people outside any territory are for admins.
 */
export function personScope(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'person'>) => {
    if (viewer.role === 'admin') return sql<boolean>`1 = 1`;
    if (!viewer.territories.length) return sql<boolean>`1 = 0`;
    return eb('person.territory', 'in', viewer.territories);
  };
}

/** A person that does not exist or that the viewer may not see: the same answer (404). */
export class PersonNotFoundError extends Error {}
