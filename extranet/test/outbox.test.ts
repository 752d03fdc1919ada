import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { sendMail } from '../src/features/mail/mail.ts';
import { deliverDue } from '../src/features/mail/worker.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';

describe.each(BACKENDS)('outbox worker on %s', (backend) => {
  let database: Awaited<ReturnType<typeof throwawayDatabase>>;
  let one: Db;
  let two: Db;

  beforeAll(async () => {
    database = await throwawayDatabase(backend);
    one = database.open();
    two = database.open(); // a second server instance: its own connections
    await migrateToLatest(one.db);
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('never sends a message twice when two instances deliver at the same time', async () => {
    for (let i = 0; i < 40; i++) {
      await sendMail(one.db, {
        kind: 'test',
        to: `personne${i}@exemple.test`,
        subject: `Message ${i}`,
        text: 'Bonjour',
      });
    }
    const sent: string[] = [];
    // A transport that only records what it was asked to send (and takes a little time, like SMTP).
    const transport = {
      sendMail: async (m: { headers: Record<string, string> }) => {
        await new Promise((r) => setTimeout(r, 2));
        sent.push(m.headers['X-Maillage-Outbox-Id'] as string);
        return { message: Buffer.from('') };
      },
    } as unknown as Parameters<typeof deliverDue>[1];
    const options = (db: Db) => ({
      db: db.db,
      kind: db.kind,
      from: 'Maillage <test@maillage.test>',
      smtpUrl: 'smtp://unused',
      outboxDir: '',
      batchSize: 7,
    });
    const drain = async (db: Db) => {
      while ((await deliverDue(options(db), transport)) > 0) {
        // keep going
      }
    };
    await Promise.all([drain(one), drain(two), drain(one), drain(two)]);
    expect(sent).toHaveLength(40);
    expect(new Set(sent).size).toBe(40);
    const rows = await one.db.selectFrom('outbox').select(['status', 'attempts', 'sent_at']).execute();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.sent_at)).toBe(true);
  });
});
