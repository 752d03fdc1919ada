import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoFollowUp } from '../src/features/demo/followup-people.service.ts';
import type { Browser } from './support/browser.ts';
import { location } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { auditRows, personFromIntake, signedInTeam, supportRequest, visibleText } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

describe.each(BACKENDS)('supports, notes and actions on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser;
  const today = parisDate();

  const supportIdFrom = (res: Response) => {
    expect(res.status).toBe(303);
    const m = /^\/accompagnements\/(\d+)\?fait=start$/.exec(location(res));
    expect(m, location(res)).not.toBeNull();
    return Number(m![1]);
  };
  const support = (id: number) =>
    server.db.db.selectFrom('support').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    ({ anonymous, admin, advisor, outsider } = await signedInTeam(server));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('starts a support from a person, once, with the advisor in charge and a dated first phase', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Lina' });
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    const row = await support(id);
    expect(row.phase).toBe('emergence');
    expect(row.person_id).toBe(personId);
    const advisorId = (
      await server.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'conseiller@maillage.test')
        .executeTakeFirstOrThrow()
    ).id;
    expect(row.advisor_id).toBe(advisorId);
    const phases = await server.db.db
      .selectFrom('support_phase')
      .selectAll()
      .where('support_id', '=', id)
      .execute();
    expect(phases.map((p) => [p.phase, p.started_on])).toEqual([['emergence', today]]);
    // A second start finds the open support rather than opening another.
    expect(
      supportIdFrom(
        await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
      ),
    ).toBe(id);
    const page = await advisor.get(`/accompagnements/${id}?fait=start`);
    expect(page.status).toBe(200);
    expect(visibleText(await page.text())).toContain('Accompagnement commencé, en phase d’émergence');
    expect(await auditRows(server, 'support.start', id)).toHaveLength(1);
  });

  it('starts a support from an accepted support request in one click, even clicked twice at once', async () => {
    const { registrationId, personId } = await supportRequest(server);
    // Not accepted yet: refused.
    expect(
      (
        await advisor.post('/accompagnements?_action=supports.start', {
          registration: String(registrationId),
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await advisor.post(`/demandes/${registrationId}?_action=registrations.decide`, {
          registration: String(registrationId),
          decision: 'accept',
        })
      ).status,
    ).toBe(303);
    const detail = await (await advisor.get(`/demandes/${registrationId}`)).text();
    expect(detail).toContain('Commencer l’accompagnement');
    const [a, b] = await Promise.all([
      advisor.post('/accompagnements?_action=supports.start', { registration: String(registrationId) }),
      advisor.post('/accompagnements?_action=supports.start', { registration: String(registrationId) }),
    ]);
    expect(supportIdFrom(a)).toBe(supportIdFrom(b));
    const rows = await server.db.db
      .selectFrom('support')
      .select(['id', 'registration_id'])
      .where('person_id', '=', personId)
      .execute();
    expect(rows).toEqual([{ id: supportIdFrom(a), registration_id: registrationId }]);
  });

  it('keeps phases as a dated history and refuses going back', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    expect(
      location(
        await advisor.post(`/accompagnements/${id}?_action=supports.phase`, {
          support: String(id),
          phase: 'maturation',
          startedOn: today,
        }),
      ),
    ).toBe(`/accompagnements/${id}?fait=phase`);
    const back = await advisor.post(`/accompagnements/${id}?_action=supports.phase`, {
      support: String(id),
      phase: 'emergence',
      startedOn: today,
    });
    expect(back.status).toBe(400);
    expect(visibleText(await back.text())).toContain('La nouvelle phase doit venir après la phase actuelle');
    const early = await advisor.post(`/accompagnements/${id}?_action=supports.phase`, {
      support: String(id),
      phase: 'creation',
      startedOn: addDays(today, -400),
    });
    expect(early.status).toBe(400);
    const earlyHtml = await early.text();
    expect(visibleText(earlyHtml)).toContain('La date ne peut pas précéder celle de la phase actuelle.');
    expect(earlyHtml).toContain(`value="${addDays(today, -400)}"`); // what was typed stays
    const future = await advisor.post(`/accompagnements/${id}?_action=supports.phase`, {
      support: String(id),
      phase: 'creation',
      startedOn: addDays(today, 2),
    });
    expect(future.status).toBe(400);
    expect(
      location(
        await advisor.post(`/accompagnements/${id}?_action=supports.phase`, {
          support: String(id),
          phase: 'developpement',
          startedOn: today,
        }),
      ),
    ).toContain('fait=phase');
    const phases = await server.db.db
      .selectFrom('support_phase')
      .select(['phase', 'started_on'])
      .where('support_id', '=', id)
      .orderBy('id')
      .execute();
    expect(phases.map((p) => p.phase)).toEqual(['emergence', 'maturation', 'developpement']);
    expect((await support(id)).phase).toBe('developpement');
    const changes = await auditRows(server, 'support.phase', id);
    expect(changes.map((c) => JSON.parse(c.details_json ?? '{}').to)).toEqual([
      'maturation',
      'developpement',
    ]);
  });

  it('reassigns a support to an advisor who covers the territory, audit-logged', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    const users = await server.db.db.selectFrom('users').select(['id', 'email', 'role']).execute();
    const adminId = users.find((u) => u.email === 'admin@maillage.test')!.id;
    const advisorId = users.find((u) => u.email === 'conseiller@maillage.test')!.id;
    const cambId = users.find((u) => u.email.startsWith('camb-'))!.id;
    const wrong = await advisor.post(`/accompagnements/${id}?_action=supports.reassign`, {
      support: String(id),
      advisor: cambId,
    });
    expect(wrong.status).toBe(400);
    expect(visibleText(await wrong.text())).toContain('Cette personne ne peut pas suivre ce territoire.');
    expect((await support(id)).advisor_id).toBe(advisorId);
    expect(
      location(
        await advisor.post(`/accompagnements/${id}?_action=supports.reassign`, {
          support: String(id),
          advisor: adminId,
        }),
      ),
    ).toContain('fait=reassign');
    expect((await support(id)).advisor_id).toBe(adminId);
    const [entry] = await auditRows(server, 'support.reassign', id);
    expect(JSON.parse(entry!.details_json!)).toEqual({ before: advisorId, after: adminId });
  });

  it('ends a support with an activity created, keeping what was typed when something is missing', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    const missing = await advisor.post(`/accompagnements/${id}?_action=supports.end`, {
      support: String(id),
      outcome: 'activite',
      activityName: 'La Fabrique du Coron',
      legalForm: '',
      jobsCreated: '2',
      outcomeDate: today,
    });
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(visibleText(html)).toContain('Choisissez la forme juridique.');
    expect(html).toContain('value="La Fabrique du Coron"');
    expect((await support(id)).ended_at).toBeNull();
    const ok = await advisor.post(`/accompagnements/${id}?_action=supports.end`, {
      support: String(id),
      outcome: 'activite',
      activityName: 'La Fabrique du Coron',
      legalForm: 'scop-scic',
      jobsCreated: '2',
      outcomeDate: today,
    });
    expect(location(ok)).toContain('fait=end');
    const row = await support(id);
    expect(row).toMatchObject({
      outcome: 'activite-creee',
      activity_name: 'La Fabrique du Coron',
      legal_form: 'scop-scic',
      jobs_created: 2,
      outcome_date: today,
    });
    expect(row.ended_at).not.toBeNull();
    // Ended: no more phase changes.
    expect(
      (
        await advisor.post(`/accompagnements/${id}?_action=supports.phase`, {
          support: String(id),
          phase: 'creation',
          startedOn: today,
        })
      ).status,
    ).toBe(400);
    // Another one ends with a reason.
    const other = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', {
        person: String((await personFromIntake(server, 'ev-val')).personId),
      }),
    );
    await advisor.post(`/accompagnements/${other}?_action=supports.end`, {
      support: String(other),
      outcome: 'arret',
      reason: 'emploi-salarie',
      outcomeDate: today,
    });
    expect(await support(other)).toMatchObject({
      outcome: 'arret',
      end_reason: 'emploi-salarie',
      activity_name: null,
    });
  });

  it('keeps every earlier version of an edited note', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    const bad = await advisor.post(`/accompagnements/${id}?_action=supports.note`, {
      support: String(id),
      kind: 'entretien',
      occurredOn: today,
      body: 'Premier entretien : projet de ressourcerie.',
      nextAction: 'Envoyer la liste des locaux',
      dueOn: '',
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(visibleText(badHtml)).toContain('Indiquez l’échéance de la prochaine action.');
    expect(badHtml).toContain('Premier entretien : projet de ressourcerie.');
    expect(badHtml).toContain('value="Envoyer la liste des locaux"');
    await advisor.post(`/accompagnements/${id}?_action=supports.note`, {
      support: String(id),
      kind: 'entretien',
      occurredOn: today,
      body: 'Premier entretien : projet de ressourcerie.',
      nextAction: 'Envoyer la liste des locaux',
      dueOn: addDays(today, 5),
    });
    const note = await server.db.db
      .selectFrom('note')
      .selectAll()
      .where('support_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(note).toMatchObject({ person_id: personId, kind: 'entretien', due_at: addDays(today, 5) });
    expect(
      location(
        await advisor.post(`/notes/${note.id}?_action=notes.edit`, {
          note: String(note.id),
          kind: 'appel',
          occurredOn: today,
          body: 'Corrigé : appel, pas entretien.',
        }),
      ),
    ).toBe(`/notes/${note.id}?fait=edit`);
    await advisor.post(`/notes/${note.id}?_action=notes.edit`, {
      note: String(note.id),
      kind: 'appel',
      occurredOn: today,
      body: 'Troisième version.',
    });
    const revisions = await server.db.db
      .selectFrom('note_revision')
      .select(['kind', 'body', 'next_action'])
      .where('note_id', '=', note.id)
      .orderBy('id')
      .execute();
    expect(revisions).toEqual([
      {
        kind: 'entretien',
        body: 'Premier entretien : projet de ressourcerie.',
        next_action: 'Envoyer la liste des locaux',
      },
      { kind: 'appel', body: 'Corrigé : appel, pas entretien.', next_action: null },
    ]);
    const page = visibleText(await (await advisor.get(`/notes/${note.id}`)).text());
    expect(page).toContain('Premier entretien : projet de ressourcerie.');
    expect(page).toContain('Corrigé : appel, pas entretien.');
    expect(await auditRows(server, 'note.edit', note.id)).toHaveLength(2);
  });

  it('lists my open actions, late ones first, and marks one done', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Actionnaire' });
    const write = (nextAction: string, dueOn: string) =>
      advisor.post(`/personnes/${personId}?_action=persons.note`, {
        person: String(personId),
        kind: 'appel',
        occurredOn: today,
        body: 'Appel.',
        nextAction,
        dueOn,
      });
    for (const [action, due] of [
      ['Action dans dix jours', addDays(today, 10)],
      ['Action en retard de trois jours', addDays(today, -3)],
      ['Action du jour', today],
      ['Action en retard de huit jours', addDays(today, -8)],
    ] as const)
      expect((await write(action, due)).status).toBe(303);
    // An action of someone else, on a person of the territory, is not mine.
    await admin.post(`/personnes/${personId}?_action=persons.note`, {
      person: String(personId),
      kind: 'appel',
      occurredOn: today,
      body: 'Appel.',
      nextAction: 'Action de la coordinatrice',
      dueOn: addDays(today, -20),
    });
    const text = visibleText(await (await advisor.get('/actions')).text());
    const order = [
      'Action en retard de huit jours',
      'Action en retard de trois jours',
      'Action du jour',
      'Action dans dix jours',
    ].map((a) => text.indexOf(a));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('Action de la coordinatrice');
    expect(text).toMatch(/En retard — prévue le/);
    const late = await server.db.db
      .selectFrom('note')
      .select('id')
      .where('next_action', '=', 'Action en retard de huit jours')
      .executeTakeFirstOrThrow();
    expect(location(await advisor.post('/actions?_action=notes.done', { note: String(late.id) }))).toBe(
      '/actions?fait=1',
    );
    expect(visibleText(await (await advisor.get('/actions')).text())).not.toContain(
      'Action en retard de huit jours',
    );
    expect(visibleText(await (await admin.get('/actions')).text())).toContain('Action de la coordinatrice');
    // The person moves to Cambrésis: out of the advisor's territories, out of their list.
    await server.db.db
      .updateTable('person')
      .set({ territory: 'cambresis' })
      .where('id', '=', personId)
      .execute();
    expect(visibleText(await (await advisor.get('/actions')).text())).not.toContain('Action dans dix jours');
    await server.db.db
      .updateTable('person')
      .set({ territory: 'valenciennois' })
      .where('id', '=', personId)
      .execute();
  });

  it('warns about a support without contact for more than 45 days, in the caseload and on the dashboard', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', {
      firstName: 'Silencieuse',
      lastName: 'Calme',
    });
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    const longAgo = parisInstant(addDays(today, -70), '10:00').toISOString();
    await server.db.db.updateTable('support').set({ started_at: longAgo }).where('id', '=', id).execute();
    await advisor.post(`/personnes/${personId}?_action=persons.note`, {
      person: String(personId),
      kind: 'entretien',
      occurredOn: addDays(today, -60),
      body: 'Dernier entretien.',
    });
    const caseload = visibleText(await (await advisor.get('/accompagnements')).text());
    expect(caseload).toMatch(/Silencieuse Calme[\s\S]*Sans contact depuis plus de 45 jours/);
    const quietPart = async () =>
      visibleText(await (await advisor.get('/')).text()).split('Accompagnements sans contact')[1] ?? '';
    expect(await quietPart()).toContain('Silencieuse Calme');
    // A fresh note ends the warning.
    await advisor.post(`/accompagnements/${id}?_action=supports.note`, {
      support: String(id),
      kind: 'appel',
      occurredOn: today,
      body: 'Nouvelles prises.',
    });
    const after = await quietPart();
    expect(after).toContain('sans contact'); // the section is still there…
    expect(after).not.toContain('Silencieuse Calme'); // …without her
  });

  it('shows new requests and this week’s sessions on the dashboard, all territories for admins', async () => {
    await addEvent(server.db, 'ev-camb-week', 'cambresis', 10);
    await server.db.db
      .updateTable('event_copy')
      .set({
        title: 'Parcours de la semaine à Cambrai',
        slots_json: JSON.stringify([{ date: today, start: '09:00', end: '12:00' }]),
        first_slot_at: parisInstant(today, '09:00').toISOString(),
      })
      .where('document_id', '=', 'ev-camb-week')
      .execute();
    const mine = visibleText(await (await advisor.get('/')).text());
    expect(mine).toContain('Nouvelles demandes');
    expect(mine).toMatch(/\d+ demande\(s\) à traiter/);
    expect(mine).not.toContain('Parcours de la semaine à Cambrai');
    expect(visibleText(await (await outsider.get('/')).text())).toContain('Parcours de la semaine à Cambrai');
    const adminHome = visibleText(await (await admin.get('/')).text());
    expect(adminHome).toContain('Parcours de la semaine à Cambrai');
    // Admins see every advisor's actions due, not only their own.
    expect(adminHome).toContain('Action en retard de trois jours');
    expect(visibleText(await (await outsider.get('/')).text())).not.toContain(
      'Action en retard de trois jours',
    );
    expect((await anonymous.get('/')).status).toBe(200); // the sign-in page
  });

  it('answers 404 to an advisor of another territory and changes nothing', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Privée' });
    const id = supportIdFrom(
      await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) }),
    );
    await advisor.post(`/accompagnements/${id}?_action=supports.note`, {
      support: String(id),
      kind: 'appel',
      occurredOn: today,
      body: 'Note privée.',
      nextAction: 'Rappeler',
      dueOn: today,
    });
    const note = await server.db.db
      .selectFrom('note')
      .select('id')
      .where('support_id', '=', id)
      .executeTakeFirstOrThrow();
    for (const path of [`/accompagnements/${id}`, `/notes/${note.id}`]) {
      const res = await outsider.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('Privée');
    }
    expect(
      (await outsider.post('/accompagnements?_action=supports.start', { person: String(personId) })).status,
    ).toBe(404);
    expect(
      (
        await outsider.post(`/accompagnements/${id}?_action=supports.phase`, {
          support: String(id),
          phase: 'maturation',
          startedOn: today,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await outsider.post(`/accompagnements/${id}?_action=supports.end`, {
          support: String(id),
          outcome: 'arret',
          reason: 'autre',
          outcomeDate: today,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await outsider.post(`/notes/${note.id}?_action=notes.edit`, {
          note: String(note.id),
          kind: 'autre',
          occurredOn: today,
          body: 'x',
        })
      ).status,
    ).toBe(404);
    expect(
      (await outsider.post(`/notes/${note.id}?_action=notes.done`, { note: String(note.id) })).status,
    ).toBe(404);
    expect((await outsider.post('/actions?_action=notes.done', { note: String(note.id) })).status).toBe(404);
    const row = await support(id);
    expect(row).toMatchObject({ phase: 'emergence', ended_at: null });
    const n = await server.db.db
      .selectFrom('note')
      .selectAll()
      .where('id', '=', note.id)
      .executeTakeFirstOrThrow();
    expect(n).toMatchObject({ body: 'Note privée.', done_at: null });
    expect(visibleText(await (await outsider.get('/accompagnements?conseiller=tous')).text())).not.toContain(
      'Privée',
    );
    expect(visibleText(await (await admin.get(`/accompagnements/${id}`)).text())).toContain('Privée');
  });

  it('seeds the demo follow-up once: five supports in different phases, one late action, one quiet, one ended with an activity', async () => {
    expect(await seedDemoFollowUp(server.db.db, 'conseiller@maillage.test')).toBe(6);
    expect(await seedDemoFollowUp(server.db.db, 'conseiller@maillage.test')).toBe(0);
    const rows = await server.db.db
      .selectFrom('support')
      .innerJoin('person', 'person.id', 'support.person_id')
      .select(['support.phase', 'support.ended_at', 'support.activity_name', 'person.phone'])
      .where('person.phone', 'like', '+337000001%')
      .execute();
    const open = rows.filter((r) => !r.ended_at);
    expect(open).toHaveLength(5);
    expect(new Set(open.map((r) => r.phase))).toEqual(
      new Set(['emergence', 'maturation', 'creation', 'developpement']),
    );
    expect(rows.filter((r) => r.ended_at).map((r) => r.activity_name)).toEqual(['La Ressourcerie du Coron']);
    const home = visibleText(await (await advisor.get('/')).text());
    expect(home.split('Accompagnements sans contact')[1]).toContain('Mélanie Dupont');
    expect(home).toContain('En retard : Reprendre le budget prévisionnel avec Olivier');
    const actions = visibleText(await (await advisor.get('/actions')).text());
    expect(actions.indexOf('Reprendre le budget prévisionnel')).toBeLessThan(
      actions.indexOf('Appeler Rachid pour la visite du local'),
    );
  });
});
