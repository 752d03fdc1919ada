// Backup and restore of the whole platform: both databases (SQLite's online backup API, or
// pg_dump/pg_restore for PostgreSQL), the CMS uploads and the extranet's documents, in one dated
// .tar.gz archive.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readEnvFile } from './env-file.ts';
import { appDir, root } from './workspace.ts';

const exec = promisify(execFile);

/** Where one database lives: a PostgreSQL URL, or else a SQLite file. */
export interface DatabaseLocation {
  databaseUrl?: string | undefined;
  file: string;
}

export interface Locations {
  extranet: DatabaseLocation;
  cms: DatabaseLocation;
  /** The CMS uploads folder (cms/public/uploads). */
  uploads: string;
  /** The extranet's documents folder (DOCUMENTS_DIR, default extranet/data/documents). */
  documents: string;
}

interface Manifest {
  format: 1;
  createdAt: string;
  extranet: 'sqlite' | 'postgres';
  cms: 'sqlite' | 'postgres';
}

/** The locations the apps use, read from their `.env` files with the apps' own defaults. */
export function locationsFromEnvFiles(): Locations {
  const extranetEnv = readEnvFile(join(appDir('extranet'), '.env'));
  const cmsEnv = readEnvFile(join(appDir('cms'), '.env'));
  const at = (dir: string, path: string) => (isAbsolute(path) ? path : resolve(dir, path));
  return {
    extranet: {
      databaseUrl: extranetEnv.get('DATABASE_URL') || undefined,
      file: at(appDir('extranet'), extranetEnv.get('EXTRANET_DB_FILE') || 'data/extranet.db'),
    },
    cms: {
      databaseUrl: cmsEnv.get('DATABASE_URL') || undefined,
      file: at(appDir('cms'), cmsEnv.get('DATABASE_FILENAME') || '.tmp/data.db'),
    },
    uploads: join(appDir('cms'), 'public', 'uploads'),
    documents: at(appDir('extranet'), extranetEnv.get('DOCUMENTS_DIR') || 'data/documents'),
  };
}

type SqliteDatabase = {
  backup(destination: string): Promise<unknown>;
  close(): void;
};
const openSqlite = (file: string, options: { readonly?: boolean; fileMustExist?: boolean }) => {
  // better-sqlite3 is the extranet's dependency (and the CMS's): resolve it from there.
  const Sqlite = createRequire(join(appDir('extranet'), 'package.json'))('better-sqlite3') as new (
    file: string,
    options: object,
  ) => SqliteDatabase;
  return new Sqlite(file, options);
};

async function tool(name: string, args: string[]): Promise<void> {
  try {
    await exec(name, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') {
      throw new Error(
        `${name} est introuvable : installez le client PostgreSQL (paquet postgresql-client) de la même version que le serveur.`,
        { cause: error },
      );
    }
    // pg tools print the URL only on connection errors; strip any password from the message.
    const message = String(stderr ?? '')
      .replace(/\/\/[^@\s]*@/g, '//…@')
      .trim();
    throw new Error(`${name} a échoué : ${message}`, { cause: error });
  }
}

async function dumpDatabase(location: DatabaseLocation, target: string): Promise<'sqlite' | 'postgres'> {
  if (location.databaseUrl) {
    await tool('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${target}.pgdump`,
      `--dbname=${location.databaseUrl}`,
    ]);
    return 'postgres';
  }
  if (!existsSync(location.file)) throw new Error(`Base SQLite introuvable : ${location.file}`);
  // SQLite's online backup: a consistent copy while the app keeps running and writing.
  const db = openSqlite(location.file, { fileMustExist: true });
  try {
    await db.backup(`${target}.sqlite`);
  } finally {
    db.close();
  }
  return 'sqlite';
}

