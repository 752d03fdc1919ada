import { appendFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterServerBuild, nodeAdapter, trustedProxiesField } from '@maillage/platform/astro-server';
import { defineConfig, envField } from 'astro/config';
import { FORM_OVERHEAD_BYTES, MAX_DOCUMENT_BYTES } from './src/features/documents/documents.rules.ts';

/**
 * Astro loads the middleware on the first request. The extranet must migrate, pull the CMS events
 * and start its outbox worker when the process starts: the built entry imports the middleware
 * module at once with a flag set, and the module starts the (memoised) runtime the middleware awaits.
 */
function eagerStart() {
  return afterServerBuild('maillage-eager-start', (serverDir) => {
    const entry = fileURLToPath(new URL('entry.mjs', serverDir));
    if (!existsSync(entry) || !existsSync(fileURLToPath(new URL('virtual_astro_middleware.mjs', serverDir))))
      return;
    appendFileSync(
      entry,
      "\nglobalThis[Symbol.for('maillage.extranet.eagerStart')] = true;\nimport('./virtual_astro_middleware.mjs');\n",
    );
  });
}

const secret = (extra: { optional?: boolean; default?: string; url?: boolean } = { optional: true }) =>
  envField.string({ context: 'server', access: 'secret', ...extra });

// Everything is rendered on the server: the extranet holds personal data and must check the
// signed-in user on every request.
export default defineConfig({
  output: 'server',
  // The backstop lets a document (10 MB, streamed and counted by /documents/ajouter) through; every
  // other route is still refused past 64 KB by the middleware.
  adapter: nodeAdapter({ bodySizeLimit: MAX_DOCUMENT_BYTES + FORM_OVERHEAD_BYTES }),
  integrations: [eagerStart()],
  server: { port: 4322, host: true },
  site: process.env.EXTRANET_URL || 'http://localhost:4322',
  build: { inlineStylesheets: 'always' },
  compressHTML: true,
  devToolbar: { enabled: false },
  prefetch: false,
  security: {
    // Astro refuses cross-site form posts; src/middleware.ts also checks every state-changing request.
    checkOrigin: true,
    // A strict Content-Security-Policy header on every page: nothing inline runs unless Astro hashed
    // it, no 'unsafe-inline'. frame-ancestors is added in src/middleware.ts (with the headers of
    // answers that are not pages).
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'none'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
      ],
    },
  },
  env: {
    validateSecrets: false,
    schema: {
      // Addresses: a value that is not a URL refuses to start (astro:env validates on import).
      EXTRANET_URL: secret({ default: 'http://localhost:4322', url: true }),
      SITE_URL: secret({ default: 'http://localhost:4321', url: true }),
      CMS_URL: secret({ default: 'http://127.0.0.1:1337', url: true }),
      CMS_EXTRANET_TOKEN: secret(),
      CMS_WEBHOOK_SECRET: secret(),
      EXTRANET_SERVICE_TOKEN: secret(),
      BETTER_AUTH_SECRET: secret(),
      DATABASE_URL: secret(),
      EXTRANET_DB_FILE: secret({ default: 'data/extranet.db' }),
      SMTP_URL: secret(),
      OUTBOX_DIR: secret({ default: 'outbox' }),
      // Documents attached to people (features/documents): a folder outside the web root.
      DOCUMENTS_DIR: secret({ default: 'data/documents' }),
      MAIL_FROM: secret({ default: 'Maillage <ne-pas-repondre@maillage.test>' }),
      // SMS (src/features/sms/brevo.ts): SMS_PROVIDER=brevo with its key and sender; none = sent by
      // hand from « À appeler » (demo mode: written to SMS_DIR).
      SMS_PROVIDER: secret(),
      BREVO_API_KEY: secret(),
      BREVO_API_URL: secret({ default: 'https://api.brevo.com', url: true }),
      SMS_SENDER: secret(),
      SMS_DIR: secret({ default: 'sms' }),
      // Demo mode (demo accounts with a public password, demo data, .eml outbox): explicit, set by
      // `npm start`, refused unless EXTRANET_URL is local (src/lib/deployment.ts).
      MAILLAGE_DEMO: secret(),
      SEED_DEMO: envField.boolean({ context: 'server', access: 'secret', default: false }),
      TRUSTED_PROXIES: trustedProxiesField(),
      DEMO_PASSWORD: secret(),
      // Reads' audit journal (src/features/audit/audit-journal.ts): its folder and how often it is
      // inserted (ms; the crash test sets it long).
      AUDIT_JOURNAL_DIR: secret(),
      AUDIT_FLUSH_MS: envField.number({
        context: 'server',
        access: 'secret',
        default: 200,
        int: true,
        min: 10,
        max: 600_000,
      }),
      // Profiling and the query-count test: one JSON line per request (src/db/query-log.ts).
      DB_QUERY_LOG: secret(),
    },
  },
  vite: {
    ssr: { external: ['better-sqlite3', 'pg', '@etalab/decoupage-administratif'] },
  },
});
