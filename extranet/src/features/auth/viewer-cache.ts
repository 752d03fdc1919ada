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
  /** the session's idle expiry, as last read from the database (ms) */
  expiresAt: number;
  cachedAt: number;
}

// Machine time, not the app's clock: better-auth dates sessions on the machine's clock (as the
// middleware's lifetime check does), and the cache's few seconds are real elapsed time.
const entries = new Map<string, Entry>();

/** better-auth's session cookie (cookiePrefix `maillage`); under the __Host- prefix over https. */
export function sessionCookieName(https: boolean): string {
  return https ? '__Host-maillage.session_token' : 'maillage.session_token';
}

/** The cache key of a request's session cookie, or null when it carries none. */
export function viewerKey(headers: Headers, https: boolean): string | null {
  const name = `${sessionCookieName(https)}=`;
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const c = part.trim();
    if (c.startsWith(name) && c.length > name.length)
      return createHash('sha256').update(c.slice(name.length)).digest('base64url');
  }
  return null;
}

/** The viewer of a verified session cookie read less than VIEWER_TTL_MS ago, still within its expiry. */
export function cachedViewer(key: string): Entry | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  const now = Date.now();
  if (now - entry.cachedAt >= VIEWER_TTL_MS || now >= entry.expiresAt) {
    entries.delete(key);
    return undefined;
  }
  return entry;
}

export function rememberViewer(key: string, entry: Omit<Entry, 'cachedAt'>): void {
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) {
    // Oldest first (insertion order): sweep what has expired, else drop the oldest.
    const now = Date.now();
    for (const [k, e] of entries) if (now - e.cachedAt >= VIEWER_TTL_MS) entries.delete(k);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  }
  entries.set(key, { ...entry, cachedAt: Date.now() });
}

export function forgetViewer(key: string): void {
  entries.delete(key);
}

/** Every session of an account: it was disabled, its password, two-factor or territories changed. */
export function forgetUser(userId: string): void {
  for (const [k, e] of entries) if (e.user.id === userId) entries.delete(k);
}
