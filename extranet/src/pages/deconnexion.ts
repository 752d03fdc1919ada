import type { APIRoute } from 'astro';
import { forgetViewer, viewerKey } from '../features/auth/viewer-cache.ts';
import { redirectWithCookies } from '../lib/guard.ts';

export const POST: APIRoute = async ({ locals, request }) => {
  const cookie = viewerKey(request.headers, locals.runtime.config.https);
  if (cookie) forgetViewer(cookie.key);
  const res = await locals.runtime.auth.api
    .signOut({ headers: request.headers, asResponse: true })
    .catch(() => null);
  // Again once the session is gone: a request that read it meanwhile is not kept either.
  if (cookie) forgetViewer(cookie.key);
  return redirectWithCookies('/connexion', res?.headers ?? null);
};

export const GET: APIRoute = ({ redirect }) => redirect('/', 303);
