import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { type CmsClientOptions, createCmsClient } from '../features/cms/client.ts';
import { refreshEventsFromCms } from '../features/events/events.service.ts';
import { loadTerritories, refreshTerritoriesFromCms } from '../features/territories/territories.service.ts';

/**
 * Refreshes the extranet's copy of the CMS (at start, on the CMS webhook, periodically): the
 * territories first (routing of requests), then the events. Returns how many events were copied;
 * throws when the events cannot be read (the copy stays as it was). The territories failing does
 * not stop the events: their copy stays as it was, and `warn` says why.
 */
export async function refreshCmsCopy(
  db: Kysely<Database>,
  options: CmsClientOptions & { warn?: (message: string) => void },
): Promise<number> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const client = createCmsClient(options);
  // What the table holds already (another instance may have refreshed it): no waiting on the CMS.
  await loadTerritories(db);
  try {
    const { unknownEpci } = await refreshTerritoriesFromCms(db, client);
    if (unknownEpci.length)
      warn(`[territoires] EPCI sans communes connues (communes.generated.ts) : ${unknownEpci.join(', ')}`);
  } catch (error) {
    warn(`[territoires] copie des territoires inchangée : ${(error as Error).message}`);
  }
  return refreshEventsFromCms(db, client);
}
