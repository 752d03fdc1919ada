import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, parisInstant } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasePerson } from '../src/features/retention/erasure.service.ts';
import { smsFileName } from '../src/features/sms/brevo.ts';
import { Browser, location } from './support/browser.ts';
import { type BrevoSms, brevoReport, type FakeBrevo, startFakeBrevo } from './support/fake-brevo.ts';
import { addEvent, eventRequest, intake } from './support/fixtures.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/**
 * The built extranet sending SMS through a fake Brevo over HTTP, Brevo's delivery reports and
 * replies posted back to it, and what advisors then see; and demo mode's SMS folder with /sms. The
 * server runs as if on a weekday morning (MAILLAGE_NOW): no SMS is held for the night.
 */

/** The next Tuesday (at least tomorrow), 10:00 Paris. */
function tuesdayMorning(): string {
  let day = addDays(new Date().toISOString().slice(0, 10), 1);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
  return parisInstant(day, '10:00').toISOString();
}

async function until<T>(what: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await what();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('attendu en vain');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function text(res: Response | Promise<Response>): Promise<string> {
  return (await res).text();
}

describe.each(BACKENDS)('SMS through Brevo on %s', (backend) => {
  let brevo: FakeBrevo;
  let server: RunningServer;
  let admin: Browser;

  beforeAll(async () => {
    brevo = await startFakeBrevo();
    server = await startServer(backend, {
      SMS_PROVIDER: 'brevo',
      BREVO_API_KEY: brevo.apiKey,
      SMS_SENDER: 'Maillage',
      BREVO_API_URL: brevo.url,
      MAILLAGE_NOW: tuesdayMorning(),
    });
    await addEvent(server.db, 'ev-sms', 'valenciennois', 10);
    admin = new Browser(server.url);
    expect(location(await admin.signIn('admin@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
  });
  afterAll(async () => {
    await server?.stop();
    await brevo?.stop();
  });

  /** A request from someone who prefers SMS, and the receipt SMS Brevo received for it. */
  async function smsRequest(extra: Record<string, unknown> = {}) {
    const body = eventRequest('ev-sms', { email: undefined, preferredContact: 'sms', ...extra });
    const res = await intake(server.url, body);
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    const reg = await server.db.db
      .selectFrom('registration')
      .select(['id', 'person_id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const recipient = `33${String(body.phone).slice(1)}`;
    const sms = await until<BrevoSms>(() => brevo.accepted.find((s) => s.recipient === recipient));
    const row = await until(async () => {
      const r = await server.db.db
        .selectFrom('sms_message')
        .selectAll()
        .where('registration_id', '=', reg.id)
        .executeTakeFirst();
      return r?.status === 'sent' ? r : undefined;
    });
    return { id: reg.id, personId: reg.person_id, sms, row };
  }

  it('sends the receipt by SMS, and shows on the request page when it was sent, then delivered', async () => {
    const { id, sms, row } = await smsRequest();
    expect(sms.content).toMatch(
      /^Maillage : nous avons bien votre demande \(dossier MAI-\d{4}-\d{6}\)\. Réponse sous 2 jours ouvrés\.$/,
    );
    expect(sms).toMatchObject({
      sender: 'Maillage',
      type: 'transactional',
      unicodeEnabled: false,
      tag: 'receipt',
    });
    expect(sms.webUrl.startsWith(`${server.url}/api/sms/statut/${row.id}/`)).toBe(true);
    expect(await text(admin.get(`/demandes/${id}`))).toContain('SMS envoyé le');

    const delivered = await brevo.report(sms.webUrl, brevoReport(sms, 'delivered'));
    expect(delivered).toEqual({ status: 200, body: JSON.stringify({ ok: true, changed: true }) });
    const page = await text(admin.get(`/demandes/${id}`));
    expect(page).toContain('SMS délivré le');
    expect(page).not.toContain('prévenu');

    // The same report again, then a late failure: nothing changes, and Brevo is told 200.
    expect(await brevo.report(sms.webUrl, brevoReport(sms, 'delivered'))).toEqual({
      status: 200,
      body: JSON.stringify({ ok: true, changed: false }),
    });
    expect((await brevo.report(sms.webUrl, brevoReport(sms, 'hardBounce'))).body).toContain(
      '"changed":false',
    );
    const after = await server.db.db
      .selectFrom('sms_message')
      .select(['status', 'delivered_at'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('delivered');
  });

  it('confirms a place by SMS with a short link to « je ne peux pas venir », and says so after the decision', async () => {
    const { id, sms: receipt } = await smsRequest({ firstName: 'Louna' });
    const decided = await admin.post(`/demandes/${id}?_action=registrations.decide`, {
      registration: String(id),
      decision: 'accept',
    });
    expect(decided.status).toBe(303);
    const flash = await text(admin.get(location(decided)));
    expect(flash).toMatch(/Inscription acceptée\. (SMS en file d’envoi|SMS en cours d’envoi|SMS envoyé le)/);
    expect(flash).not.toContain('prévenu');
    const confirmation = await until<BrevoSms>(() =>
      brevo.accepted.find(
        (s) => s.recipient === receipt.recipient && s.content.startsWith('Maillage : place confirmée'),
      ),
    );
    expect(confirmation.content.length).toBeLessThanOrEqual(160);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/c\/[\w-]{22})$/.exec(confirmation.content)?.[1] as string;
    expect(link).toBeDefined();
    const anonymous = new Browser(server.url);
    const short = await anonymous.get(new URL(link).pathname);
    expect(short.status).toBe(303);
    expect(location(short)).toMatch(/^\/je-ne-peux-pas-venir\?t=/);
    expect(await text(anonymous.get(location(short)))).toContain('Je confirme : je ne peux pas venir');
    expect((await anonymous.get('/c/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
  });

  it('refuses a bad secret (404), a body over 16 KB (413), invalid JSON (400), another number (refused, never applied)', async () => {
    const { sms, row } = await smsRequest();
    const secret = sms.webUrl.split('/').at(-1) as string;
    const forged = sms.webUrl.replace(secret, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`);
    expect((await brevo.report(forged, brevoReport(sms, 'delivered'))).status).toBe(404);
    const otherId = sms.webUrl.replace(`/statut/${row.id}/`, `/statut/${row.id + 1000}/`);
    const notFound = await brevo.report(otherId, brevoReport(sms, 'delivered'));
    expect(notFound).toEqual({ status: 404, body: JSON.stringify({ error: 'not-found' }) });
    expect(
      (
        await brevo.report(sms.webUrl, null, {
          raw: JSON.stringify({ ...brevoReport(sms, 'delivered'), pad: 'x'.repeat(17_000) }),
        })
      ).status,
    ).toBe(413);
    expect((await brevo.report(sms.webUrl, null, { raw: '{"msg_status": "delivered",' })).status).toBe(400);
    const mismatch = await brevo.report(sms.webUrl, brevoReport(sms, 'hardBounce', { to: '33699999999' }));
    expect(mismatch.status).toBe(422);
    const still = await server.db.db
      .selectFrom('sms_message')
      .select('status')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(still.status).toBe('sent');
    expect(server.logs()).toContain('compte rendu refusé : numéro différent de celui du message');
    expect(server.logs()).not.toContain('33699999999');
    expect(server.logs()).not.toContain(sms.recipient);
  });

  it('puts an undelivered SMS back in « À appeler » with the reason, for an advisor to record', async () => {
    const { id, sms, row } = await smsRequest({ firstName: 'Ophélie' });
    expect((await brevo.report(sms.webUrl, brevoReport(sms, 'hard_bounce'))).status).toBe(200);
    const list = await text(admin.get('/a-appeler'));
    expect(list).toContain('Non délivré (numéro invalide) : à appeler');
    expect(list).toContain('Ophélie');
    expect(await text(admin.get(`/demandes/${id}`))).toContain('Non délivré (numéro invalide) : à appeler');
    const recorded = await admin.post('/a-appeler?_action=calls.sms', {
      id: String(row.id),
      outcome: 'joint',
    });
    expect(recorded.status).toBe(303);
    const done = await server.db.db
      .selectFrom('sms_message')
      .select('status')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(done.status).toBe('done-by-hand');
    expect(await text(admin.get('/a-appeler'))).not.toContain('Ophélie');
  });

  it('stops SMS to someone who answered STOP, calls them instead, and lets an advisor resume only at their request', async () => {
    const { id, personId, sms } = await smsRequest({ firstName: 'Yanis' });
    // An SMS to them still waiting (for Monday morning, say): a call instead once they said STOP.
    await server.db.db
      .insertInto('sms_message')
      .values({
        purpose: 'reminder',
        dedupe_key: `test-attente-${personId}`,
        person_id: personId,
        registration_id: id,
        to_phone: `+${sms.recipient}`,
        text_body: 'Maillage : rappel',
        segments: 1,
        status: 'queued',
        not_before: '2099-01-05T07:00:00.000Z',
        created_at: new Date().toISOString(),
      })
      .execute();
    expect((await brevo.report(sms.webUrl, brevoReport(sms, 'replied', { reply: '  sToP ' }))).status).toBe(
      200,
    );
    const waiting = await server.db.db
      .selectFrom('sms_message')
      .select(['status', 'last_error'])
      .where('dedupe_key', '=', `test-attente-${personId}`)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({
      status: 'manual',
      last_error: 'A répondu STOP : appelez au lieu d’envoyer ce SMS',
    });
    const person = await server.db.db
      .selectFrom('person')
      .select('sms_opt_out_at')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(person.sms_opt_out_at).not.toBeNull();
    const audited = await server.db.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'person.sms-opt-out')
      .where('person_id', '=', personId)
      .execute();
    expect(audited).toEqual([{ actor_id: null }]);
    // A decision now: no SMS, a call in « À appeler ».
    const decided = await admin.post(`/demandes/${id}?_action=registrations.decide`, {
      registration: String(id),
      decision: 'waitlist',
    });
    expect(decided.status).toBe(303);
    const smsRows = await server.db.db
      .selectFrom('sms_message')
      .select('purpose')
      .where('registration_id', '=', id)
      .where('dedupe_key', '!=', `test-attente-${personId}`)
      .execute();
    // No decision SMS: only the receipt, sent before the STOP.
    expect(smsRows.map((r) => r.purpose)).toEqual(['receipt']);
    expect(await text(admin.get('/a-appeler'))).toContain(
      'Bonjour Yanis, je suis conseiller·e chez Maillage.',
    );
    expect(await text(admin.get(`/demandes/${id}`))).toContain('A répondu STOP : plus de SMS');
    const file = await text(admin.get(`/personnes/${personId}`));
    expect(file).toContain('A répondu STOP : plus de SMS');
    // Resumed only with the box « la personne me l'a demandé » ticked.
    const refused = await admin.post(`/personnes/${personId}?_action=persons.smsConsent`, {
      person: String(personId),
      sms: 'reprendre',
    });
    expect(await refused.text()).toContain('Cochez la case : seule la personne peut le demander.');
    const resumed = await admin.post(`/personnes/${personId}?_action=persons.smsConsent`, {
      person: String(personId),
      sms: 'reprendre',
      asked: 'on',
    });
    expect(resumed.status).toBe(303);
    const again = await server.db.db
      .selectFrom('person')
      .select('sms_opt_out_at')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(again.sms_opt_out_at).toBeNull();
  });
});

describe('SMS in demo mode (no provider): written to SMS_DIR and listed on /sms', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maillage-sms-'));
    server = await startServer('sqlite', { SMS_DIR: dir, MAILLAGE_NOW: tuesdayMorning() });
    await addEvent(server.db, 'ev-demo', 'valenciennois', 10);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each SMS to a file, shows it on /sms, and erases the file with the person', async () => {
    const res = await intake(
      server.url,
      eventRequest('ev-demo', { email: undefined, preferredContact: 'sms', firstName: 'Inès' }),
    );
    const { reference } = (await res.json()) as { reference: string };
    const reg = await server.db.db
      .selectFrom('registration')
      .select(['id', 'person_id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const row = await until(async () => {
      const r = await server.db.db
        .selectFrom('sms_message')
        .selectAll()
        .where('registration_id', '=', reg.id)
        .executeTakeFirst();
      return r?.status === 'delivered' ? r : undefined;
    });
    const file = join(dir, smsFileName(row.id));
    expect(readFileSync(file, 'utf8')).toContain(
      `Maillage : nous avons bien votre demande (dossier ${reference})`,
    );
    const advisor = new Browser(server.url);
    expect(location(await advisor.signIn('conseiller@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    const page = await text(advisor.get('/sms'));
    expect(page).toContain(`Maillage : nous avons bien votre demande (dossier ${reference})`);
    expect(page).toContain('SMS délivré le');
    expect(page).toContain('1 SMS facturé');
    const admin = new Browser(server.url);
    expect(location(await admin.signIn('admin@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    const volume = await text(admin.get('/admin/sms'));
    // This month's line: 1 message, none billed (the demo folder), 1 left, 1 delivered (100 %).
    expect(volume.replace(/\s+/g, ' ')).toMatch(
      /<td>1<\/td> <td>0<\/td> <td>1<\/td> <td>1<span class="hint"> \(100 %\)<\/span><\/td>/,
    );
    expect((await advisor.get('/admin/sms')).status).not.toBe(200);
    const counts = await erasePerson(server.db.db, reg.person_id, {
      actorId: null,
      reason: 'request',
      smsDir: dir,
    });
    expect(counts).toMatchObject({ sms: 1, smsFiles: 1 });
    expect(existsSync(file)).toBe(false);
    const blanked = await server.db.db
      .selectFrom('sms_message')
      .select(['to_phone', 'text_body'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(blanked.to_phone).toBe('');
    expect(blanked.text_body).not.toContain(reference);
  });
});

describe('SMS written on Saturday evening', () => {
  let brevo: FakeBrevo;
  let server: RunningServer;

  beforeAll(async () => {
    brevo = await startFakeBrevo();
    let saturday = addDays(new Date().toISOString().slice(0, 10), 1);
    while (new Date(`${saturday}T12:00:00Z`).getUTCDay() !== 6) saturday = addDays(saturday, 1);
    server = await startServer('sqlite', {
      SMS_PROVIDER: 'brevo',
      BREVO_API_KEY: brevo.apiKey,
      SMS_SENDER: 'Maillage',
      BREVO_API_URL: brevo.url,
      MAILLAGE_NOW: parisInstant(saturday, '21:30').toISOString(),
    });
    await addEvent(server.db, 'ev-night', 'valenciennois', 10);
  });
  afterAll(async () => {
    await server?.stop();
    await brevo?.stop();
  });

  it('holds it until Monday 08:00 and says so on the request page', async () => {
    const res = await intake(
      server.url,
      eventRequest('ev-night', { email: undefined, preferredContact: 'sms' }),
    );
    const { reference } = (await res.json()) as { reference: string };
    const reg = await server.db.db
      .selectFrom('registration')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const admin = new Browser(server.url);
    expect(location(await admin.signIn('admin@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    await new Promise((r) => setTimeout(r, 2500)); // a worker round
    expect(brevo.requests).toHaveLength(0);
    const page = await text(admin.get(`/demandes/${reg.id}`));
    expect(page).toMatch(
      /SMS programmé pour lundi \d{1,2} \S+ à 08:00 \(pas de SMS la nuit ni le dimanche\)/,
    );
  });
});
