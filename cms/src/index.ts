import type { Core } from '@strapi/strapi';
import { registerDocumentMiddlewares, runBootstrap } from './bootstrap';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    registerDocumentMiddlewares(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await runBootstrap(strapi);
  },
};
