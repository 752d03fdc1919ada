import type { Core } from '@strapi/strapi';

const PREVIEWABLE: Record<string, 'program' | 'event' | 'story' | 'page' | 'news' | 'global'> = {
  'api::program.program': 'program',
  'api::event.event': 'event',
  'api::story.story': 'story',
  'api::page.page': 'page',
  'api::news.news': 'news',
  // The global settings show on every page: their preview is the home page with the draft settings.
  'api::global.global': 'global',
};

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: { secret: env('ADMIN_JWT_SECRET', '') },
  apiToken: { salt: env('API_TOKEN_SALT', '') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', '') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', '') },
  // No survey, no upsell: the admin must not call out to the internet.
  flags: { nps: false, promoteEE: false },
  // "Aperçu" button of the edit view: opens the site's preview route on the draft.
  preview: {
    enabled: Boolean(env('PREVIEW_SECRET', '')),
    config: {
      allowedOrigins: [new URL(env('SITE_URL', 'http://localhost:4321')).origin],
      async handler(uid: string, { documentId }: { documentId: string }) {
        const type = PREVIEWABLE[uid];
        if (!type || !documentId) return null;
        const params = new URLSearchParams({ secret: env('PREVIEW_SECRET', ''), type, documentId });
        return `${env('SITE_URL', 'http://localhost:4321').replace(/\/+$/, '')}/apercu?${params}`;
      },
    },
  },
});

export default config;
