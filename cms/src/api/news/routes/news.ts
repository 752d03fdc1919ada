import { factories } from '@strapi/strapi';

// Read-only public API: content is written in the admin panel only.
export default factories.createCoreRouter('api::news.news', { only: ['find', 'findOne'] });
