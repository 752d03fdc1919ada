import type { Core } from '@strapi/strapi';
import { PUBLIC_CONTENT_TYPES, SINGLE_TYPES } from './constants';
import { bootstrapEnv } from './env';

/** Read access, nothing else: find/findOne on every public content type. */
export const READ_ONLY_ACTIONS: readonly string[] = Object.values(PUBLIC_CONTENT_TYPES)
  .flatMap((uid) => (SINGLE_TYPES.has(uid) ? [`${uid}.find`] : [`${uid}.find`, `${uid}.findOne`]))
  .sort();

/** The only token allowed to read drafts (the site's preview route); read-only like the others. */
export const PREVIEW_TOKEN_NAME = 'Aperçu du site (brouillons)';

interface TokenSpec {
  name: string;
  description: string;
  accessKey: string;
}

interface TokenRow {
  id: number;
  name: string;
  type: string;
  accessKey: string;
  permissions?: Array<{ action: string }>;
}

/**
 * Creates (or repairs) the read-only API tokens of the site and the extranet. Strapi generates a
 * random key on creation; the apps share their key through `.env`, so we then store the hash (and
 * the encrypted copy shown in the admin) of the key given in the environment. Idempotent.
 */
export async function ensureApiTokens(strapi: Core.Strapi): Promise<void> {
  const specs: TokenSpec[] = [
    {
      name: 'Site public',
      description: 'Lecture seule des contenus publiés, utilisé par le site (CMS_SITE_TOKEN).',
      accessKey: bootstrapEnv.siteToken,
    },
    {
      name: 'Extranet',
      description: 'Lecture seule des contenus publiés, utilisé par l’extranet (CMS_EXTRANET_TOKEN).',
      accessKey: bootstrapEnv.extranetToken,
    },
    {
      name: PREVIEW_TOKEN_NAME,
      description: 'Lecture seule, brouillons compris, pour l’aperçu du site (CMS_PREVIEW_TOKEN).',
      accessKey: bootstrapEnv.previewToken,
    },
  ];
  for (const spec of specs) {
    if (!spec.accessKey) {
      strapi.log.warn(`[maillage] API token "${spec.name}" not created: its variable is empty.`);
      continue;
    }
    await ensureToken(strapi, spec);
  }
}

async function ensureToken(strapi: Core.Strapi, spec: TokenSpec): Promise<void> {
  const tokenService = strapi.service('admin::api-token-content-api') as any;
  const encryption = strapi.service('admin::encryption') as any;
  const query = strapi.db.query('admin::api-token');

  let token = (await query.findOne({
    where: { name: spec.name },
    populate: ['permissions'],
  })) as TokenRow | null;
  if (!token) {
    const created = await tokenService.create({
      name: spec.name,
      description: spec.description,
      type: 'custom',
      lifespan: null,
      permissions: [...READ_ONLY_ACTIONS],
    });
    token = (await query.findOne({ where: { id: created.id }, populate: ['permissions'] })) as TokenRow;
    strapi.log.info(`[maillage] API token "${spec.name}" created (read-only).`);
  }

  const current = (token.permissions ?? []).map((p) => p.action).sort();
  if (token.type !== 'custom' || current.join(',') !== READ_ONLY_ACTIONS.join(',')) {
    await tokenService.update(token.id, { type: 'custom', permissions: [...READ_ONLY_ACTIONS] });
    strapi.log.info(`[maillage] API token "${spec.name}": permissions reset to read-only.`);
  }

  const wantedHash = tokenService.hash(spec.accessKey) as string;
  if (token.accessKey !== wantedHash) {
    await query.update({
      where: { id: token.id },
      data: { accessKey: wantedHash, encryptedKey: encryption.encrypt(spec.accessKey) ?? null },
    });
    strapi.log.info(`[maillage] API token "${spec.name}": key set from the environment.`);
  }
}