async function restoreDatabase(
  location: DatabaseLocation,
  source: string,
  kind: 'sqlite' | 'postgres',
  name: string,
): Promise<void> {
  if (kind === 'postgres') {
    if (!location.databaseUrl)
      throw new Error(
        `L’archive contient une base PostgreSQL pour ${name}, mais ${name} n’a pas de DATABASE_URL.`,
      );
    await tool('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      `--dbname=${location.databaseUrl}`,
      `${source}.pgdump`,
    ]);
    return;
  }
  if (location.databaseUrl)
    throw new Error(`L’archive contient une base SQLite pour ${name}, mais ${name} utilise PostgreSQL.`);
  mkdirSync(dirname(location.file), { recursive: true });
  // The app is stopped (see restore()): its write-ahead log would otherwise replay over the copy.
  for (const suffix of ['-wal', '-shm']) rmSync(`${location.file}${suffix}`, { force: true });
  cpSync(`${source}.sqlite`, location.file);
}

/** Writes `maillage-<date>.tar.gz` into `outDir` and returns its path. */
export async function backup(locations: Locations, outDir: string, now = new Date()): Promise<string> {
  const staging = mkdtempSync(join(tmpdir(), 'maillage-backup-'));
  try {
    const manifest: Manifest = {
      format: 1,
      createdAt: now.toISOString(),
      extranet: await dumpDatabase(locations.extranet, join(staging, 'extranet')),
      cms: await dumpDatabase(locations.cms, join(staging, 'cms')),
    };
    mkdirSync(join(staging, 'uploads'));
    if (existsSync(locations.uploads))
      cpSync(locations.uploads, join(staging, 'uploads'), { recursive: true });
    // Documents: complete files only (an upload under way is a `.part` file).
    mkdirSync(join(staging, 'documents'), { mode: 0o700 });
    if (existsSync(locations.documents))
      cpSync(locations.documents, join(staging, 'documents'), {
        recursive: true,
        filter: (source) => !source.endsWith('.part'),
      });
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(outDir, { recursive: true });
    const archive = resolve(outDir, `maillage-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`);
    await tool('tar', ['-czf', archive, '-C', staging, '.']);
    return archive;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Puts back both databases, the uploads and the documents from an archive made by backup(). The
 * apps must be stopped: SQLite files are replaced, PostgreSQL databases are emptied and refilled
 * (one transaction each), the uploads and documents folders are replaced.
 */
export async function restore(archive: string, locations: Locations): Promise<Manifest> {
  if (!existsSync(archive)) throw new Error(`Archive introuvable : ${archive}`);
  const staging = mkdtempSync(join(tmpdir(), 'maillage-restore-'));
  try {
    await tool('tar', ['-xzf', archive, '-C', staging]);
    const manifestFile = join(staging, 'manifest.json');
    if (!existsSync(manifestFile))
      throw new Error('Ce fichier n’est pas une sauvegarde Maillage (manifest.json absent).');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    if (manifest.format !== 1) throw new Error(`Format de sauvegarde inconnu : ${String(manifest.format)}`);
    await restoreDatabase(locations.extranet, join(staging, 'extranet'), manifest.extranet, 'l’extranet');
    await restoreDatabase(locations.cms, join(staging, 'cms'), manifest.cms, 'le CMS');
    mkdirSync(locations.uploads, { recursive: true });
    for (const entry of readdirSync(locations.uploads)) {
      if (entry !== '.gitkeep') rmSync(join(locations.uploads, entry), { recursive: true, force: true });
    }
    cpSync(join(staging, 'uploads'), locations.uploads, { recursive: true });
    // The documents folder is replaced too (archives made before documents existed have none).
    if (existsSync(join(staging, 'documents'))) {
      rmSync(locations.documents, { recursive: true, force: true });
      mkdirSync(locations.documents, { recursive: true, mode: 0o700 });
      cpSync(join(staging, 'documents'), locations.documents, { recursive: true });
      chmodSync(locations.documents, 0o700);
      for (const entry of readdirSync(locations.documents))
        chmodSync(join(locations.documents, entry), 0o600);
    }
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export const defaultBackupDir = join(root, 'backups');
