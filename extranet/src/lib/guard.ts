import { clientAddress } from '@maillage/platform/client-address';
import type { APIContext, AstroGlobal } from 'astro';
import type { SignedInUser } from '../features/auth/viewer-cache.ts';

export type CurrentUser = SignedInUser;

type Ctx = Pick<AstroGlobal | APIContext, 'locals' | 'url' | 'redirect'>;

/** Where an anonymous visitor is sent: the sign-in page, then back to where they were going. */
function signInRedirect(ctx: Pick<Ctx, 'url' | 'redirect'>): Response {
  const back = new URL(ctx.url);
  back.searchParams.delete('_action'); // a form action's post: come back to the page, not the action
  const next = back.pathname + back.search;
  return ctx.redirect(`/connexion?suivant=${encodeURIComponent(next)}`, 303);
}

function plainPage(status: number, title: string, body: string): Response {
  return new Response(
    `<!doctype html><html lang="fr"><meta charset="utf-8"><title>${title}</title><h1>${title}</h1>${body}`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8' } },
  );
}

function forbidden(): Response {
  return plainPage(
    403,
    'Accès refusé',
    '<p>Votre compte ne permet pas d’ouvrir cette page.</p><p><a href="/demandes">Retour aux demandes</a></p>',
  );
}

/** 404 for a record that does not exist or that the viewer may not see (the same answer). */
export function notFound(
  what:
    | 'Demande'
    | 'Message'
    | 'Session'
    | 'Personne'
    | 'Accompagnement'
    | 'Note'
    | 'Rendez-vous'
    | 'Document',
  back: { href: string; label: string },
): Response {
  return plainPage(404, `${what} introuvable`, `<p><a href="${back.href}">${back.label}</a></p>`);
}

/**
 * The one rule of the guards (pages: requireUser, JSON: requireApiUser, actions:
 * requireActionUser in lib/action.ts): who is refused, and why.
 */
export function refusal(
  user: CurrentUser | null | undefined,
  options: { role?: 'admin' } = {},
): 'anonymous' | 'role' | null {
  if (!user) return 'anonymous';
  if (options.role && user.role !== options.role) return 'role';
  return null;
}

/**
 * Every page and endpoint that shows or changes personal data starts with this check, on top of
 * the middleware: anonymous → sign-in page; wrong role → 403. Returns the user or a Response.
 */
export function requireUser(ctx: Ctx, options: { role?: 'admin' } = {}): CurrentUser | Response {
  const user = ctx.locals.user;
  const refused = refusal(user, options);
  if (refused === 'anonymous') return signInRedirect(ctx);
  if (refused === 'role') return forbidden();
  return user as CurrentUser;
}

/** Same check for JSON endpoints: 401/403 as JSON, never a redirect. */
export function requireApiUser(ctx: Ctx, options: { role?: 'admin' } = {}): CurrentUser | Response {
  const user = ctx.locals.user;
  const refused = refusal(user, options);
  if (refused === 'anonymous')
    return Response.json({ error: 'unauthorized', message: 'Connexion requise.' }, { status: 401 });
  if (refused === 'role')
    return Response.json({ error: 'forbidden', message: 'Accès refusé.' }, { status: 403 });
  return user as CurrentUser;
}

const LOCAL_BASE = 'http://extranet.invalid';

/**
 * A safe local path to go back to after signing in (no open redirect). The value is resolved the
 * way a browser would resolve a Location header against the extranet's own origin: anything that
 * lands on another origin (`//evil`, `/\\evil`, `/%09/evil` once the browser strips the tab…) is
 * refused, and so is any control character or backslash, even encoded, rather than guessing what
 * a browser makes of it.
 */
export function safeNext(value: string | null | undefined): string {
  // After sign-in the advisor lands on the home page (« Ma journée ») unless a safe `suivant` says otherwise.
  const fallback = '/';
  if (!value || value.length > 2000 || !value.startsWith('/')) return fallback;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  const forbidden = /[\u0000-\u001f\u007f\\]/;
  if (forbidden.test(value) || forbidden.test(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(value, LOCAL_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== LOCAL_BASE || value.startsWith('//')) return fallback;
  return url.pathname + url.search + url.hash;
}

/** The request's headers as better-auth reads them (its session cookies), without the form body's. */
export function authHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  headers.delete('content-type');
  headers.delete('content-length');
  return headers;
}

/** Copies the Set-Cookie headers of a better-auth response (or an action's copy of them) onto a redirect. */
export function redirectWithCookies(
  location: string,
  from: Headers | readonly string[] | null | undefined,
  status = 303,
): Response {
  const headers = new Headers({ location });
  const cookies = from instanceof Headers ? from.getSetCookie() : (from ?? []);
  for (const c of cookies) headers.append('set-cookie', c);
  return new Response(null, { status, headers });
}

/**
 * The client's IP address for throttling: the right-most X-Forwarded-For hop that our
 * TRUSTED_PROXIES reverse proxies did not add (the socket's address when there is none).
 */
export function clientIp(ctx: { request: Request; clientAddress: string; locals: App.Locals }): string {
  return clientAddress({
    forwardedFor: ctx.request.headers.get('x-forwarded-for'),
    socketAddress: ctx.clientAddress,
    trustedProxies: ctx.locals.runtime.config.trustedProxies,
  });
}
