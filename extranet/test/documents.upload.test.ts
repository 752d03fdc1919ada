// The parts of documents that need no server: the format found from the content (magic bytes,
// the parts of a ZIP), the streamed upload's limit (never more than 10 MB reaches the store), the
// store's keys and permissions, and the download's file name.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type DocumentStore, folderDocumentStore } from '../src/features/documents/document.store.ts';
import {
  contentDisposition,
  DocumentTooLargeError,
  MAX_DOCUMENT_BYTES,
  maySeeDocument,
  SNIFF_BYTES,
  sniffFormat,
} from '../src/features/documents/documents.rules.ts';
import { receiveUpload } from '../src/features/documents/upload.ts';

/** A ZIP archive of the given entries (stored, or deflated), as office suites write them. */
function zip(entries: { name: string; data: string | Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.from(e.data);
    const body = e.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(e.deflate ? 8 : 0, 10);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(raw.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}

const sniff = (bytes: Buffer, name = 'fichier') =>
  sniffFormat(bytes.subarray(0, SNIFF_BYTES), bytes.subarray(-SNIFF_BYTES), bytes.length, name);

describe('the format of a document, from its content', () => {
  it('knows PDF, JPEG, PNG and WebP by their first bytes, whatever the name', () => {
    expect(sniff(Buffer.from('%PDF-1.4\n…'), 'photo.png')).toBe('pdf');
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 1, 2]), 'a.pdf')).toBe('jpeg');
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniff(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe(
      'webp',
    );
    // RIFF that is not WebP (a WAV sound) is refused.
    expect(sniff(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]))).toBeNull();
  });

  it('knows OOXML (docx, xlsx) by [Content_Types].xml and its main part, deflated or not', () => {
    const types = '<?xml version="1.0"?><Types/>';
    expect(
      sniff(
        zip([
          { name: '[Content_Types].xml', data: types, deflate: true },
          { name: '_rels/.rels', data: '<Relationships/>', deflate: true },
          { name: 'word/document.xml', data: '<w:document/>', deflate: true },
        ]),
      ),
    ).toBe('docx');
    expect(
      sniff(
        zip([
          { name: 'xl/workbook.xml', data: '<workbook/>' },
          { name: '[Content_Types].xml', data: types },
        ]),
      ),
    ).toBe('xlsx');
    // A ZIP with a Word part but no [Content_Types].xml, or a plain archive: refused.
    expect(sniff(zip([{ name: 'word/document.xml', data: '<w:document/>' }]), 'a.docx')).toBeNull();
    expect(sniff(zip([{ name: 'virus.exe', data: randomBytes(100) }]), 'a.docx')).toBeNull();
    // The same OOXML with its directory beyond the bytes kept at the end: refused, never guessed.
    const big = zip([
      { name: '[Content_Types].xml', data: types },
      { name: 'word/document.xml', data: '<w:document/>' },
      { name: 'word/media/image1.png', data: randomBytes(10) },
    ]);
    expect(sniffFormat(big.subarray(0, 64), big.subarray(-30), big.length, 'a.docx')).toBeNull();
  });

  it('knows ODF (odt, ods) by its first entry, mimetype, stored', () => {
    const odf = (mime: string) =>
      zip([
        { name: 'mimetype', data: mime },
        { name: 'content.xml', data: '<office:document-content/>', deflate: true },
      ]);
    expect(sniff(odf('application/vnd.oasis.opendocument.text'))).toBe('odt');
    expect(sniff(odf('application/vnd.oasis.opendocument.spreadsheet'))).toBe('ods');
    expect(sniff(odf('application/vnd.oasis.opendocument.presentation'))).toBeNull();
  });

  it('takes an OLE container as a legacy .doc or .xls only under that name', () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      randomBytes(500),
    ]);
    expect(sniff(ole, 'compte-rendu.DOC')).toBe('doc');
    expect(sniff(ole, 'budget.xls')).toBe('xls');
    expect(sniff(ole, 'installeur.msi')).toBeNull();
  });

  it('refuses HTML, SVG, scripts and executables', () => {
    for (const text of [
      '<!doctype html><html>',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '#!/bin/sh\nrm -rf /',
      'MZ\x90\x00',
      '\x7fELF',
      '',
    ])
      expect(sniff(Buffer.from(text, 'latin1'), 'attestation.pdf'), JSON.stringify(text)).toBeNull();
  });
});

