import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { halfDayCounts } from './no-show.repository.ts';
import { type NoShowRates, noShowRates } from './no-show.rules.ts';

/**
 * The no-show rate of Parcours half-days over a period (Paris dates, `to` excluded), in total, by
 * territory and by advisor — the definition is in no-show.rules.ts. `scope`: the viewer's
 * territories (null: all, for an admin). For the indicators page (`/indicateurs`).
 */
export async function parcoursNoShowRates(
  db: Kysely<Database>,
  period: { from: string; to: string },
  scope: string[] | null,
): Promise<NoShowRates> {
  return noShowRates(await halfDayCounts(db, period, scope));
}
