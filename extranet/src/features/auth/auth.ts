import { betterAuth } from 'better-auth';
import { twoFactor } from 'better-auth/plugins';
import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { sendMail } from '../mail/mail.service.ts';
import { passwordResetMail } from '../mail/templates.ts';
import { findUserDisabled } from './auth.repository.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.rules.ts';
import { sessionCookieName } from './viewer-cache.ts';

/** 30 minutes without activity ends a session… */
const SESSION_IDLE_SECONDS = 30 * 60;
/** …and no session lives longer than 12 hours (checked in src/middleware.ts). */
export const SESSION_MAX_AGE_MS = 12 * 3600_000;
export const INVITATION_SECONDS = 7 * 24 * 3600;

export interface AuthOptions {
  db: Kysely<Database>;
  kind: DbKind;
  secret: string;
  baseURL: string;
  /** served over https: Secure cookies, and the session cookie under the __Host- prefix */
  https: boolean;
}

/**
 * better-auth, used from the server only: the extranet's own pages call `auth.api.*` (no
 * /api/auth routes are exposed), so every form works without JavaScript and goes through our
 * validation, throttling and audit.
 */
export function createAuth(options: AuthOptions) {
  const { db } = options;
  return betterAuth({
    appName: 'Maillage',
    baseURL: options.baseURL,
    secret: options.secret,
    telemetry: { enabled: false },
    database: { db: db as unknown as Kysely<any>, type: options.kind },
    trustedOrigins: [options.baseURL],
    user: {
      modelName: 'users',
      additionalFields: {
        role: { type: 'string', required: true, defaultValue: 'advisor', input: false },
        disabled: { type: 'boolean', required: true, defaultValue: false, input: false },
      },
    },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 3600,
      sendResetPassword: async ({ user, token }) => {
        const link = new URL(`/mot-de-passe?token=${encodeURIComponent(token)}`, options.baseURL).toString();
        await sendMail(db, passwordResetMail(user.email, user.name, link));
      },
    },
    session: {
      expiresIn: SESSION_IDLE_SECONDS,
      // Slide the expiry at most once a minute: 30 min of inactivity ends the session.
      updateAge: 60,
      cookieCache: { enabled: false },
    },
    verification: { storeIdentifier: 'hashed' },
    // Our own throttling (features/auth/throttle.service.ts) is stored in the database and grows delays.
    rateLimit: { enabled: false },
    advanced: {
      // The session and its user in one query (a join) instead of two on every request.
      database: { joins: true },
      cookiePrefix: 'maillage',
      // Secure whenever the extranet is served over https (whatever NODE_ENV says). The session
      // cookie then takes the __Host- prefix (Secure, Path=/, no Domain: no subdomain can set or
      // shadow it) instead of better-auth's __Secure-.
      useSecureCookies: false,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure: options.https, path: '/' },
      ...(options.https ? { cookies: { session_token: { name: sessionCookieName(true) } } } : {}),
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const user = await findUserDisabled(db, session.userId);
            if (!user || user.disabled === true || user.disabled === 1) return false;
            return { data: session };
          },
        },
      },
    },
    plugins: [twoFactor({ issuer: 'Maillage extranet' })],
  });
}

export type Auth = ReturnType<typeof createAuth>;