describe('the download', () => {
  it('names the file for Content-Disposition without paths, quotes or control characters, with its real extension', () => {
    expect(contentDisposition('../../etc/passwd', 'pdf')).toBe(
      `attachment; filename="passwd.pdf"; filename*=UTF-8''passwd.pdf`,
    );
    expect(contentDisposition('a"b\r\nc.pdf', 'pdf')).toBe(
      `attachment; filename="abc.pdf"; filename*=UTF-8''abc.pdf`,
    );
    expect(contentDisposition('Contrat signé.PDF', 'pdf')).toBe(
      `attachment; filename="Contrat signe.PDF"; filename*=UTF-8''Contrat%20sign%C3%A9.PDF`,
    );
    expect(contentDisposition('', 'png')).toContain('filename="document.png"');
  });

  it('limits a confidential document to admins and referents, or to its uploader when there is no referent', () => {
    const doc = { confidential: 1, uploaded_by: 'u1' };
    expect(maySeeDocument({ id: 'x', role: 'admin' }, doc, ['r'])).toBe(true);
    expect(maySeeDocument({ id: 'r', role: 'advisor' }, doc, ['r'])).toBe(true);
    expect(maySeeDocument({ id: 'u1', role: 'advisor' }, doc, ['r'])).toBe(false);
    expect(maySeeDocument({ id: 'u1', role: 'advisor' }, doc, [])).toBe(true);
    expect(maySeeDocument({ id: 'x', role: 'advisor' }, doc, [])).toBe(false);
    expect(maySeeDocument({ id: 'x', role: 'advisor' }, { ...doc, confidential: 0 }, ['r'])).toBe(true);
  });
});

describe('the streamed upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'extranet-upload-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A multipart request whose body arrives in 64 KB chunks, as from a network. */
  function multipart(file: { name: string; size: number }, fields: Record<string, string> = {}): Request {
    const boundary = `----maillage${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(
      `${Object.entries(fields)
        .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join(
          '',
        )}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let sent = 0;
    let started = false;
    const chunk = 64 * 1024;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(new Uint8Array(Buffer.concat([head, Buffer.from('%PDF-')])));
          sent = 5;
          return;
        }
        const n = Math.min(chunk, file.size - sent);
        if (n > 0) {
          controller.enqueue(new Uint8Array(randomBytes(n)));
          sent += n;
        } else {
          controller.enqueue(new Uint8Array(tail));
          controller.close();
        }
      },
    });
    return new Request('http://localhost/documents/ajouter', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
  }

  /** The folder store, counting the bytes that reach it. */
  function countingStore(): DocumentStore & { written(): number } {
    const store = folderDocumentStore(dir);
    let written = 0;
    return {
      ...store,
      put: (source) => {
        const counter = new Transform({
          transform(c: Buffer, _e, done) {
            written += c.length;
            done(null, c);
          },
        });
        source.on('error', (e) => counter.destroy(e));
        return store.put(source.pipe(counter));
      },
      written: () => written,
    };
  }

  it('stores a 10 MB file under a random key (0600 in a 0700 folder) with its fields', async () => {
    const store = countingStore();
    const { fields, file } = await receiveUpload(
      multipart({ name: 'attestation.pdf', size: MAX_DOCUMENT_BYTES }, { kind: 'autre' }),
      store,
    );
    expect(fields).toEqual({ kind: 'autre' });
    expect(file).toMatchObject({ size: MAX_DOCUMENT_BYTES, name: 'attestation.pdf' });
    expect(file!.key).toMatch(/^[a-f0-9]{32}$/);
    expect(readdirSync(dir)).toEqual([file!.key]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, file!.key)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(file!.head.subarray(0, 5)).toString()).toBe('%PDF-');
    await store.delete(file!.key);
  });

  it('stops at 10 MB + 1 byte: the store never gets past the limit, the partial file is deleted', async () => {
    const store = countingStore();
    await expect(
      receiveUpload(multipart({ name: 'gros.pdf', size: 30 * 1024 * 1024 }), store),
    ).rejects.toThrow(DocumentTooLargeError);
    expect(store.written()).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses what is not multipart, and a second file', async () => {
    const store = folderDocumentStore(dir);
    await expect(
      receiveUpload(new Request('http://localhost/', { method: 'POST', body: 'kind=autre' }), store),
    ).rejects.toThrow('multipart');
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1']), 'a.pdf');
    form.append('file', new Blob(['%PDF-2']), 'b.pdf');
    await expect(
      receiveUpload(new Request('http://localhost/', { method: 'POST', body: form }), store),
    ).rejects.toThrow('un seul fichier');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never takes a key from outside: a path as key is refused by the store', async () => {
    const store = folderDocumentStore(dir);
    await expect(store.get('../../etc/passwd')).rejects.toThrow('clé de document invalide');
    await expect(store.delete('../x')).rejects.toThrow('clé de document invalide');
  });
});
