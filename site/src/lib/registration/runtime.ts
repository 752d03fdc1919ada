import { EXTRANET_SERVICE_TOKEN, EXTRANET_URL } from 'astro:env/server';
import { createIntakeClient } from './intake.ts';
import { createRateLimiter } from './rate-limit.ts';
import { deriveKey } from './signing.ts';
import type { SubmitDeps } from './submit.ts';

/** Process-wide pieces of the registration forms, built once from the declared environment. */
export const keys = {
  stamp: deriveKey(EXTRANET_SERVICE_TOKEN, 'form-stamp'),
  confirmation: deriveKey(EXTRANET_SERVICE_TOKEN, 'confirmation'),
};

const intake = createIntakeClient({ baseUrl: EXTRANET_URL, token: EXTRANET_SERVICE_TOKEN });

const TEN_MINUTES = 10 * 60 * 1000;
// Generous: a professional at a shared office connection may register several people in a row.
const attempts = createRateLimiter({ limit: 60, windowMs: TEN_MINUTES });
const submissions = createRateLimiter({ limit: 20, windowMs: TEN_MINUTES });

export function submitDeps(clientAddress: string | undefined): SubmitDeps {
  return {
    stampKey: keys.stamp,
    confirmationKey: keys.confirmation,
    intake,
    attempts,
    submissions,
    clientAddress,
  };
}
