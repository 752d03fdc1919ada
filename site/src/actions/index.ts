import { defineAction } from 'astro:actions';
import { TRUSTED_PROXIES } from 'astro:env/server';
import { clientAddress } from '@maillage/platform/client-address';
import type { FormKind } from '../lib/registration/fields.ts';
import { submitDeps } from '../lib/registration/forms.ts';
import { submitRegistration } from '../lib/registration/submit.ts';

/**
 * The four public forms. Each takes the raw form (`accept: 'form'`, no input schema here on
 * purpose): the anti-bot checks must run before validation, and validation itself is the
 * extranet's contract (`@maillage/contract`), applied in submitRegistration.
 */
function registrationAction(kind: FormKind) {
  return defineAction({
    accept: 'form',
    handler: async (form, context) => {
      let address: string | undefined;
      try {
        // The same reading of X-Forwarded-For as the extranet's (TRUSTED_PROXIES hops from the right).
        address = clientAddress({
          forwardedFor: context.request.headers.get('x-forwarded-for'),
          socketAddress: context.clientAddress,
          trustedProxies: TRUSTED_PROXIES,
        });
      } catch {
        address = undefined;
      }
      return submitRegistration(form, kind, submitDeps(address));
    },
  });
}

export const server = {
  registerForEvent: registrationAction('event'),
  requestSupport: registrationAction('support'),
  requestCallback: registrationAction('callback'),
  registerOnBehalf: registrationAction('prescriber'),
};
