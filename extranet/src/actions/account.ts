import { z } from 'zod';
import { audit } from '../features/audit/audit.repository.ts';
import { throttledPasswordCheck, tooManyAttempts } from '../features/auth/signin.service.ts';
import { forgetUser } from '../features/auth/viewer-cache.ts';
import { FieldRefusal, formAction } from '../lib/action.ts';
import { authHeaders, clientIp } from '../lib/guard.ts';

const PASSWORD = 'Indiquez votre mot de passe.';
const CODE = 'Le code compte 6 chiffres. Recommencez l’activation.';

/** The signed-in person's own account (`/compte/securite`): two-factor authentication, in two steps. */
export const account = {
  /** Step 1, the password checked (throttled like the sign-in): the key and backup codes to note. */
  enableTwoFactor: formAction({
    input: z.object({
      password: z
        .string({ error: PASSWORD })
        .min(1, { error: PASSWORD })
        .max(256, { error: 'Mot de passe incorrect.' }),
    }),
    handler: async ({ password }, viewer, context) => {
      const { auth, db } = context.locals.runtime;
      const headers = authHeaders(context.request);
      const got: { result?: Awaited<ReturnType<typeof auth.api.enableTwoFactor>> | null } = {};
      const verdict = await throttledPasswordCheck(
        db,
        { email: viewer.email, ip: clientIp(context) },
        async () => {
          got.result = await auth.api.enableTwoFactor({ body: { password }, headers }).catch(() => null);
          return Boolean(got.result && 'totpURI' in got.result);
        },
      );
      if ('refusedMinutes' in verdict)
        throw new FieldRefusal({ form: tooManyAttempts(verdict.refusedMinutes) }, { status: 429 });
      if (!verdict.ok || !got.result || !('totpURI' in got.result))
        throw new FieldRefusal({ form: 'Mot de passe incorrect.' });
      await audit(db, {
        actorId: viewer.id,
        action: 'account.two-factor-setup',
        entityType: 'user',
        entityId: viewer.id,
      });
      const uri = String(got.result.totpURI);
      return {
        uri,
        secret: new URL(uri).searchParams.get('secret') ?? '',
        backupCodes: got.result.backupCodes,
      };
    },
  }),

  /** Step 2, the first code of the app: two-factor on, the session renewed (its cookies). */
  verifyTwoFactor: formAction({
    input: z.object({
      code: z
        .string({ error: CODE })
        .transform((v) => v.replace(/\s/g, ''))
        .pipe(z.string().regex(/^\d{6}$/, { error: CODE })),
    }),
    handler: async ({ code }, viewer, context) => {
      const { auth, db } = context.locals.runtime;
      const headers = authHeaders(context.request);
      const res = await auth.api.verifyTOTP({ body: { code }, headers, asResponse: true }).catch(() => null);
      if (!res?.ok) throw new FieldRefusal({ form: 'Code incorrect. Recommencez l’activation.' });
      forgetUser(viewer.id);
      await audit(db, {
        actorId: viewer.id,
        action: 'account.two-factor-enable',
        entityType: 'user',
        entityId: viewer.id,
      });
      return { cookies: res.headers.getSetCookie() };
    },
  }),
};
