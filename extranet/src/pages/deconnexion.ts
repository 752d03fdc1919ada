import type { APIRoute } from 'astro';
import { forgetViewer, viewerKey } from '../features/auth/viewer-cache.ts';
import { redirectWithCookies } from '../lib/guard.ts';

export const POST: APIRoute = async ({ locals, request }) => {
  const key = viewerKey(request.headers, locals.runtime.config.https);
  if (key) forgetViewer(key);
  const res = await locals.runtime.auth.api
    .signOut({ headers: request.headers, asResponse: true })
    .catch(() => null);
  return redirectWithCookies('/connexion', res?.headers ?? null);
};

export const GET: APIRoute = ({ redirect }) => redirect('/', 303);
