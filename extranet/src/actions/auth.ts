import { z } from 'zod';
import { resetPassword } from '../features/accounts/accounts.service.ts';
import { auditSignIn, signInWithPassword } from '../features/auth/signin.service.ts';
import {
  ACCOUNT_POLICY,
  accountKey,
  checkThrottle,
  IP_POLICY,
  ipKey,
  recordFailure,
} from '../features/auth/throttle.service.ts';
import { DEMO_ADMIN, DEMO_ADVISOR } from '../features/demo/demo.service.ts';
import { FieldRefusal, missingIsBlank, publicFormAction } from '../lib/action.ts';
import { authHeaders, clientIp, safeNext } from '../lib/guard.ts';

const signInForm = missingIsBlank(
  ['email', 'password', 'suivant'],
  z.object({
    email: z.string().trim().toLowerCase().email({ error: 'Indiquez une adresse e-mail valide.' }).max(254),
    password: z
      .string()
      .min(1, { error: 'Indiquez votre mot de passe.' })
      .max(256, { error: 'Mot de passe trop long.' }),
    suivant: z.string(),
  }),
);

const codeForm = missingIsBlank(['code', 'secours'], z.object({ code: z.string(), secours: z.string() }));

const EMAIL = 'Indiquez une adresse e-mail valide.';
const resetRequestForm = missingIsBlank(
  ['email'],
  z.object({ email: z.string().trim().toLowerCase().email({ error: EMAIL }).max(254, { error: EMAIL }) }),
);
const newPasswordForm = missingIsBlank(
  ['password', 'confirmation'],
  z.object({ password: z.string(), confirmation: z.string() }),
);

const DEMO_ACCOUNTS = [DEMO_ADMIN, DEMO_ADVISOR];
const WRONG = 'Adresse e-mail ou mot de passe incorrect.';

/** Signing in (`/connexion`): public, throttled per account and per address. */
export const auth = {
  /**
   * Email and password: where to go next (the page asked for, or the two-factor code) with the
   * session's cookies, or the same refusal for an unknown email and a wrong password.
   */
  signIn: publicFormAction({
    input: signInForm,
    handler: async ({ email, password, suivant }, context) => {
      const { db, auth: betterAuth, config } = context.locals.runtime;
      const target = safeNext(suivant);
      // Demo accounts work in demo mode only, even if a demo database was deployed by mistake.
      if (!config.demo && DEMO_ACCOUNTS.includes(email)) {
        await auditSignIn(db, { step: 'password', email, ok: false, reason: 'demo-refused' });
        throw new FieldRefusal({ form: WRONG }, { status: 401 });
      }
      const ip = clientIp(context);
      const outcome = await signInWithPassword(db, betterAuth, {
        email,
        password,
        ip,
        headers: context.request.headers,
      });
      // A password accepted with a code still to give is recorded when the code is (connexion/code).
      if (outcome.kind !== 'two-factor')
        await auditSignIn(db, {
          step: 'password',
          email,
          ok: outcome.kind === 'signed-in',
          reason: outcome.kind === 'refused' && outcome.status === 429 ? 'throttled' : 'wrong-credentials',
        });
      if (outcome.kind === 'refused')
        throw new FieldRefusal({ form: outcome.message }, { status: outcome.status });
      const location =
        outcome.kind === 'signed-in' ? target : `/connexion/code?suivant=${encodeURIComponent(target)}`;
      return { location, cookies: outcome.headers.getSetCookie() };
    },
  }),

  /**
   * The second step, after a password accepted (the pending sign-in's cookie stands for it): the
   * app's 6-digit code, or a backup code. The session's cookies, or one refusal for both.
   */
  verifyCode: publicFormAction({
    input: codeForm,
    handler: async ({ code, secours }, context) => {
      const { auth: betterAuth, db } = context.locals.runtime;
      const headers = authHeaders(context.request);
      const totp = z
        .string()
        .regex(/^\d{6}$/)
        .safeParse(code.replace(/\s/g, ''));
      const backup = secours.trim();
      let res: Response | null = null;
      if (backup)
        res = await betterAuth.api
          .verifyBackupCode({ body: { code: backup.slice(0, 64) }, headers, asResponse: true })
          .catch(() => null);
      else if (totp.success)
        res = await betterAuth.api
          .verifyTOTP({ body: { code: totp.data }, headers, asResponse: true })
          .catch(() => null);
      const signedIn = res?.ok
        ? ((await res
            .clone()
            .json()
            .catch(() => null)) as { user?: { id?: string } } | null)
        : null;
      await auditSignIn(db, {
        step: 'code',
        userId: signedIn?.user?.id ?? null,
        ok: Boolean(res?.ok),
        backupCode: Boolean(backup),
      });
      if (!res?.ok)
        throw new FieldRefusal({
          form: 'Code incorrect ou expiré. Vérifiez l’heure de votre téléphone et réessayez, ou reconnectez-vous.',
        });
      return { cookies: res.headers.getSetCookie() };
    },
  }),

  /**
   * « Mot de passe oublié » : a link sent if the account exists, the same answer either way.
   * Requests count as attempts (throttled), so the form cannot flood someone's mailbox.
   */
  requestReset: publicFormAction({
    input: resetRequestForm,
    handler: async ({ email }, context) => {
      const { db, auth: betterAuth } = context.locals.runtime;
      const keys = [
        { key: `reset:${accountKey(email)}`, policy: ACCOUNT_POLICY },
        { key: `reset:${ipKey(clientIp(context))}`, policy: IP_POLICY },
      ];
      const verdict = await checkThrottle(db, keys);
      if (!verdict.blockedUntil) {
        await recordFailure(db, keys);
        await betterAuth.api.requestPasswordReset({ body: { email } }).catch(() => null);
      }
      return { sent: true };
    },
  }),

  /** A new password, from the link of an invitation or a reset (its `token` in the page's address). */
  resetPassword: publicFormAction({
    input: newPasswordForm,
    handler: async ({ password, confirmation }, context) => {
      const { db, auth: betterAuth } = context.locals.runtime;
      const token = (context.url.searchParams.get('token') ?? '').slice(0, 200);
      const result = await resetPassword(db, betterAuth, { token, password, confirmation });
      if (!result.ok) throw new FieldRefusal({ form: result.error });
    },
  }),
};
