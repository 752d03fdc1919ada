import { defineMiddleware, sequence } from 'astro:middleware';
import { malformedAction } from '@maillage/platform/action-name';
import { bodyTooLarge, payloadTooLarge } from '@maillage/platform/body-limit';
import { queryLogEnabled, withQueryLog } from './db/query-log.ts';
import { userTerritories } from './features/accounts/accounts.service.ts';
import { deleteSessions } from './features/auth/auth.repository.ts';
import { SESSION_MAX_AGE_MS } from './features/auth/auth.ts';
import {
  cachedViewer,
  forgetUser,
  forgetViewer,
  rememberViewer,
  viewerGeneration,
  viewerKey,
} from './features/auth/viewer-cache.ts';
import { DEMO_ADMIN } from './features/demo/demo.service.ts';
import { DeploymentError } from './lib/deployment.ts';
import { getRuntime } from './lib/runtime.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Machine-to-machine routes: authenticated by a bearer token or an HMAC, never by cookies. */
const NON_BROWSER_POSTS = ['/api/intake/', '/api/cms-webhook', '/api/sms/statut/'];

/** Migrations, auth and workers are ready before the first request is served. */
const boot = defineMiddleware(async (context, next) => {
  try {
    context.locals.runtime = await getRuntime();
  } catch (error) {
    console.error(
      '[extranet] démarrage impossible :',
      (error as Error).message,
      (error as Error).cause ?? '',
    );
    return new Response('Service momentanément indisponible.', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return next();
});

/** With DB_QUERY_LOG set (profiling, tests), each request's queries are counted until its body is sent. */
const queryLog = defineMiddleware(async (context, next) => {
  if (!queryLogEnabled()) return next();
  const { result, done } = withQueryLog(() => Promise.resolve(next()));
  const response = await result;
  const path = context.url.pathname;
  if (!response.body) {
    done(path);
    return response;
  }
  const body = response.body.pipeThrough(new TransformStream({ flush: () => done(path) }));
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
});

/**
 * Bodies over 64 KB get a 413 before they are read whole (and before anything else reads them); a
 * malformed action name (`?_action=`) a 400.
 */
const bodyLimit = defineMiddleware(async (context, next) => {
  // The one route whose body may pass 64 KB: the document upload (pages/documents/ajouter.astro)
  // streams its file and enforces its own 10 MB limit as it reads.
  if (context.url.pathname === '/documents/ajouter' && context.request.method === 'POST') return next();
  if (await bodyTooLarge(context.request)) return payloadTooLarge(context.url.pathname.startsWith('/api/'));
  return malformedAction(context) ?? next();
});

/**
 * Same-origin check for every state-changing request made with cookies (CSRF), on top of Astro's
 * security.checkOrigin (which only covers form content types).
 */
const sameOrigin = defineMiddleware((context, next) => {
  const { request, url } = context;
  if (SAFE_METHODS.has(request.method) || NON_BROWSER_POSTS.some((p) => url.pathname.startsWith(p)))
    return next();
  const allowed = new Set([url.origin, new URL(context.locals.runtime.config.extranetUrl).origin]);
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  const ok = origin ? allowed.has(origin) : fetchSite === 'same-origin';
  if (!ok) {
    return new Response('Requête refusée : elle ne vient pas de l’extranet.', {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return next();
});

/**
 * Reads the session (sliding 30 min) and enforces the 12 h absolute lifetime and disabled accounts.
 * A request without a session cookie costs nothing here; a verified cookie's viewer (account, role,
 * territories) is kept VIEWER_TTL_MS (features/auth/viewer-cache.ts): most signed-in requests read
 * nothing from the database before their page runs.
 */
const session = defineMiddleware(async (context, next) => {
  context.locals.user = null;
  context.locals.sessionToken = null;
  const { auth, db, config } = context.locals.runtime;
  if (
    context.url.pathname.startsWith('/api/public/') ||
    NON_BROWSER_POSTS.some((p) => context.url.pathname.startsWith(p))
  ) {
    return next();
  }
  const cookie = viewerKey(context.request.headers, config.https);
  if (!cookie) return next();
  const hit = cachedViewer(cookie.key);
  if (hit) {
    if (Date.now() - hit.user.sessionCreatedAt.getTime() > SESSION_MAX_AGE_MS) {
      forgetViewer(cookie.key);
      await deleteSessions(db, { token: hit.token });
    } else {
      context.locals.sessionToken = hit.token;
      context.locals.user = hit.user;
    }
    return next();
  }
  let cookies: Headers | null = null;
  // Taken before reading: what a revocation made meanwhile must not be cached (viewer-cache.ts).
  const read = { since: viewerGeneration(), at: performance.now() };
  const result = await auth.api
    .getSession({ headers: context.request.headers, returnHeaders: true })
    .catch(() => null);
  const data = result?.response;
  if (result) cookies = result.headers;
  if (data) {
    const u = data.user as typeof data.user & { role?: string; disabled?: boolean | number };
    const createdAt = new Date(data.session.createdAt);
    const tooOld = Date.now() - createdAt.getTime() > SESSION_MAX_AGE_MS;
    if (u.disabled || tooOld) {
      await deleteSessions(db, u.disabled ? { userId: u.id } : { token: data.session.token });
      if (u.disabled) forgetUser(u.id);
    } else {
      const user = {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role === 'admin' ? ('admin' as const) : ('advisor' as const),
        territories: await userTerritories(db, u.id),
        twoFactorEnabled: Boolean((u as { twoFactorEnabled?: boolean }).twoFactorEnabled),
        sessionCreatedAt: createdAt,
      };
      context.locals.sessionToken = data.session.token;
      context.locals.user = user;
      const expiresAt = new Date(data.session.expiresAt).getTime();
      rememberViewer(cookie, { user, token: data.session.token, expiresAt }, read);
    }
  }
  const response = await next();
  for (const c of cookies?.getSetCookie() ?? []) response.headers.append('set-cookie', c);
  return response;
});

/**
 * Admins must turn on two-factor authentication (except the demo admin in demo mode). Astro runs a
 * form's action (`?_action=`) on whatever page it is posted to: the pages left open to such an admin
 * run only their own forms, the two-factor set-up (`account.*`).
 */
const adminTwoFactor = defineMiddleware((context, next) => {
  const user = context.locals.user;
  const { config } = context.locals.runtime;
  if (!user || user.role !== 'admin' || user.twoFactorEnabled) return next();
  if (config.demo && user.email === DEMO_ADMIN) return next();
  const path = context.url.pathname;
  const action = context.url.searchParams.get('_action');
  const open = path === '/compte/securite' || path === '/deconnexion' || path.startsWith('/api/');
  if (open && (action === null || action.startsWith('account.'))) return next();
  return context.redirect('/compte/securite?obligatoire=1', 303);
});

/**
 * The forms post to their page (`?_action=`, no JavaScript): Astro's JSON endpoint for the same
 * actions (`/_actions/<name>`) is not served — one way in, and nothing (a session cookie included)
 * ever answered as JSON.
 */
const formsOnly = defineMiddleware((context, next) => {
  if (!context.url.pathname.startsWith('/_actions/')) return next();
  return new Response('Introuvable.', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
});

/**
 * Personal data: never cached, never framed, no referrer to other sites (reset links carry
 * tokens). `same-origin` rather than `no-referrer`: with no-referrer, browsers send `Origin: null`
 * on form posts, and Astro's origin check then refuses every form (sign-in included).
 */
const headers = defineMiddleware(async (context, next) => {
  const response = await next();
  const h = response.headers;
  if (!h.has('cache-control')) h.set('cache-control', 'no-store');
  h.set('x-frame-options', 'DENY');
  h.set('x-content-type-options', 'nosniff');
  h.set('referrer-policy', 'same-origin');
  // Pages carry Astro's policy (astro.config.ts, with hashes); plain answers (403, 404, JSON, 413)
  // get one that allows nothing but the stylesheet. Neither may be framed.
  const csp = h.get('content-security-policy');
  if (!csp) h.set('content-security-policy', FALLBACK_CSP);
  else if (!csp.includes('frame-ancestors'))
    h.set('content-security-policy', `${csp.replace(/;\s*$/, '')}; frame-ancestors 'none'`);
  h.set('permissions-policy', PERMISSIONS_POLICY);
  h.set('cross-origin-opener-policy', 'same-origin');
  if (context.locals.runtime?.config.https) h.set('strict-transport-security', HSTS);
  return response;
});

const FALLBACK_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()';
/** Served over https (EXTRANET_URL): browsers must never come back over plain http. */
const HSTS = 'max-age=31536000; includeSubDomains';

// The built entry sets this flag, then imports this module at process start (astro.config.ts,
// eagerStart): migrations, demo accounts, events copy and outbox worker start before any request.
if ((globalThis as Record<symbol, unknown>)[Symbol.for('maillage.extranet.eagerStart')]) {
  getRuntime().catch((error) => {
    console.error('[extranet] démarrage impossible :', (error as Error).message);
    // A refused configuration is not a passing outage (the database may come back): stop at once.
    if (error instanceof DeploymentError) process.exit(1);
  });
}

export const onRequest = sequence(
  boot,
  queryLog,
  headers,
  formsOnly,
  bodyLimit,
  sameOrigin,
  session,
  adminTwoFactor,
);
