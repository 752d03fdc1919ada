import { copyFileSync } from 'node:fs';
import { afterServerBuild, nodeAdapter, trustedProxiesField } from '@maillage/platform/astro-server';
import { MAX_BODY_BYTES } from '@maillage/platform/body-limit';
import { defineConfig, envField } from 'astro/config';

/**
 * Astro's server is built as dist/server/app.mjs and dist/server/entry.mjs becomes our small node
 * server (server/entry.mjs): it answers cached pages before Astro's pipeline, then hands over.
 */
function frontServer() {
  return afterServerBuild('maillage-front-server', (serverDir) => {
    copyFileSync(new URL('./server/entry.mjs', import.meta.url), new URL('entry.mjs', serverDir));
  });
}

// Every page is rendered on the server from the CMS cache: content changes show within seconds
// of publishing without a rebuild.
export default defineConfig({
  output: 'server',
  adapter: nodeAdapter(),
  server: { port: 4321, host: true },
  site: process.env.SITE_URL ?? 'http://localhost:4321',
  trailingSlash: 'ignore',
  // One small stylesheet, inlined: one request per page and the CSS is compressed with the HTML.
  // The inline <style> is allowed by a hash in the CSP (security.csp below), never by 'unsafe-inline'.
  build: { inlineStylesheets: 'always', serverEntry: 'app.mjs' },
  integrations: [frontServer()],
  compressHTML: true,
  markdown: { syntaxHighlight: false },
  devToolbar: { enabled: false },
  prefetch: false,
  security: {
    checkOrigin: true,
    actionBodySizeLimit: MAX_BODY_BYTES,
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        // frame-ancestors is added per response in src/middleware.ts: 'none' everywhere, except the
        // preview route, which the Strapi admin shows in its preview panel.
      ],
    },
  },
  env: {
    validateSecrets: false,
    schema: {
      // Addresses: a value that is not a URL refuses to start (astro:env validates on import at run time).
      CMS_URL: envField.string({
        context: 'server',
        access: 'secret',
        default: 'http://127.0.0.1:1337',
        url: true,
      }),
      // Public address of the Strapi admin when it differs from CMS_URL (the site's server-side
      // address): the admin frames the preview route, so its origin must be allowed to.
      CMS_PUBLIC_URL: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
      CMS_SITE_TOKEN: envField.string({ context: 'server', access: 'secret', optional: true }),
      // Read-only token that may read drafts: used by the preview route /apercu only.
      CMS_PREVIEW_TOKEN: envField.string({ context: 'server', access: 'secret', optional: true }),
      CMS_WEBHOOK_SECRET: envField.string({ context: 'server', access: 'secret', optional: true }),
      EXTRANET_URL: envField.string({
        context: 'server',
        access: 'secret',
        default: 'http://localhost:4322',
        url: true,
      }),
      EXTRANET_SERVICE_TOKEN: envField.string({ context: 'server', access: 'secret', optional: true }),
      SITE_URL: envField.string({
        context: 'server',
        access: 'secret',
        default: 'http://localhost:4321',
        url: true,
      }),
      PREVIEW_SECRET: envField.string({ context: 'server', access: 'secret', optional: true }),
      TRUSTED_PROXIES: trustedProxiesField(),
    },
  },
  vite: {
    ssr: { external: ['@etalab/decoupage-administratif'] },
  },
});
