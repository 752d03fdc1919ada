import node from '@astrojs/node';
import { defineConfig, envField } from 'astro/config';

const secret = (extra: { optional?: boolean; default?: string } = { optional: true }) =>
  envField.string({ context: 'server', access: 'secret', ...extra });

// Everything is rendered on the server: the extranet holds personal data and must check the
// signed-in user on every request.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { port: 4322, host: true },
  site: process.env.EXTRANET_URL || 'http://localhost:4322',
  build: { inlineStylesheets: 'always' },
  compressHTML: true,
  devToolbar: { enabled: false },
  prefetch: false,
  security: {
    // Astro refuses cross-site form posts; src/middleware.ts also checks every state-changing request.
    checkOrigin: true,
  },
  env: {
    validateSecrets: false,
    schema: {
      EXTRANET_URL: secret({ default: 'http://localhost:4322' }),
      SITE_URL: secret({ default: 'http://localhost:4321' }),
      CMS_URL: secret({ default: 'http://127.0.0.1:1337' }),
      CMS_EXTRANET_TOKEN: secret(),
      CMS_WEBHOOK_SECRET: secret(),
      EXTRANET_SERVICE_TOKEN: secret(),
      BETTER_AUTH_SECRET: secret(),
      DATABASE_URL: secret(),
      EXTRANET_DB_FILE: secret({ default: 'data/extranet.db' }),
      SMTP_URL: secret(),
      OUTBOX_DIR: secret({ default: 'outbox' }),
      MAIL_FROM: secret({ default: 'Maillage <ne-pas-repondre@maillage.test>' }),
      SEED_DEMO: envField.boolean({ context: 'server', access: 'secret', default: false }),
      DEMO_PASSWORD: secret(),
    },
  },
  vite: {
    ssr: { external: ['better-sqlite3', 'pg', '@etalab/decoupage-administratif'] },
  },
});
