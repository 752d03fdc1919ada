import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { chmod, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where documents' bytes live, behind an interface: the filesystem here; S3-compatible object
 * storage (issue 22) is another implementation of the same three calls. Keys are random ids made
 * by the store: a file name a user chose is never a path.
 */
export interface DocumentStore {
  /**
   * Writes the stream under a new random key and returns it. The stream's own error (a size limit
   * passed, a client gone) aborts the write: nothing is left behind, and the error is rethrown.
   */
  put(source: Readable): Promise<string>;
  /** The file's bytes; throws when there is no such key. */
  get(key: string): Promise<Readable>;
  /** Removes the file (nothing to remove is not an error). */
  delete(key: string): Promise<void>;
}

const KEY = /^[a-f0-9]{32}$/;

function checkedKey(key: string): string {
  if (!KEY.test(key)) throw new Error('clé de document invalide');
  return key;
}

/**
 * The filesystem store: one folder (0700), one file per document (0600), named by its key. A
 * file is streamed to `<key>.part` and renamed once complete, so a key's file is always whole.
 */
export function folderDocumentStore(folder: string): DocumentStore {
  const dir = resolve(folder);
  let ready = false;
  const ensureDir = async () => {
    if (ready) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    ready = true;
  };
  return {
    async put(source) {
      await ensureDir();
      const key = randomBytes(16).toString('hex');
      const partial = join(dir, `${key}.part`);
      try {
        await pipeline(source, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
        await rename(partial, join(dir, key));
      } catch (error) {
        await unlink(partial).catch(() => {});
        throw error;
      }
      return key;
    },
    async get(key) {
      const file = join(dir, checkedKey(key));
      await stat(file);
      return createReadStream(file);
    },
    async delete(key) {
      try {
        await unlink(join(dir, checkedKey(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
  };
}
