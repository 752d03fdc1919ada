import { randomUUID } from 'node:crypto';
import { registrationRequest } from '@maillage/contract';
import { describe, expect, it } from 'vitest';
import { allowedDecisions, decide } from '../src/features/registrations/decision.service.ts';
import { DecisionNotAllowedError } from '../src/features/registrations/errors.ts';
import { submitRegistration } from '../src/features/registrations/intake.service.ts';
import { withMigratedDatabase } from './support/database.ts';
import { defaultNotifySettings } from './support/notify-settings.ts';
import { BACKENDS } from './support/server.ts';

const admin = { id: 'admin-1', role: 'admin' as const, territories: [] };

describe('which decisions a request can take', () => {
  it('offers a waiting list for a session only, never for support or call-back requests', () => {
    expect(allowedDecisions({ status: 'received', kind: 'event' }).waitlist).toBe(true);
    expect(allowedDecisions({ status: 'received', kind: 'support' }).waitlist).toBe(false);
    expect(allowedDecisions({ status: 'received', kind: 'callback' }).waitlist).toBe(false);
    expect(allowedDecisions({ status: 'received', kind: 'support' })).toEqual({
      accept: true,
      waitlist: false,
      decline: true,
      cancel: true,
    });
    expect(allowedDecisions({ status: 'accepted', kind: 'event' })).toEqual({
      accept: false,
      waitlist: false,
      decline: false,
      cancel: true,
    });
  });
});

describe.each(BACKENDS)('decisions on %s', (backend) => {
  it('refuses to put a support or call-back request on a waiting list', async () => {
    await withMigratedDatabase(backend, async (db) => {
      for (const kind of ['support', 'callback'] as const) {
        const request = registrationRequest.parse({
          kind,
          idempotencyKey: randomUUID(),
          firstName: 'Awa',
          lastName: 'Diallo',
          phone: '0612345678',
          preferredContact: 'appel',
          communeInsee: '59606',
          communeName: 'Valenciennes',
          ...(kind === 'support' ? { projectIdea: 'Une épicerie solidaire' } : {}),
        });
        await submitRegistration(db.db, db.kind, request, { notify: defaultNotifySettings() });
        const row = await db.db
          .selectFrom('registration')
          .select(['id', 'status'])
          .where('kind', '=', kind)
          .executeTakeFirstOrThrow();
        await expect(
          decide(
            db.db,
            db.kind,
            { registrationId: row.id, decision: 'waitlist', viewer: admin },
            defaultNotifySettings(),
          ),
        ).rejects.toBeInstanceOf(DecisionNotAllowedError);
        const after = await db.db
          .selectFrom('registration')
          .select('status')
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        expect(after.status).toBe('received');
        // The same request can still be accepted.
        await decide(
          db.db,
          db.kind,
          { registrationId: row.id, decision: 'accept', viewer: admin },
          defaultNotifySettings(),
        );
      }
    });
  });
});
