import type { StrapiApp } from '@strapi/strapi/admin';

// French is the default language of the admin panel: the panel reads this key before its first
// render, so setting it at import time is enough. A user who picks another language keeps it.
const LANGUAGE_KEY = 'strapi-admin-language';
if (typeof window !== 'undefined' && !window.localStorage.getItem(LANGUAGE_KEY)) {
  window.localStorage.setItem(LANGUAGE_KEY, 'fr');
}

export default {
  config: {
    locales: ['fr'],
    // No release check against GitHub, no video tutorials: nothing is fetched from the internet.
    notifications: { releases: false },
    tutorials: false,
  },
  bootstrap(_app: StrapiApp) {},
};
