import type { Core } from '@strapi/strapi';
import { modelOf } from './constants';

const READ_ACTIONS = new Set(['findMany', 'findOne', 'findFirst', 'count']);

/**
 * Requests through the public REST API (`/api/...`, API tokens) only ever see published
 * documents, whatever `status` they ask for: drafts stay inside the admin.
 */
export function registerPublishedOnly(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (READ_ACTIONS.has(context.action) && modelOf(context.uid) && isContentApiRequest(strapi)) {
      (context.params as { status?: string }).status = 'published';
    }
    return next();
  });
}

function isContentApiRequest(strapi: Core.Strapi): boolean {
  const ctx = strapi.requestContext.get() as { state?: { route?: { info?: { type?: string } } } } | undefined;
  return ctx?.state?.route?.info?.type === 'content-api';
}
