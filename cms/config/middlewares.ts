import type { Core } from '@strapi/strapi';

// The admin panel must work offline: its content security policy only allows our own origin,
// so the browser cannot fetch release notes, analytics or marketplace assets from the internet.
// Strapi deep-merges these arrays with its defaults index by index, so each list is at least as
// long as Strapi's default (connect-src: 2, img-src: 4) to replace every default entry.
const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  {
    name: 'strapi::security',
    config: {
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'connect-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:', "'self'"],
          'media-src': ["'self'", 'data:', 'blob:'],
          upgradeInsecureRequests: null,
        },
      },
    },
  },
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];

export default config;
