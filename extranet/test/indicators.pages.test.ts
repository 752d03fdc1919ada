import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../src/features/demo/history.service.ts';
import type { Browser } from './support/browser.ts';
import { signedInTeam, visibleText } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

describe.each(BACKENDS)('indicators page and exports on %s', (backend) => {
  let server: RunningServer;
  let team: Awaited<ReturnType<typeof signedInTeam>>;

  beforeAll(async () => {
    server = await startServer(backend);
    team = await signedInTeam(server);
    await seedDemoHistory(server.db.db, 'conseiller@maillage.test');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const csvOf = async (b: Browser, query: string) => {
    const res = await b.get(`/indicateurs/export?${query}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    // fetch's text() drops the BOM; the bytes carry it (checked below on the raw body).
    return parse(text.replace(/^\uFEFF/, ''), { delimiter: ';', columns: true }) as Record<string, string>[];
  };

  it('shows the admin 2022 as the project description tells it, against the targets, with definitions', async () => {
    const res = await team.admin.get('/indicateurs?annee=2022');
    expect(res.status).toBe(200);
    const text = visibleText(await res.text());
    expect(text).toContain('Participant·es aux Parcours des Possibles : 39 sur 55');
    expect(text).toContain('Porteur·ses de projet accompagné·es : 11 sur 20');
    expect(text).toMatch(/Parcours réalisés 6 Parcours emploi 2 Parcours création 2 Parcours compétences 2/);
    expect(text).toContain('dont bénéficiaires du RSA 31 (79 %)');
    expect(text).toMatch(/Formations réalisées 1 Participant·es 6/);
    expect(text).toContain('Définitions');
  });

  it('keeps an advisor to their territories, on the page and in every export, and refuses them contact details', async () => {
    const page = visibleText(
      await (await team.advisor.get('/indicateurs?annee=2022&territoire=cambresis')).text(),
    );
    expect(page).toContain('Valenciennois, Douaisis');
    expect(page).not.toContain('Cambrésis');
    const rows = await csvOf(team.advisor, 'annee=2022&jeu=participants&territoire=cambresis');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.Territoire))).toEqual(new Set(['Valenciennois', 'Douaisis']));
    const supports = await csvOf(team.advisor, 'annee=2022&jeu=accompagnements');
    expect(supports.every((r) => ['Valenciennois', 'Douaisis'].includes(r.Territoire!))).toBe(true);
    const outsider = await csvOf(team.outsider, 'annee=2022&jeu=participants');
    expect(new Set(outsider.map((r) => r.Territoire))).toEqual(new Set(['Cambrésis']));
    expect(
      (await team.advisor.get('/indicateurs/export?annee=2022&jeu=participants&format=csv&coordonnees=1'))
        .status,
    ).toBe(403);
    expect(
      (
        await team.advisor.post('/indicateurs?_action=indicators.setTargets', {
          annee: '2022',
          participants: '1',
          porteurs: '1',
        })
      ).status,
    ).toBe(403);
  });

  it('exports a CSV with a BOM that a CSV parser reads back, contact details only when the admin ticks them', async () => {
    const raw = new Uint8Array(
      await (
        await team.admin.get('/indicateurs/export?annee=2022&jeu=participants&format=csv')
      ).arrayBuffer(),
    );
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = await csvOf(team.admin, 'annee=2022&jeu=participants');
    const parcours = rows.filter((r) => r.Type !== 'Formation' && r['Participant·e'] === 'oui');
    expect(new Set(parcours.map((r) => r['N° personne'])).size).toBe(39);
    expect(Object.keys(rows[0]!)).not.toContain('Téléphone');
    const withContacts = await csvOf(team.admin, 'annee=2022&jeu=participants&coordonnees=1');
    expect(Object.keys(withContacts[0]!)).toContain('Téléphone');
    expect(withContacts[0]!.Téléphone).toMatch(/^'\+33/);
    const indicators = await csvOf(team.admin, 'annee=2022&jeu=indicateurs');
    expect(indicators.find((r) => r.Indicateur === 'Participant·es aux Parcours')).toMatchObject({
      Valeur: '39',
      Objectif: '55',
    });
  });

  it('exports an XLSX that a spreadsheet reader opens, with a sheet explaining every column, and logs each export with its filters', async () => {
    const res = await team.admin.get(
      '/indicateurs/export?annee=2022&jeu=accompagnements&format=xlsx&territoire=valenciennois',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('accompagnements-2022.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const [data, help] = wb.worksheets;
    expect(help!.name).toBe('Colonnes');
    const headers = (data!.getRow(1).values as unknown[]).slice(1);
    expect(headers).toContain('Phase');
    expect(help!.rowCount).toBe(headers.length + 1);
    const phases = new Set<string>();
    data!.eachRow((row, n) => {
      if (n > 1) phases.add(String(row.getCell(headers.indexOf('Phase') + 1).value));
    });
    expect([...phases].every((p) => p === 'Maturation' || p === 'Développement')).toBe(true);
    await server.settleAudit();
    const logged = await server.db.db
      .selectFrom('audit_log')
      .select('details_json')
      .where('action', '=', 'indicators.export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(logged.details_json!)).toEqual({
      year: 2022,
      territories: ['valenciennois'],
      dataset: 'accompagnements',
      format: 'xlsx',
      contactDetails: false,
    });
  });

  it('lets an admin change a year’s targets, keeps the history, and says in French what is wrong', async () => {
    const bad = await team.admin.post('/indicateurs?_action=indicators.setTargets', {
      annee: '2025',
      participants: 'beaucoup',
      porteurs: '21',
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(visibleText(html)).toContain('Indiquez l’objectif de participant·es en chiffres');
    expect(html).toContain('value="beaucoup"');
    expect(html).toContain('aria-invalid="true"');
    // The form is far down the page: the top says nothing was saved and links to it (a phone shows the top).
    expect(html).toMatch(/role="alert">\s*Rien n’est enregistré : <a href="#h-cibles">/);
    expect(
      (
        await team.admin.post('/indicateurs?_action=indicators.setTargets', {
          annee: '2025',
          participants: '60',
          porteurs: '21',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await team.admin.post('/indicateurs?_action=indicators.setTargets', {
          annee: '2025',
          participants: '58',
          porteurs: '21',
        })
      ).status,
    ).toBe(303);
    const text = visibleText(await (await team.admin.get('/indicateurs?annee=2025')).text());
    expect(text).toMatch(/sur 58/);
    expect(text).toMatch(/Historique des objectifs 2025.*58 21.*60 21/);
  });
});
