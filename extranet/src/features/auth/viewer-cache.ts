import { createHash } from 'node:crypto';
import type { Viewer } from './viewer.ts';

/**
 * Who is signed in, kept a few seconds per session so that a signed-in page does not read the
 * session, its account and the account's territories on every request (issue 25: that layer was
 * two thirds of a signed-in request).
 *
 * - The key is a hash of the whole session cookie as the browser sent it (token and signature):
 *   only a cookie that better-auth verified once is ever found here; the token itself is not kept
 *   as a key.
 * - Revocation: on this instance at once — signing out, disabling an account, a password reset,
 *   two-factor changes and territory changes call `forgetViewer` / `forgetUser`; on another instance
 *   within VIEWER_TTL_MS, when its entry expires and the session is read again from the database.
 * - The session's own limits still hold on every hit: its idle expiry as last read, and the
 *   12-hour absolute lifetime (checked by the middleware from `sessionCreatedAt`).
 */
export const VIEWER_TTL_MS = 5_000;
const MAX_ENTRIES = 5_000;

/** The signed-in account as pages see it (lib/guard.ts's CurrentUser). */
export interface SignedInUser extends Viewer {
  email: string;
  name: string;
  twoFactorEnabled: boolean;
  sessionCreatedAt: Date;
}

interface Entry {
  user: SignedInUser;
  token: string;
  /** the session's idle expiry, as last read from the database (machine time, ms) */
  expiresAt: number;
  /** when it was read (performance.now(): a monotonic clock, whatever the machine's clock does) */
  readAt: number;
}

// The session's limits in machine time, not the app's clock: better-auth dates sessions on the
// machine's clock (as the middleware's lifetime check does); the cache's few seconds are monotonic.
const entries = new Map<string, Entry>();

/** better-auth's session cookie (cookiePrefix `maillage`); under the __Host- prefix over https. */
export function sessionCookieName(https: boolean): string {
  return https ? '__Host-maillage.session_token' : 'maillage.session_token';
}

/** A request's session cookie as better-auth reads it: the first of that name, trimmed, unquoted, decoded. */
function sessionCookie(headers: Headers, https: boolean): string | null {
  const name = sessionCookieName(https);
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
    return value || null;
  }
  return null;
}

/**
 * The cache key of a request's session cookie, or null when it carries none: a hash of the signed
 * value (`<token>.<signature>`), never the token itself.
 */
export function viewerKey(headers: Headers, https: boolean): { key: string; value: string } | null {
  const value = sessionCookie(headers, https);
  return value ? { key: createHash('sha256').update(value).digest('base64url'), value } : null;
}

/**
 * Bumped by every revocation: a request that read a session before a revocation must not put it
 * back in the cache after it (its `generation`, taken before the read, is then stale).
 */
let generation = 0;

export function viewerGeneration(): number {
  return generation;
}

/** The viewer of a verified session cookie read less than VIEWER_TTL_MS ago, still within its expiry. */
export function cachedViewer(key: string): Entry | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (performance.now() - entry.readAt >= VIEWER_TTL_MS || Date.now() >= entry.expiresAt) {
    entries.delete(key);
    return undefined;
  }
  return entry;
}

/**
 * Keeps what a request read, unless a revocation happened since it started reading (`since`) or the
 * cookie does not carry the session better-auth verified (`value` is `<token>.<signature>`).
 */
export function rememberViewer(
  cookie: { key: string; value: string },
  entry: Omit<Entry, 'readAt'>,
  read: { since: number; at: number },
): void {
  if (read.since !== generation || !cookie.value.startsWith(`${entry.token}.`)) return;
  const { key } = cookie;
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) {
    // Oldest first (insertion order): drop what has expired, then the oldest if still full.
    for (const [k, e] of entries) {
      if (performance.now() - e.readAt < VIEWER_TTL_MS) break;
      entries.delete(k);
    }
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  }
  entries.set(key, { ...entry, user: Object.freeze({ ...entry.user }), readAt: read.at });
}

export function forgetViewer(key: string): void {
  generation++;
  entries.delete(key);
}

/** Every session of an account: it was disabled, its password, two-factor or territories changed. */
export function forgetUser(userId: string): void {
  generation++;
  for (const [k, e] of entries) if (e.user.id === userId) entries.delete(k);
}
