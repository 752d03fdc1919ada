import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReturn } from '../src/lib/retour.ts';
import type { Browser } from './support/browser.ts';
import { location } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { personFromIntake, signedInTeam, visibleText } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

describe('« retour » addresses', () => {
  it('accepts only a relative path to one of the lists, with its query string', () => {
    expect(safeReturn('/demandes?status=received&page=2')).toEqual({
      href: '/demandes?status=received&page=2',
      label: 'Demandes',
    });
    expect(safeReturn('/personnes')?.href).toBe('/personnes');
    for (const hostile of [
      'https://evil.example/demandes',
      '//evil.example/demandes',
      '/\\evil.example/demandes',
      '\\\\evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      '/demandes/../connexion',
      '/demandes/12',
      '/recherche?q=dupont',
      '/%2F%2Fevil.example',
      'demandes',
      '',
      `/demandes?${'x'.repeat(1200)}`,
    ]) {
      expect(safeReturn(hostile), hostile).toBeNull();
    }
  });
});

describe.each(BACKENDS)('search and linked pages on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser;
  let found: { personId: number; registrationId: number; reference: string };

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    ({ anonymous, admin, advisor, outsider } = await signedInTeam(server));
    found = await personFromIntake(server, 'ev-val', {
      firstName: 'Élodie',
      lastName: 'Lefèvre-Quennesson',
      phone: '06 12 34 56 78',
      email: 'elodie.lq@exemple.test',
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const text = async (b: Browser, path: string) => visibleText(await (await b.get(path)).text());
  const html = async (b: Browser, path: string) => (await b.get(path)).text();

  it('offers the search field in the header of signed-in pages only, as a GET form to /recherche', async () => {
    const page = await html(advisor, '/personnes');
    expect(page).toMatch(/<form method="get" action="\/recherche" role="search"/);
    expect(page).toContain('<label for="recherche-globale">Rechercher</label>');
    expect(await html(anonymous, '/connexion')).not.toContain('recherche-globale');
    const res = await anonymous.get('/recherche?q=lefevre');
    expect([302, 303]).toContain(res.status);
    expect(location(res)).toContain('/connexion');
  });

  it('finds the person and the request by a misspelt name, a phone in any format, an e-mail and the reference, each a link', async () => {
    const person = `href="/personnes/${found.personId}"`;
    const request = `href="/demandes/${found.registrationId}"`;
    for (const q of [
      'lefevre quennesson',
      'ELODIE',
      'Lefebvre',
      '+33612345678',
      '06.12.34.56.78',
      'Elodie.LQ@exemple.test',
    ]) {
      const page = await html(advisor, `/recherche?q=${encodeURIComponent(q)}`);
      expect(page, q).toContain(person);
      expect(page, q).toContain(request);
      expect(page, q).toContain('<h2 id="r-personnes">Personnes (1)</h2>');
    }
    const byRef = await html(advisor, `/recherche?q=${encodeURIComponent(found.reference.toLowerCase())}`);
    expect(byRef).toContain(request);
    expect(byRef).toContain(`>${found.reference}</a>`);
    const sessions = await html(advisor, '/recherche?q=possibles');
    expect(sessions).toContain('href="/sessions/ev-val"');
  });

  it('shows another territory’s advisor nothing, and their file answers 404', async () => {
    for (const q of ['lefevre', '06 12 34 56 78', found.reference, 'possibles']) {
      const page = await text(outsider, `/recherche?q=${encodeURIComponent(q)}`);
      expect(page, q).toContain('Aucun résultat parmi ce que vous pouvez voir.');
      expect(page, q).not.toContain('Lefèvre');
    }
    expect((await outsider.get(`/personnes/${found.personId}`)).status).toBe(404);
    expect(await html(admin, '/recherche?q=lefevre')).toContain(`href="/personnes/${found.personId}"`);
  });

  it('says in French when the term is empty or too short, keeping what was typed', async () => {
    const empty = await advisor.get('/recherche?q=+');
    expect(empty.status).toBe(400);
    expect(visibleText(await empty.text())).toContain(
      'Saisissez un nom, un téléphone, un e-mail ou un numéro de dossier.',
    );
    const short = await advisor.get('/recherche?q=z');
    expect(short.status).toBe(400);
    const page = await short.text();
    expect(visibleText(page)).toContain('Saisissez au moins 2 caractères.');
    expect(page).toMatch(/<input id="q" name="q" type="search" value="z"/);
  });

  it('audits each search with its counts only: the term is neither in the audit log nor in the server’s output', async () => {
    await server.settleAudit();
    const before = await server.db.db
      .selectFrom('audit_log')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const terms = ['Quennesson', '06 12 34 56 78', 'elodie.lq@exemple.test'];
    for (const q of terms)
      expect((await advisor.get(`/recherche?q=${encodeURIComponent(q)}`)).status).toBe(200);
    await server.settleAudit(); // reads reach audit_log through the journal
    const rows = await server.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', before?.id ?? 0)
      .where('action', '=', 'global.search')
      .execute();
    expect(rows).toHaveLength(3);
    expect(JSON.parse(rows[0]!.details_json ?? '{}')).toEqual({
      people: 1,
      requests: 1,
      sessions: 0,
      supports: 0,
    });
    const audit = JSON.stringify(
      await server.db.db.selectFrom('audit_log').selectAll().execute(),
    ).toLowerCase();
    const logs = server.logs().toLowerCase();
    for (const needle of ['quennesson', '12 34 56 78', '0612345678', 'elodie.lq', 'recherche?q']) {
      expect(audit).not.toContain(needle);
      expect(logs).not.toContain(needle);
    }
  });

  it('links the request to the person’s file and its session, with a breadcrumb', async () => {
    const page = await html(advisor, `/demandes/${found.registrationId}`);
    expect(page).toContain(`<a href="/personnes/${found.personId}">sa fiche</a>`);
    expect(page).toContain('href="/sessions/ev-val"');
    expect(page).toMatch(/<nav aria-label="Fil d’Ariane" class="breadcrumb">/);
    expect(page).toContain('<span aria-current="page">Demande ');
  });

  it('returns to the list as it was, from `retour` or a same-origin Referer, never to another site', async () => {
    const file = `/personnes/${found.personId}`;
    const back = (page: string) => /<a href="([^"]*)"[^>]*>← Retour : ([^<]*)<\/a>/.exec(page)?.slice(1, 3);
    const list = '/demandes?status=received&page=2';
    expect(back(await html(advisor, `${file}?retour=${encodeURIComponent(list)}`))).toEqual([
      '/demandes?status=received&amp;page=2',
      'Demandes',
    ]);
    for (const hostile of [
      'https://evil.example/demandes',
      '//evil.example/demandes',
      '/\\evil.example',
      '/recherche?q=lefevre',
    ]) {
      const page = await html(advisor, `${file}?retour=${encodeURIComponent(hostile)}`);
      expect(back(page), hostile).toEqual(['/personnes', 'Personnes']);
      // No link leads off the site (the address itself may carry it in form actions, harmless).
      expect(page).not.toMatch(/href="(?:[a-z]+:)?\/\/|href="\/\\|href="[^"]*evil/i);
    }
    const fromList = await (
      await advisor.get(file, { referer: `${server.url}/sessions?periode=passees` })
    ).text();
    expect(back(fromList)).toEqual(['/sessions?periode=passees', 'Sessions']);
    const fromElsewhere = await (
      await advisor.get(file, { referer: 'https://evil.example/sessions?x=1' })
    ).text();
    expect(back(fromElsewhere)).toEqual(['/personnes', 'Personnes']);
    // The person list links each file with the list's own address to come back to.
    expect(await html(advisor, '/personnes?contact=30')).toContain(
      `href="/personnes/${found.personId}?retour=%2Fpersonnes%3Fcontact%3D30"`,
    );
  });
});
