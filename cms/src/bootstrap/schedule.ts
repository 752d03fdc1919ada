import { now } from '@maillage/platform/clock';
import type { Core } from '@strapi/strapi';
import { SCHEDULED_TYPES } from './constants';

/**
 * Scheduled publication. Strapi 5.54's own feature (Releases, with scheduling) belongs to the
 * paid Growth and Enterprise plans, not to the community edition this project runs; so each
 * scheduled type has two fields, « Publier le » (publishAt) and « Dépublier le » (unpublishAt),
 * and this job acts on them. It reads the shared clock (`@maillage/platform/clock`, MAILLAGE_NOW in
 * demo and tests), publishes through the Document Service (the publication rules and the webhook
 * apply: the site empties its cache at once) and then clears the date it acted on.
 */
export interface ScheduleRun {
  published: string[];
  unpublished: string[];
  refused: string[];
}

type Row = { documentId: string };

export async function runScheduledPublication(strapi: Core.Strapi, at: Date = now()): Promise<ScheduleRun> {
  const run: ScheduleRun = { published: [], unpublished: [], refused: [] };
  const iso = at.toISOString();
  for (const uid of SCHEDULED_TYPES) {
    const documents = strapi.documents(uid) as any;
    // Copy the date to clear from every row of the document (draft and published alike) without
    // touching updatedAt, so the admin does not show the entry as "modified".
    const clear = (documentId: string, field: 'publishAt' | 'unpublishAt') =>
      strapi.db.query(uid).updateMany({ where: { documentId }, data: { [field]: null } });

    const due = (await documents.findMany({
      status: 'draft',
      filters: { publishAt: { $lte: iso } },
      fields: ['documentId'],
      limit: 100,
    })) as Row[];
    for (const { documentId } of due) {
      try {
        await documents.publish({ documentId });
        run.published.push(`${uid}:${documentId}`);
      } catch (error) {
        // A rule refused it (missing consent, alt text…): leave the date so the admin sees it.
        run.refused.push(`${uid}:${documentId}`);
        strapi.log.warn(
          `[maillage] scheduled publication of ${uid} ${documentId} refused: ${(error as Error).message}`,
        );
        continue;
      }
      await clear(documentId, 'publishAt');
    }

    const ending = (await documents.findMany({
      status: 'published',
      filters: { unpublishAt: { $lte: iso } },
      fields: ['documentId'],
      limit: 100,
    })) as Row[];
    for (const { documentId } of ending) {
      await documents.unpublish({ documentId });
      await clear(documentId, 'unpublishAt');
      run.unpublished.push(`${uid}:${documentId}`);
    }
  }
  return run;
}

/** Runs the job every SCHEDULE_INTERVAL_MS (30 s by default: the site shows it within a minute). */
export function startScheduler(strapi: Core.Strapi, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runScheduledPublication(strapi)
      .then((run) => {
        if (run.published.length + run.unpublished.length > 0)
          strapi.log.info(
            `[maillage] scheduled: ${run.published.length} published, ${run.unpublished.length} unpublished`,
          );
      })
      .catch((error: unknown) => strapi.log.error(`[maillage] scheduler failed: ${(error as Error).message}`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
