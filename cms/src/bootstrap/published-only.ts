import type { Core } from '@strapi/strapi';
import { PREVIEW_TOKEN_NAME } from './api-tokens';
import { modelOf } from './constants';

const READ_ACTIONS = new Set(['findMany', 'findOne', 'findFirst', 'count']);

/**
 * Requests through the public REST API (`/api/...`, API tokens) only ever see published
 * documents, whatever `status` they ask for: drafts stay inside the admin. The one exception is
 * the preview token (CMS_PREVIEW_TOKEN), which the site's preview route uses with `status=draft`.
 */
export function registerPublishedOnly(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (READ_ACTIONS.has(context.action) && modelOf(context.uid) && isContentApiRequest(strapi)) {
      (context.params as { status?: string }).status = 'published';
    }
    return next();
  });
}

interface RequestState {
  state?: {
    route?: { info?: { type?: string } };
    auth?: { strategy?: { name?: string }; credentials?: { name?: string } };
  };
}

function isContentApiRequest(strapi: Core.Strapi): boolean {
  const ctx = strapi.requestContext.get() as RequestState | undefined;
  if (ctx?.state?.route?.info?.type !== 'content-api') return false;
  const auth = ctx.state.auth;
  // Strapi 5.54 names the strategy 'content-api-token' (older 5.x: 'api-token').
  const isTokenStrategy =
    auth?.strategy?.name === 'content-api-token' || auth?.strategy?.name === 'api-token';
  const isPreviewToken = isTokenStrategy && auth?.credentials?.name === PREVIEW_TOKEN_NAME;
  return !isPreviewToken;
}
