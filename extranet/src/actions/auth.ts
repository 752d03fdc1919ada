import { z } from 'zod';
import { auditSignIn } from '../features/auth/signin.audit.ts';
import { signInWithPassword } from '../features/auth/signin.service.ts';
import { DEMO_ADMIN, DEMO_ADVISOR } from '../features/demo/demo.service.ts';
import { FieldRefusal, missingIsBlank, publicFormAction } from '../lib/action.ts';
import { clientIp, safeNext } from '../lib/guard.ts';

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
};
