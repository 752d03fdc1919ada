import { z } from 'zod';
import { retryNow } from '../features/mail/outbox.service.ts';
import { FieldRefusal, formAction } from '../lib/action.ts';
import { recordId } from '../lib/page.ts';

/** The outbox (`/courriels`, admins only: addresses are personal data). */
export const mail = {
  /** A held or failed message sent again now. */
  retry: formAction({
    role: 'admin',
    input: z.object({ retry: z.unknown().optional() }),
    handler: async ({ retry }, viewer, { locals }) => {
      const id = recordId.safeParse(retry);
      if (!id.success) throw new FieldRefusal({ form: 'Message introuvable.' });
      await retryNow(locals.runtime.db, viewer, id.data);
      return { id: id.data };
    },
  }),
};
