import { z } from 'zod';
import { acceptMany, bulkAcceptForm } from '../features/registrations/decision.service.ts';
import { INBOX_FILTER_FIELDS } from '../features/registrations/inbox.view.ts';
import { anyFields, formAction } from '../lib/action.ts';
import { list } from '../lib/http.ts';
import { sealedFilterLocation } from '../lib/page.ts';

/** The inbox (`/demandes`): its filters, and the requests accepted at once. */
export const registrations = {
  /** Where the filtered list is: the search sealed into `r`, never in the URL (POST → redirect → GET). */
  filter: formAction({
    input: anyFields,
    handler: async (form, _viewer, { locals }) =>
      sealedFilterLocation('/demandes', form, INBOX_FILTER_FIELDS, {
        sealer: locals.runtime.sealer,
        maxLength: 80,
      }),
  }),

  /** The checked requests accepted, as far as places allow: how many were, how many were not. */
  accept: formAction({
    input: z.object({ ids: z.preprocess((v) => list(v as string | string[] | undefined), bulkAcceptForm) }),
    handler: async ({ ids }, viewer, { locals }) => {
      const { db, kind, notify } = locals.runtime;
      return acceptMany(db, kind, viewer, ids, notify);
    },
  }),
};
