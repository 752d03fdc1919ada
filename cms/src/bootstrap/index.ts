import type { Core } from '@strapi/strapi';
import { ensureDemoAdmins, ensureEditorPermissions } from './admin-users';
import { ensureApiTokens } from './api-tokens';
import { registerConsentWithdrawal } from './consent';
import { closeEndUserAccounts } from './end-users';
import { bootstrapEnv } from './env';
import { ensureFrenchLabels } from './labels';
import { registerPublishedOnly } from './published-only';
import { startScheduler } from './schedule';
import { seedDemoContent } from './seed';
import { registerPublicationRules } from './validation';
import { registerWebhook } from './webhook';

/**
 * Demo mode creates admins whose password is public: it runs on this machine only. A PUBLIC_URL
 * that is not local means a deployment, where MAILLAGE_DEMO must be off.
 */
function refuseRemoteDemo(): void {
  const url = bootstrapEnv.publicUrl;
  if (!bootstrapEnv.demo || !url) return;
  const host = (() => {
    try {
      return new URL(url).hostname;
    } catch {
      return '';
    }
  })();
  if (host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]') return;
  throw new Error(
    `MAILLAGE_DEMO=1 (mode démonstration) est refusé : PUBLIC_URL (${url}) n'est pas une adresse locale. Retirez MAILLAGE_DEMO pour un déploiement.`,
  );
}

/** Document Service middlewares: registered once, before the server handles requests. */
export function registerDocumentMiddlewares(strapi: Core.Strapi): void {
  registerPublishedOnly(strapi);
  registerPublicationRules(strapi);
  registerConsentWithdrawal(strapi);
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
  await step(strapi, 'demo mode is local', async () => refuseRemoteDemo(), true);
  await step(strapi, 'api tokens', () => ensureApiTokens(strapi), true);
  await step(strapi, 'no end-user accounts', () => closeEndUserAccounts(strapi), true);
  await step(strapi, 'demo admins', () => ensureDemoAdmins(strapi), false);
  await step(strapi, 'french labels', () => ensureFrenchLabels(strapi), false);
  if (bootstrapEnv.demo && bootstrapEnv.seedDemo) {
    await step(strapi, 'demo content', () => seedDemoContent(strapi), true);
  }
  await step(strapi, 'editor permissions', () => ensureEditorPermissions(strapi), false);
  startScheduler(strapi, bootstrapEnv.scheduleIntervalMs);
}
