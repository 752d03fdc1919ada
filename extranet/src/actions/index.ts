import { account } from './account.ts';
import { accounts } from './accounts.ts';
import { appointments } from './appointments.ts';
import { auth } from './auth.ts';
import { calls } from './calls.ts';
import { indicators } from './indicators.ts';
import { mail } from './mail.ts';
import { notes } from './notes.ts';
import { persons } from './persons.ts';
import { registrations } from './registrations.ts';
import { retention } from './retention.ts';
import { sessions } from './sessions.ts';
import { supports } from './supports.ts';

/**
 * The extranet's forms (lib/action.ts says how a page posts to them without JavaScript). One group a
 * feature; each action checks the viewer itself, validates its form with zod, calls one service.
 */
export const server = {
  account,
  accounts,
  appointments,
  auth,
  calls,
  indicators,
  mail,
  notes,
  persons,
  registrations,
  retention,
  sessions,
  supports,
};
