import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { sendMail } from '../src/features/mail/mail.service.ts';
import { deliverDue, isPermanentFailure, MAX_ATTEMPTS } from '../src/features/mail/outbox.job.ts';
import { twoInstances } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

describe.each(BACKENDS)('outbox worker on %s', (backend) => {
  let one: Db;
  let two: Db; // a second server instance: its own connections
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ one, two, close } = await twoInstances(backend));
  });
  afterAll(() => close?.());

  /** A transport that hands each message to `send` (which may wait or throw). */
  const transportOf = <M>(send: (m: M) => Promise<void>) =>
    ({
      sendMail: async (m: M) => {
        await send(m);
        return { message: Buffer.from('') };
      },
    }) as unknown as Parameters<typeof deliverDue>[1];
  const workerOn = (db: Db) => ({
    db: db.db,
    kind: db.kind,
    from: 'Maillage <test@maillage.test>',
    smtpUrl: 'smtp://unused',
    outboxDir: '',
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
    const transport = transportOf(async (m: { headers: Record<string, string> }) => {
      await new Promise((r) => setTimeout(r, 2));
      sent.push(m.headers['X-Maillage-Outbox-Id'] as string);
    });
    const options = (db: Db) => ({ ...workerOn(db), batchSize: 7 });
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

  it('sends nothing after its claim ran out: the rest of a slow batch is claimed again later', async () => {
    const ids = [
      await sendMail(one.db, { kind: 'test', to: 'lent1@exemple.test', subject: 'Lent 1', text: 'x' }),
      await sendMail(one.db, { kind: 'test', to: 'lent2@exemple.test', subject: 'Lent 2', text: 'x' }),
    ];
    const sent: string[] = [];
    const transport = transportOf(async (m: { subject: string }) => {
      await new Promise((r) => setTimeout(r, 300)); // longer than what is left of the claim
      sent.push(m.subject);
    });
    const options = { ...workerOn(one), lockMs: 400 };
    expect(await deliverDue(options, transport)).toBe(1);
    expect(sent).toEqual(['Lent 1']);
    const left = await one.db
      .selectFrom('outbox')
      .select('status')
      .where('id', '=', ids[1]!)
      .executeTakeFirstOrThrow();
    expect(left.status).toBe('sending');
    await new Promise((r) => setTimeout(r, 450)); // the claim has passed
    expect(await deliverDue({ ...options, lockMs: 60_000 }, transport)).toBe(1);
    expect(sent).toEqual(['Lent 1', 'Lent 2']);
    const rows = await one.db
      .selectFrom('outbox')
      .select(['status', 'attempts'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { status: 'sent', attempts: 1 },
      { status: 'sent', attempts: 2 },
    ]);
  });

  it('keeps retrying through a long SMTP outage, and gives up only on a permanent refusal', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' });
    const refused = Object.assign(new Error('550 5.1.1 mailbox unknown'), {
      code: 'EENVELOPE',
      responseCode: 550,
    });
    const ids = [
      await sendMail(one.db, { kind: 'test', to: 'panne@exemple.test', subject: 'Panne', text: 'x' }),
      await sendMail(one.db, { kind: 'test', to: 'inconnu@exemple.test', subject: 'Refus', text: 'x' }),
    ];
    // Both have already been tried for a long time; this attempt is the last one allowed.
    await one.db
      .updateTable('outbox')
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where('id', 'in', ids)
      .execute();
    const transport = transportOf(async (m: { subject: string }) => {
      throw m.subject === 'Panne' ? down : refused;
    });
    const options = workerOn(one);
    expect(await deliverDue(options, transport)).toBe(0);
    const rows = await one.db
      .selectFrom('outbox')
      .select(['id', 'status', 'attempts'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', MAX_ATTEMPTS],
      ['failed', MAX_ATTEMPTS],
    ]);
    expect(
      isPermanentFailure(Object.assign(new Error('451 try later'), { code: 'EENVELOPE', responseCode: 451 })),
    ).toBe(false);
  });
});
