import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.ts';
import { location } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { personFromIntake, signedInTeam, visibleText } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

describe.each(BACKENDS)('retention and rights pages on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let admin: Browser;
  let advisor: Browser;

  const outbox = () => {
    const dir = server.env.OUTBOX_DIR as string;
    return existsSync(dir)
      ? readdirSync(dir)
          .map((f) => readFileSync(join(dir, f), 'utf8'))
          .join('\n')
      : '';
  };
  /** Every row of the tables that hold or copy personal data. */
  const dump = async () => {
    const parts: string[] = [];
    for (const t of [
      'person',
      'registration',
      'outbox',
      'notification',
      'note',
      'note_revision',
      'audit_log',
      'support',
    ] as const)
      parts.push(JSON.stringify(await server.db.db.selectFrom(t).selectAll().execute()));
    return parts.join('\n');
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    ({ anonymous, admin, advisor } = await signedInTeam(server));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('lets an admin set the retention period, kept with its history, shown on the public API', async () => {
    expect((await anonymous.get('/api/public/retention')).status).toBe(200);
    expect(await (await anonymous.get('/api/public/retention')).json()).toEqual({
      months: 36,
      label: '3 ans',
    });
    const page = visibleText(await (await admin.get('/admin/conservation')).text());
    expect(page).toContain('3 ans après le dernier contact');
    expect((await advisor.get('/admin/conservation')).status).toBe(403);

    const wrong = await admin.post('/admin/conservation?_action=retention.setPeriod', { months: '0,5 an' });
    expect(wrong.status).toBe(400);
    const text = await wrong.text();
    expect(text).toContain('Indiquez');
    expect(text).toContain('value="0,5 an"');
    const tooLong = await admin.post('/admin/conservation?_action=retention.setPeriod', { months: '500' });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('Au plus 120 mois');

    const ok = await admin.post('/admin/conservation?_action=retention.setPeriod', { months: '24' });
    expect(ok.status).toBe(303);
    expect(location(ok)).toBe('/admin/conservation?fait=1');
    expect(await (await anonymous.get('/api/public/retention')).json()).toEqual({
      months: 24,
      label: '2 ans',
    });
    const history = visibleText(await (await admin.get('/admin/conservation')).text());
    expect(history).toContain('2 ans après le dernier contact');
    const audit = await server.db.db
      .selectFrom('audit_log')
      .select('details_json')
      .where('action', '=', 'retention.setting')
      .execute();
    expect(audit.map((a) => JSON.parse(a.details_json ?? '{}'))).toEqual([{ before: 36, after: 24 }]);
    await admin.post('/admin/conservation?_action=retention.setPeriod', { months: '36' });
  });

  it('exports everything held on a person (JSON and a readable page), for admins only, audited', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', {
      firstName: 'Octavie',
      lastName: 'Exportée',
      phone: '07 55 44 33 22',
      email: 'octavie.exportee@exemple.test',
    });
    const html = await admin.get(`/admin/personnes/${personId}`);
    expect(html.status).toBe(200);
    const readable = visibleText(await html.text());
    for (const t of [
      'Fiche de la personne',
      'Octavie',
      'Exportée',
      'Demandes et inscriptions',
      'Messages envoyés',
    ])
      expect(readable).toContain(t);

    const file = await admin.get(`/admin/personnes/${personId}/donnees.json`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="dossier-${personId}.json"`);
    const data = (await file.json()) as Record<string, unknown[] | Record<string, unknown>>;
    expect(data.person).toMatchObject({
      id: personId,
      first_name: 'Octavie',
      email: 'octavie.exportee@exemple.test',
    });
    expect((data.registration as unknown[]).length).toBe(1);
    expect((data.audit_log as { action: string }[]).some((a) => a.action === 'registration.create')).toBe(
      true,
    );

    expect((await advisor.get(`/admin/personnes/${personId}`)).status).toBe(403);
    expect((await advisor.get(`/admin/personnes/${personId}/donnees.json`)).status).toBe(403);
    expect((await anonymous.get(`/admin/personnes/${personId}/donnees.json`)).status).toBe(401);
    expect((await admin.get('/admin/personnes/999999')).status).toBe(404);
    await server.settleAudit();
    const reads = await server.db.db
      .selectFrom('audit_log')
      .select('details_json')
      .where('action', '=', 'person.export')
      .where('person_id', '=', personId)
      .execute();
    expect(reads.map((r) => JSON.parse(r.details_json ?? '{}').format).sort()).toEqual(['html', 'json']);
  });

  it('erases a person on request after a confirmation step, every copy included', async () => {
    const who = {
      firstName: 'Philomena',
      lastName: 'Aeffacerzq',
      phone: '07 66 55 44 33',
      email: 'philomene.aeffacer@exemple.test',
      preferredContact: 'email',
    };
    const { personId } = await personFromIntake(server, 'ev-val', who);
    // The receipt reaches the outbox folder first (demo mode writes .eml files).
    for (let i = 0; i < 150 && !outbox().includes(who.email); i++)
      await new Promise((r) => setTimeout(r, 200));
    expect(outbox()).toContain(who.email);

    const ask = await admin.post(`/admin/personnes/${personId}?_action=retention.erase`, {
      person: String(personId),
      intent: 'erase',
    });
    expect(ask.status).toBe(200);
    expect(visibleText(await ask.text())).toContain('Je confirme l’effacement définitif');
    const unconfirmed = await admin.post(`/admin/personnes/${personId}?_action=retention.erase`, {
      person: String(personId),
      intent: 'erase-confirm',
    });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Cochez la case pour confirmer');
    expect(await dump()).toContain(who.lastName);

    const done = await admin.post(`/admin/personnes/${personId}?_action=retention.erase`, {
      person: String(personId),
      intent: 'erase-confirm',
      confirm: 'on',
    });
    expect(done.status).toBe(303);
    expect(location(done)).toBe(`/admin/personnes/${personId}?fait=efface`);
    const all = (await dump()).toLowerCase();
    const files = outbox().toLowerCase();
    for (const t of [who.firstName, who.lastName, '0766554433', '766554433', who.email]) {
      expect(all, t).not.toContain(t.toLowerCase());
      expect(files, t).not.toContain(t.toLowerCase());
    }
    const line = await server.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.erase')
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(line.actor_id).not.toBeNull();
    expect(JSON.parse(line.details_json ?? '{}')).toMatchObject({ reason: 'request', registrations: 1 });
    // Out of the person list (the anonymised record stays for the indicators).
    expect(visibleText(await (await admin.get('/personnes')).text())).not.toContain('Personne effacée');
    const after = visibleText(await (await admin.get(`/admin/personnes/${personId}?fait=efface`)).text());
    expect(after).toContain('La personne a été effacée.');
    expect(
      (
        await admin.post(`/admin/personnes/${personId}?_action=retention.erase`, {
          person: String(personId),
          intent: 'erase',
        })
      ).status,
    ).toBe(409);
  });
});
