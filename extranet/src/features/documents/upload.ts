import { Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { DocumentStore } from './document.store.ts';
import { DocumentTooLargeError, MAX_DOCUMENT_BYTES, SNIFF_BYTES } from './documents.rules.ts';

interface ReceivedFile {
  key: string;
  size: number;
  name: string;
  head: Uint8Array;
  tail: Uint8Array;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  /** null: no file was chosen (an empty file part) */
  file: ReceivedFile | null;
}

/**
 * Counts a file's bytes as they pass and errors as soon as they go past `max` (the store then
 * drops what it wrote); keeps the first and last SNIFF_BYTES for the format check. Memory: two
 * small buffers, whatever the file's size.
 */
function meter(max: number) {
  let size = 0;
  const headParts: Buffer[] = [];
  let headLength = 0;
  let tail = Buffer.alloc(0);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > max) return done(new DocumentTooLargeError());
      if (headLength < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - headLength);
        headParts.push(Buffer.from(part));
        headLength += part.length;
      }
      tail =
        chunk.length >= SNIFF_BYTES
          ? Buffer.from(chunk.subarray(chunk.length - SNIFF_BYTES))
          : Buffer.concat([tail, chunk]).subarray(-SNIFF_BYTES);
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ size, head: Buffer.concat(headParts), tail }) };
}

/**
 * Reads a multipart/form-data request as it arrives: small text fields, and one file streamed to
 * the store with the size limit enforced while reading (past it, the partial file is deleted and
 * DocumentTooLargeError thrown; the rest of the body is not read). A request that is not
 * multipart, or holds more than one file, throws an Error.
 */
export async function receiveUpload(
  request: Request,
  store: DocumentStore,
  max = MAX_DOCUMENT_BYTES,
): Promise<ReceivedUpload> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data') || !request.body)
    throw new Error('formulaire multipart attendu');
  const body = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>);
  const parser = busboy({
    headers: { 'content-type': type },
    // Browsers send file names in UTF-8 (busboy's default would read them as Latin-1).
    defParamCharset: 'utf8',
    limits: { files: 1, fields: 20, fieldSize: 1024, parts: 25 },
  });
  const fields: Record<string, string> = {};
  const stored: Promise<ReceivedFile | null>[] = [];
  let tooMany = false;
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    fail = reject;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, file, info) => {
      const m = meter(max);
      file.on('error', (e) => m.stream.destroy(e));
      const put = (async () => {
        const key = await store.put(file.pipe(m.stream));
        const { size, head, tail } = m.result();
        if (size === 0) {
          await store.delete(key);
          return null;
        }
        return { key, size, head, tail, name: info.filename ?? '' };
      })();
      // A file refused (too large) stops the parsing at once: its part is not read further.
      put.catch(reject);
      stored.push(put);
    });
    parser.on('filesLimit', () => {
      tooMany = true;
    });
    parser.on('close', resolve);
    parser.on('error', reject);
  });
  body.on('error', (e) => fail(e));
  body.pipe(parser);
  try {
    await finished;
    const files = await Promise.all(stored);
    if (tooMany) throw new Error('un seul fichier par envoi');
    return { fields, file: files[0] ?? null };
  } catch (error) {
    // The rest of the body is read and dropped (never written; the adapter's limit bounds it), so
    // the browser gets the answer instead of a cut connection; what was stored goes.
    body.unpipe(parser);
    parser.destroy();
    body.on('error', () => {});
    body.resume();
    for (const f of await Promise.allSettled(stored))
      if (f.status === 'fulfilled' && f.value) await store.delete(f.value.key);
    throw error;
  }
}
