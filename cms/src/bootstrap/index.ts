import type { Core } from '@strapi/strapi';
import { ensureDemoAdmins } from './admin-users';
import { ensureApiTokens } from './api-tokens';
import { closeEndUserAccounts } from './end-users';
import { bootstrapEnv } from './env';
import { ensureFrenchLabels } from './labels';
import { registerPublishedOnly } from './published-only';
import { seedDemoContent } from './seed';
import { registerPublicationRules } from './validation';
import { registerWebhook } from './webhook';

/** Document Service middlewares: registered once, before the server handles requests. */
export function registerDocumentMiddlewares(strapi: Core.Strapi): void {
  registerPublishedOnly(strapi);
  registerPublicationRules(strapi);
  registerWebhook(strapi);
}

async function step(
  strapi: Core.Strapi,
  name: string,
  run: () => Promise<unknown>,
  critical: boolean,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    strapi.log.error(`[maillage] bootstrap step "${name}" failed: ${message}`);
    if (critical) throw error;
  }
}

/**
 * Everything the platform needs in the CMS, awaited in order and safe to re-run: read-only
 * tokens, no public end-user accounts, demo admins, French labels, then the demo content.
 */
export async function runBootstrap(strapi: Core.Strapi): Promise<void> {
  await step(strapi, 'api tokens', () => ensureApiTokens(strapi), true);
  await step(strapi, 'no end-user accounts', () => closeEndUserAccounts(strapi), true);
  await step(strapi, 'demo admins', () => ensureDemoAdmins(strapi), false);
  await step(strapi, 'french labels', () => ensureFrenchLabels(strapi), false);
  if (bootstrapEnv.seedDemo) {
    await step(strapi, 'demo content', () => seedDemoContent(strapi), true);
  }
}
