import { now } from '@maillage/platform/clock';
import type { Core } from '@strapi/strapi';
import { PUBLIC_CONTENT_TYPES } from './constants';

type Data = Record<string, unknown>;
type FileRow = { id: number; url?: string };

/**
 * A person withdraws the consent given for their story (issue 12, item 3): when an editor ticks
 * « Accord retiré », the date is recorded, the story is unpublished at once (the webhook middleware
 * tells the site, which empties its cache) and the photo file is deleted from the uploads — not
 * only detached, so it cannot be found again at its old address.
 */
export function registerConsentWithdrawal(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== PUBLIC_CONTENT_TYPES.story || context.action !== 'update') return next();
    const params = context.params as { documentId?: string; data?: Data };
    if (params.data?.consentWithdrawn !== true || !params.documentId) return next();

    const documentId = params.documentId;
    const documents = strapi.documents(PUBLIC_CONTENT_TYPES.story) as any;
    const versions = (await documents.findMany({
      filters: { documentId: { $eq: documentId } },
      status: 'draft',
      populate: { cover: true },
    })) as Array<{ cover?: FileRow | null; consentWithdrawnAt?: string | null }>;
    const published = (await documents.findOne({
      documentId,
      status: 'published',
      populate: { cover: true },
    })) as { cover?: FileRow | null } | null;
    const draft = versions[0];

    params.data = {
      ...params.data,
      consentWithdrawnAt: draft?.consentWithdrawnAt ?? params.data.consentWithdrawnAt ?? now().toISOString(),
      cover: null,
    };
    const result = await next();

    if (published) await documents.unpublish({ documentId });
    const files = new Map<number, FileRow>();
    for (const file of [draft?.cover, published?.cover]) if (file?.id) files.set(file.id, file);
    const upload = strapi.plugin('upload').service('upload') as any;
    for (const file of files.values()) {
      const row = await strapi.db.query('plugin::upload.file').findOne({ where: { id: file.id } });
      if (row) await upload.remove(row);
    }
    if (files.size > 0 || published) {
      strapi.log.info(
        `[maillage] consent withdrawn: story ${documentId} unpublished, ${files.size} photo(s) deleted`,
      );
    }
    return result;
  });
}
