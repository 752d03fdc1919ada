// Documents (issue 19 §4) through the built server, on SQLite and PostgreSQL: upload (streamed,
// size limit while reading, format from the content), download behind the access check (territory,
// « confidentiel »), confirmed delete, audit rows; erasure, retention and the export.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderDocumentStore } from '../src/features/documents/document.store.ts';
import { MAX_DOCUMENT_BYTES } from '../src/features/documents/documents.rules.ts';
import { runRetention } from '../src/features/retention/retention.job.ts';
import { Browser, location } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { auditRows, invite, personFromIntake, signedInTeam, visibleText } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

const PDF = (size = 2048) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

interface Upload {
  kind?: string;
  confidential?: boolean;
  name: string;
  bytes: Buffer;
  /** what the browser claims: never trusted */
  type?: string;
}

/** A multipart post of the upload form, as a browser sends it (with the session's cookies). */
async function upload(browser: Browser, query: string, file: Upload): Promise<Response> {
  const form = new FormData();
  if (file.kind !== undefined) form.append('kind', file.kind);
  if (file.confidential) form.append('confidential', 'on');
  form.append(
    'file',
    new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/pdf' }),
    file.name,
  );
  return fetch(new URL(`/documents/ajouter?${query}`, browser.base), {
    method: 'POST',
    body: form,
    headers: {
      origin: browser.base,
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    redirect: 'manual',
  });
}

describe.each(BACKENDS)('documents on %s', (backend) => {
  let server: RunningServer;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser;
  /** a second advisor of Valenciennois: same territory, never anyone's referent here */
  let colleague: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'extranet-documents-'));
  const documents = join(dir, 'documents');

  const files = () => {
    try {
      return readdirSync(documents);
    } catch {
      return [];
    }
  };
  const row = (id: number) =>
    server.db.db.selectFrom('document').selectAll().where('id', '=', id).executeTakeFirst();
  const documentsOf = (personId: number) =>
    server.db.db.selectFrom('document').selectAll().where('person_id', '=', personId).orderBy('id').execute();
  /** Uploads and returns the new document's id (expects the redirect back to the file). */
  const added = async (browser: Browser, query: string, file: Upload, back: string) => {
    const res = await upload(browser, query, file);
    expect(res.status, await res.clone().text()).toBe(303);
    expect(location(res)).toBe(`${back}?fait=document#documents`);
    const last = await server.db.db
      .selectFrom('document')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return last.id;
  };

  beforeAll(async () => {
    server = await startServer(backend, { DOCUMENTS_DIR: documents });
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    ({ admin, advisor, outsider } = await signedInTeam(server));
    colleague = await invite(server, admin, `val-${randomUUID().slice(0, 6)}@maillage.test`, 'advisor', [
      'valenciennois',
    ]);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a PDF to a person, lists it, serves it only as an attachment, and audits both without the name', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Aya' });
    const bytes = PDF(50_000);
    const id = await added(
      advisor,
      `personne=${personId}`,
      { kind: 'attestation-rsa', name: 'attestation Aya Benali.pdf', bytes },
      `/personnes/${personId}`,
    );
    const stored = await row(id);
    expect(stored).toMatchObject({
      person_id: personId,
      support_id: null,
      kind: 'attestation-rsa',
      format: 'pdf',
      size: bytes.length,
      confidential: 0,
      original_name: 'attestation Aya Benali.pdf',
    });
    // Stored under its random key, not its name, private to the app's user.
    expect(stored!.storage_key).toMatch(/^[a-f0-9]{32}$/);
    expect(files()).toContain(stored!.storage_key);
    expect(readFileSync(join(documents, stored!.storage_key)).equals(bytes)).toBe(true);
    expect(statSync(documents).mode & 0o777).toBe(0o700);
    expect(statSync(join(documents, stored!.storage_key)).mode & 0o777).toBe(0o600);

    const page = visibleText(await (await advisor.get(`/personnes/${personId}?fait=document`)).text());
    expect(page).toContain('Document ajouté.');
    expect(page).toContain('Attestation RSA (revenu de solidarité active)');
    expect(page).toContain('Télécharger attestation Aya Benali.pdf');
    expect(page).toContain('49 Ko');

    const download = await advisor.get(`/documents/${id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="attestation Aya Benali.pdf"; filename*=UTF-8''attestation%20Aya%20Benali.pdf`,
    );
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    const [add] = await auditRows(server, 'document.add', id);
    const [read] = await auditRows(server, 'document.download', id);
    expect(add).toMatchObject({ person_id: personId, entity_type: 'document' });
    expect(read).toMatchObject({ person_id: personId, entity_type: 'document' });
    for (const line of [add, read]) {
      expect(line!.details_json ?? '').not.toContain('Aya');
      expect(line!.details_json ?? '').not.toContain('.pdf');
    }
  });

  it('accepts images and office files by their content, on a support too', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Nour' });
    const start = await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) });
    const supportId = Number(/\/accompagnements\/(\d+)/.exec(location(start))![1]);
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Prévisionnel').addRow(['Chiffre d’affaires', 12000]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(500),
    ]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(500)]);
    const back = `/accompagnements/${supportId}`;
    const ids = {
      // The name says .pdf and the browser says PDF: the content says Excel, and Excel it is.
      xlsx: await added(
        advisor,
        `accompagnement=${supportId}`,
        { kind: 'business-plan', name: 'plan.pdf', bytes: xlsx },
        back,
      ),
      png: await added(
        advisor,
        `accompagnement=${supportId}`,
        { kind: 'autre', name: 'photo.png', bytes: png },
        back,
      ),
      jpeg: await added(
        advisor,
        `accompagnement=${supportId}`,
        { kind: 'autre', name: 'scan', bytes: jpeg },
        back,
      ),
    };
    expect((await row(ids.xlsx))!).toMatchObject({
      format: 'xlsx',
      support_id: supportId,
      person_id: personId,
    });
    expect((await row(ids.png))!.format).toBe('png');
    expect((await row(ids.jpeg))!.format).toBe('jpeg');
    const res = await advisor.get(`/documents/${ids.xlsx}`);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toContain('filename="plan.pdf.xlsx"');
    await res.arrayBuffer();
    // The support's page and the person's file both list them.
    expect(visibleText(await (await advisor.get(back)).text())).toContain('3 documents');
    expect(visibleText(await (await advisor.get(`/personnes/${personId}`)).text())).toContain('3 documents');
  });

  it('refuses HTML renamed .pdf, SVG, a plain ZIP and a program with the French message, storing nothing', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Inès' });
    const before = files().length;
    const refused: Upload[] = [
      {
        kind: 'autre',
        name: 'attestation.pdf',
        bytes: Buffer.from('<!doctype html><script>alert(1)</script>'),
      },
      {
        kind: 'autre',
        name: 'logo.svg',
        type: 'image/svg+xml',
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      },
      // A ZIP that is no office file (its local header only).
      {
        kind: 'autre',
        name: 'contrat.docx',
        bytes: Buffer.concat([Buffer.from('PK\u0003\u0004'), randomBytes(300)]),
      },
      { kind: 'autre', name: 'outil.pdf', bytes: Buffer.concat([Buffer.from('MZ'), randomBytes(300)]) },
    ];
    for (const file of refused) {
      const res = await upload(advisor, `personne=${personId}`, file);
      expect(res.status, file.name).toBe(422);
      const text = visibleText(await res.text());
      expect(text).toContain('Ce fichier n’est pas d’un type accepté');
      expect(text).toContain('Choisissez le fichier de nouveau');
    }
    expect(await documentsOf(personId)).toEqual([]);
    expect(files().length).toBe(before);
  });

  it('keeps the type and the flag chosen when the file is missing, and asks for a type', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Lou' });
    const noFile = await upload(advisor, `personne=${personId}`, {
      kind: 'business-plan',
      confidential: true,
      name: '',
      bytes: Buffer.alloc(0),
    });
    expect(noFile.status).toBe(422);
    const html = await noFile.text();
    expect(visibleText(html)).toContain('Choisissez un fichier à envoyer.');
    expect(html).toMatch(/<option value="business-plan" selected/);
    expect(html).toMatch(/id="document-confidential"[^>]*checked/);
    const noKind = await upload(advisor, `personne=${personId}`, { name: 'a.pdf', bytes: PDF() });
    expect(noKind.status).toBe(422);
    expect(visibleText(await noKind.text())).toContain('Choisissez le type de document.');
    expect(await documentsOf(personId)).toEqual([]);
  });

  it('takes a file of exactly 10 MB, refuses 10 MB + 1 byte while reading it and leaves nothing on disk', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Maël' });
    const before = new Set(files());
    const tooBig = await upload(advisor, `personne=${personId}`, {
      kind: 'autre',
      name: 'gros.pdf',
      bytes: PDF(MAX_DOCUMENT_BYTES + 1),
    });
    expect(tooBig.status).toBe(413);
    expect(visibleText(await tooBig.text())).toContain('Ce fichier dépasse 10 Mo');
    expect(await documentsOf(personId)).toEqual([]);
    // Neither the file nor its partial copy is left.
    expect(files().filter((f) => !before.has(f))).toEqual([]);
    const id = await added(
      advisor,
      `personne=${personId}`,
      { kind: 'autre', name: 'juste.pdf', bytes: PDF(MAX_DOCUMENT_BYTES) },
      `/personnes/${personId}`,
    );
    expect((await row(id))!.size).toBe(MAX_DOCUMENT_BYTES);
    // The exception is this route only: any other page still refuses a body past 64 KB.
    const big = await advisor.post(`/personnes/${personId}`, { x: 'a'.repeat(70_000) });
    expect(big.status).toBe(413);
  });

  it('answers 413 at once to a body declared larger than 10 MB, without reading it', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Noé' });
    const before = files().length;
    const url = new URL(`/documents/ajouter?personne=${personId}`, server.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=xyz',
          'content-length': String(30 * 1024 * 1024),
          origin: server.url,
          cookie: [...advisor.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      // Only the start of the body is ever sent: the answer must come without the rest.
      req.write('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-');
    });
    expect(answer.status).toBe(413);
    expect(visibleText(answer.body)).toContain('Ce fichier dépasse 10 Mo');
    expect(await documentsOf(personId)).toEqual([]);
    expect(files().length).toBe(before);
  });

  it('answers 404 to another territory: no list, no download, no upload, no delete', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Sami' });
    const id = await added(
      advisor,
      `personne=${personId}`,
      { kind: 'autre', name: 'a.pdf', bytes: PDF() },
      `/personnes/${personId}`,
    );
    const before = files().length;
    expect((await outsider.get(`/documents/${id}`)).status).toBe(404);
    expect((await outsider.get(`/documents/${id}/supprimer`)).status).toBe(404);
    expect((await outsider.post(`/documents/${id}/supprimer`, {})).status).toBe(404);
    expect((await outsider.get(`/documents/ajouter?personne=${personId}`)).status).toBe(404);
    const res = await upload(outsider, `personne=${personId}`, {
      kind: 'autre',
      name: 'b.pdf',
      bytes: PDF(),
    });
    expect(res.status).toBe(404);
    // Signed out: to the sign-in page, for the upload and the download alike.
    const anonymous = new Browser(server.url);
    const refused = await upload(anonymous, `personne=${personId}`, {
      kind: 'autre',
      name: 'c.pdf',
      bytes: PDF(),
    });
    expect(refused.status).toBe(303);
    expect(location(refused)).toMatch(/^\/connexion\?suivant=/);
    expect(location(await anonymous.get(`/documents/${id}`))).toMatch(/^\/connexion\?suivant=/);
    expect(files().length).toBe(before);
    expect(await row(id)).toBeDefined();
    expect(await auditRows(server, 'document.download', id)).toHaveLength(0);
  });

  it('shows a confidential document only to the referent advisor and admins, or to its uploader when no one is referent', async () => {
    // With a support: the demo advisor is in charge (the referent).
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Yanis' });
    await advisor.post('/accompagnements?_action=supports.start', { person: String(personId) });
    const secret = await added(
      admin,
      `personne=${personId}`,
      { kind: 'contrat-accompagnement', confidential: true, name: 'contrat signé.pdf', bytes: PDF() },
      `/personnes/${personId}`,
    );
    const open = await added(
      colleague,
      `personne=${personId}`,
      { kind: 'autre', name: 'ouvert.pdf', bytes: PDF() },
      `/personnes/${personId}`,
    );
    expect((await row(secret))!.confidential).toBe(1);
    for (const who of [advisor, admin]) {
      const res = await who.get(`/documents/${secret}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(visibleText(await (await who.get(`/personnes/${personId}`)).text())).toContain(
        'contrat signé.pdf',
      );
    }
    // The colleague of the same territory sees the person and the open document, never the confidential one.
    const page = visibleText(await (await colleague.get(`/personnes/${personId}`)).text());
    expect(page).toContain('ouvert.pdf');
    expect(page).not.toContain('contrat signé.pdf');
    expect((await colleague.get(`/documents/${secret}`)).status).toBe(404);
    expect((await colleague.get(`/documents/${secret}/supprimer`)).status).toBe(404);
    expect((await colleague.post(`/documents/${secret}/supprimer`, {})).status).toBe(404);
    expect(await row(secret)).toBeDefined();
    expect((await colleague.get(`/documents/${open}`)).status).toBe(200);

    // No support: the advisor who added it (and admins), not the colleague.
    const other = (await personFromIntake(server, 'ev-val', { firstName: 'Zoé' })).personId;
    const mine = await added(
      colleague,
      `personne=${other}`,
      { kind: 'autre', confidential: true, name: 'note perso.pdf', bytes: PDF() },
      `/personnes/${other}`,
    );
    expect((await colleague.get(`/documents/${mine}`)).status).toBe(200);
    expect((await advisor.get(`/documents/${mine}`)).status).toBe(404);
    expect((await admin.get(`/documents/${mine}`)).status).toBe(200);
  });

  it('deletes a document after a confirmation step: row, file, and an audit line', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Léna' });
    const id = await added(
      advisor,
      `personne=${personId}`,
      { kind: 'autre', name: 'à jeter.pdf', bytes: PDF() },
      `/personnes/${personId}`,
    );
    const key = (await row(id))!.storage_key;
    const ask = await advisor.get(`/documents/${id}/supprimer`);
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(visibleText(html)).toContain('Supprimer ce document ?');
    expect(html).not.toContain('checked');
    expect(await row(id)).toBeDefined();
    expect(await auditRows(server, 'document.read', id)).toHaveLength(1);
    const done = await advisor.post(`/documents/${id}/supprimer`, {});
    expect(done.status).toBe(303);
    expect(location(done)).toBe(`/personnes/${personId}?fait=document-supprime#documents`);
    expect(await row(id)).toBeUndefined();
    expect(files()).not.toContain(key);
    expect(await auditRows(server, 'document.delete', id)).toHaveLength(1);
    expect((await advisor.get(`/documents/${id}`)).status).toBe(404);
  });

  it('lists documents in the right-of-access export, then an erasure on request removes rows and files', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Rayan' });
    const id = await added(
      advisor,
      `personne=${personId}`,
      { kind: 'attestation-france-travail', name: 'ft.pdf', bytes: PDF() },
      `/personnes/${personId}`,
    );
    const key = (await row(id))!.storage_key;
    const exported = (await (await admin.get(`/admin/personnes/${personId}/donnees.json`)).json()) as {
      document: Record<string, unknown>[];
    };
    expect(exported.document).toEqual([
      expect.objectContaining({
        id,
        kind: 'attestation-france-travail',
        format: 'pdf',
        original_name: 'ft.pdf',
        download_path: `/documents/${id}`,
      }),
    ]);
    expect(JSON.stringify(exported)).not.toContain(key);
    const done = await admin.post(`/admin/personnes/${personId}?_action=retention.erase`, {
      person: String(personId),
      intent: 'erase-confirm',
      confirm: 'on',
    });
    expect(done.status).toBe(303);
    expect(await documentsOf(personId)).toEqual([]);
    expect(files()).not.toContain(key);
    const [line] = await server.db.db
      .selectFrom('audit_log')
      .select('details_json')
      .where('action', '=', 'person.erase')
      .where('person_id', '=', personId)
      .execute();
    // The erasure's line counts the rows (the files go after its commit).
    expect(JSON.parse(line!.details_json!)).toMatchObject({ documents: 1 });
  });

  it('moves the documents of a duplicate to the record kept when an admin merges them', async () => {
    const keep = (await personFromIntake(server, 'ev-val', { firstName: 'Aline' })).personId;
    const duplicate = (await personFromIntake(server, 'ev-val', { firstName: 'Aline' })).personId;
    const id = await added(
      advisor,
      `personne=${duplicate}`,
      { kind: 'autre', name: 'doublon.pdf', bytes: PDF() },
      `/personnes/${duplicate}`,
    );
    const res = await admin.post(`/personnes/${keep}?_action=persons.merge`, {
      person: String(keep),
      other: String(duplicate),
      confirm: 'on',
    });
    expect(location(res)).toBe(`/personnes/${keep}?fait=merge`);
    expect((await row(id))!.person_id).toBe(keep);
    expect(files()).toContain((await row(id))!.storage_key);
    expect(visibleText(await (await advisor.get(`/personnes/${keep}`)).text())).toContain('doublon.pdf');
  });

  it('the retention job erases the documents of people past the period, rows and files', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Old' });
    const id = await added(
      advisor,
      `personne=${personId}`,
      { kind: 'autre', name: 'ancien.pdf', bytes: PDF() },
      `/personnes/${personId}`,
    );
    const key = (await row(id))!.storage_key;
    await server.db.db
      .updateTable('person')
      .set({ last_contact_at: '2019-01-01T10:00:00.000Z' })
      .where('id', '=', personId)
      .execute();
    const report = await runRetention(server.db.db, { documents: folderDocumentStore(documents) });
    expect(report.documents).toBeGreaterThanOrEqual(1);
    expect(await documentsOf(personId)).toEqual([]);
    expect(files()).not.toContain(key);
  });
});
