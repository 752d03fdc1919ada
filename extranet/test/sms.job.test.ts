import { nowMs, setClock } from '@maillage/platform/clock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { brevoProvider } from '../src/features/sms/brevo.ts';
import {
  deliverDueSms,
  MAX_SMS_ATTEMPTS,
  PROVIDER_DOWN,
  type SmsWorkerOptions,
} from '../src/features/sms/sms.job.ts';
import { configureSmsQueue, queueSms } from '../src/features/sms/sms.service.ts';
import { twoInstances } from './support/database.ts';
import { type FakeBrevo, startFakeBrevo } from './support/fake-brevo.ts';
import { BACKENDS } from './support/server.ts';

/**
 * The SMS worker against a fake Brevo speaking HTTP on 127.0.0.1, on a real database (SQLite, and
 * PostgreSQL when TEST_DATABASE_URL is set), with the Paris clock set where each case needs it.
 */

// Tuesday 15 December 2026, 10:00 Paris (UTC+1)
const TUESDAY_10H = '2026-12-15T09:00:00.000Z';
let seq = 0;

describe.each(BACKENDS)('SMS worker on %s', (backend) => {
  let brevo: FakeBrevo;
  let db: { one: Db; two: Db; close(): Promise<void> };

  const worker = (on: Db, extra: Partial<SmsWorkerOptions> = {}): SmsWorkerOptions => ({
    db: on.db,
    kind: on.kind,
    provider: brevoProvider({ apiKey: brevo.apiKey, sender: 'Maillage', apiUrl: brevo.url, timeoutMs: 2000 }),
    publicUrl: 'https://extranet.maillage.test',
    ...extra,
  });
  const queue = async (text: string, to = `+3361${String(++seq).padStart(7, '0')}`) => {
    expect(
      await queueSms(db.one.db, { purpose: 'decision', dedupeKey: `t:${++seq}`, personId: null, to, text }),
    ).toBe('queued');
    return db.one.db.selectFrom('sms_message').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  };
  const row = (id: number) =>
    db.one.db.selectFrom('sms_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    brevo = await startFakeBrevo();
    db = await twoInstances(backend);
    configureSmsQueue({ automatic: true });
  });
  afterAll(async () => {
    configureSmsQueue({ automatic: false });
    setClock(null);
    await db?.close();
    await brevo?.stop();
  });
  afterEach(async () => {
    brevo.mode = 'ok';
    // Each case starts from an empty outbox.
    await db.one.db.deleteFrom('sms_message').execute();
  });

  it('sends each SMS once with two instances on one database, as Brevo expects it', async () => {
    setClock(TUESDAY_10H);
    const before = brevo.accepted.length;
    const texts = Array.from({ length: 8 }, (_, i) => `Maillage : message ${i} à Valenciennes`);
    for (const text of texts) await queue(text);
    for (let round = 0; round < 3; round++)
      await Promise.all([
        deliverDueSms(worker(db.one, { batchSize: 3 })),
        deliverDueSms(worker(db.two, { batchSize: 3 })),
      ]);
    const sent = brevo.accepted.slice(before);
    expect(sent.map((s) => s.content).sort()).toEqual(texts.map((t) => t.replace('à', 'à')).sort());
    const first = sent[0];
    expect(first).toMatchObject({
      sender: 'Maillage',
      type: 'transactional',
      unicodeEnabled: false,
      tag: 'decision',
    });
    expect(first?.recipient).toMatch(/^3361\d{7}$/);
    expect(first?.webUrl).toMatch(/^https:\/\/extranet\.maillage\.test\/api\/sms\/statut\/\d+\/[\w-]{43}$/);
    expect(brevo.requests.every((r) => r.apiKey === brevo.apiKey)).toBe(true);
    const rows = await db.one.db.selectFrom('sms_message').selectAll().execute();
    expect(rows.every((r) => r.status === 'sent' && r.provider === 'brevo' && r.attempts === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.provider_message_id)).size).toBe(8);
    // Only the secret's hash is kept: never the secret of the URL given to Brevo.
    for (const r of rows) expect(first?.webUrl.includes(r.callback_hash ?? '-')).toBe(false);
  });

  it('retries a provider that is down with a growing backoff, then hands the SMS to « À appeler »', async () => {
    setClock(TUESDAY_10H);
    brevo.mode = 'error';
    const sms = await queue('Maillage : panne');
    const requests = brevo.requests.length;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_SMS_ATTEMPTS; attempt++) {
      expect(await deliverDueSms(worker(db.one))).toBe(0);
      const r = await row(sms.id);
      if (attempt < MAX_SMS_ATTEMPTS) {
        expect(r.status).toBe('queued');
        expect(r.last_error).toContain('erreur du fournisseur (500)');
        waits.push(Date.parse(r.not_before) - nowMs());
        // Nothing leaves before its time…
        expect(await deliverDueSms(worker(db.one))).toBe(0);
        setClock(r.not_before);
      } else {
        expect(r.status).toBe('manual');
        expect(r.last_error).toBe(`${PROVIDER_DOWN} (erreur du fournisseur (500))`);
      }
    }
    expect(brevo.requests.length - requests).toBe(MAX_SMS_ATTEMPTS);
    // 30 s, 1 min, 2 min, 4 min, 8 min (give or take the test's own time)
    expect(waits.map((w) => Math.round(w / 30_000))).toEqual([1, 2, 4, 8, 16]);
  });

  it('sends it once the provider is back, within the attempts', async () => {
    setClock(TUESDAY_10H);
    brevo.mode = 'error';
    const sms = await queue('Maillage : revient');
    await deliverDueSms(worker(db.one));
    setClock((await row(sms.id)).not_before);
    brevo.mode = 'ok';
    expect(await deliverDueSms(worker(db.one))).toBe(1);
    expect(await row(sms.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('waits as long as a 429 Retry-After says, longer than its own backoff', async () => {
    setClock(TUESDAY_10H);
    brevo.mode = 'rate-limit';
    brevo.retryAfterSeconds = 600;
    const sms = await queue('Maillage : trop vite');
    await deliverDueSms(worker(db.one));
    const r = await row(sms.id);
    expect(r.status).toBe('queued');
    expect(Math.round((Date.parse(r.not_before) - Date.parse(TUESDAY_10H)) / 60_000)).toBe(10);
    const requests = brevo.requests.length;
    setClock(new Date(Date.parse(TUESDAY_10H) + 5 * 60_000));
    brevo.mode = 'ok';
    expect(await deliverDueSms(worker(db.one))).toBe(0);
    expect(brevo.requests.length).toBe(requests);
    setClock(r.not_before);
    expect(await deliverDueSms(worker(db.one))).toBe(1);
  });

  it('hands a refused number to « À appeler » at once, with the reason in French', async () => {
    setClock(TUESDAY_10H);
    brevo.mode = 'invalid-number';
    const sms = await queue('Maillage : numéro');
    const requests = brevo.requests.length;
    await deliverDueSms(worker(db.one));
    expect(await row(sms.id)).toMatchObject({
      status: 'manual',
      attempts: 1,
      last_error: 'Refusé par le fournisseur (numéro invalide) : à appeler',
    });
    setClock(new Date(Date.parse(TUESDAY_10H) + 3600_000));
    await deliverDueSms(worker(db.one));
    expect(brevo.requests.length - requests).toBe(1);
  });

  it('treats a wrong key and a provider that never answers as passing failures', async () => {
    setClock(TUESDAY_10H);
    const a = await queue('Maillage : clé');
    await deliverDueSms(
      worker(db.one, {
        provider: brevoProvider({ apiKey: 'mauvaise', sender: 'Maillage', apiUrl: brevo.url }),
      }),
    );
    expect(await row(a.id)).toMatchObject({
      status: 'queued',
      last_error: 'Nouvel essai prévu (clé du fournisseur refusée (401))',
    });
    await db.one.db.deleteFrom('sms_message').execute();
    brevo.mode = 'hang';
    const b = await queue('Maillage : silence');
    await deliverDueSms(
      worker(db.one, {
        provider: brevoProvider({
          apiKey: brevo.apiKey,
          sender: 'Maillage',
          apiUrl: brevo.url,
          timeoutMs: 300,
        }),
      }),
    );
    expect(await row(b.id)).toMatchObject({
      status: 'queued',
      last_error: 'Nouvel essai prévu (délai dépassé)',
    });
  });

  it('holds an SMS queued at 21:30 on Saturday until Monday 08:00, in winter and in summer', async () => {
    for (const [saturday, monday] of [
      ['2026-12-12T20:30:00.000Z', '2026-12-14T07:00:00.000Z'],
      ['2027-06-12T19:30:00.000Z', '2027-06-14T06:00:00.000Z'],
    ] as const) {
      setClock(saturday);
      const sms = await queue('Maillage : la nuit');
      expect(sms.not_before).toBe(monday);
      expect(await deliverDueSms(worker(db.one))).toBe(0);
      setClock(
        '2026-12-13T10:00:00.000Z' < saturday ? '2027-06-13T10:00:00.000Z' : '2026-12-13T10:00:00.000Z',
      );
      expect(await deliverDueSms(worker(db.one))).toBe(0);
      setClock(monday);
      expect(await deliverDueSms(worker(db.one))).toBe(1);
      expect((await row(sms.id)).sent_at?.slice(0, 16)).toBe(monday.slice(0, 16));
    }
  });

  it('checks the hours again when it claims: a message due at 19:59 found at 20:01 waits for the morning', async () => {
    setClock('2026-12-15T18:59:00.000Z');
    const sms = await queue('Maillage : juste avant');
    const requests = brevo.requests.length;
    setClock('2026-12-15T19:01:00.000Z');
    expect(await deliverDueSms(worker(db.one))).toBe(0);
    expect(brevo.requests.length).toBe(requests);
    expect(await row(sms.id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      not_before: '2026-12-16T07:00:00.000Z',
    });
  });

  it('sends at most 5 SMS a day to one number; the next ones leave the next morning', async () => {
    setClock(TUESDAY_10H);
    const to = '+33612345678';
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await queue(`Maillage : ${i}`, to)).id);
    expect(await deliverDueSms(worker(db.one))).toBe(5);
    const held = await db.one.db
      .selectFrom('sms_message')
      .selectAll()
      .where('status', '=', 'queued')
      .execute();
    expect(held).toHaveLength(2);
    for (const r of held) {
      expect(r.not_before).toBe('2026-12-16T07:00:00.000Z');
      expect(r.last_error).toBe('5 SMS déjà envoyés à ce numéro aujourd’hui : part le jour suivant');
      expect(r.attempts).toBe(0);
    }
    setClock('2026-12-16T07:00:00.000Z');
    expect(await deliverDueSms(worker(db.one))).toBe(2);
  });

  it('never sends more than 5 a day to one number, even with two instances sending at once', async () => {
    setClock(TUESDAY_10H);
    const to = '+33698765432';
    const before = brevo.accepted.length;
    for (let i = 0; i < 9; i++) await queue(`Maillage : ensemble ${i}`, to);
    for (let round = 0; round < 6; round++)
      await Promise.all([
        deliverDueSms(worker(db.one, { batchSize: 2 })),
        deliverDueSms(worker(db.two, { batchSize: 2 })),
      ]);
    const sent = brevo.accepted.slice(before).filter((s) => s.recipient === '33698765432');
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(5);
    const left = await db.one.db
      .selectFrom('sms_message')
      .select('status')
      .where('status', '=', 'queued')
      .execute();
    expect(left).toHaveLength(9 - sent.length);
  });

  it('keeps a delivery report that arrives before the provider has answered', async () => {
    setClock(TUESDAY_10H);
    const sms = await queue('Maillage : vite');
    const fast: SmsWorkerOptions['provider'] = {
      name: 'brevo',
      async send(message) {
        // Brevo calls back (delivered) before its own 201 reaches us.
        await db.two.db
          .updateTable('sms_message')
          .set({ status: 'delivered', delivered_at: TUESDAY_10H })
          .where('id', '=', message.id)
          .execute();
        return { providerMessageId: '42' };
      },
    };
    expect(await deliverDueSms(worker(db.one, { provider: fast }))).toBe(1);
    expect(await row(sms.id)).toMatchObject({
      status: 'delivered',
      provider_message_id: '42',
      delivered_at: TUESDAY_10H,
    });
    expect((await row(sms.id)).sent_at).not.toBeNull();
  });
});
