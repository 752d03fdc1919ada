import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/connect.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type Backend = 'sqlite' | 'postgres';

export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Drops a throwaway PostgreSQL database. FORCE ends our own leftover connections, but not an
 * autovacuum worker busy on it (the test role may not signal it): wait for it and try again.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '42501' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await c.end();
  }
}

/** A throwaway database: a temp SQLite file, or a fresh database inside TEST_DATABASE_URL's server. */
export async function throwawayDatabase(
  backend: Backend,
): Promise<{ env: Record<string, string>; open(): Db; drop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'extranet-test-'));
  if (backend === 'sqlite') {
    const file = join(dir, 'extranet.db');
    return {
      env: { EXTRANET_DB_FILE: file, DATABASE_URL: '', OUTBOX_DIR: join(dir, 'outbox') },
      open: () => createDb({ file }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const name = `extranet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: {
      DATABASE_URL: url.toString(),
      EXTRANET_DB_FILE: join(dir, 'unused.db'),
      OUTBOX_DIR: join(dir, 'outbox'),
    },
    open: () => createDb({ databaseUrl: url.toString(), file: '' }),
    drop: async () => {
      await dropDatabase(serverUrl, name);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  url: string;
  database: Awaited<ReturnType<typeof throwawayDatabase>>;
  env: Record<string, string>;
  db: Db;
  logs(): string;
  /**
   * Waits until the reads' audit rows written so far are in the database (they go through a
   * journal, features/audit/audit-journal.ts): call it before looking for a read in audit_log.
   */
  settleAudit(): Promise<void>;
  /** Kills the process without letting it finish anything (SIGKILL), leaving the database as is. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves when a reads' journal folder holds no batch and no unwritten line (5 s at most). */
export async function journalSettled(dir: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const files = readdirSync(dir);
    const waiting = files.some(
      (f) => f.startsWith('batch-') || (f.startsWith('open-') && statSync(join(dir, f)).size > 0),
    );
    if (!waiting) return;
    if (Date.now() > deadline) throw new Error(`journal d’audit non inséré : ${files.join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const SERVICE_TOKEN = 'test-service-token-0123456789';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
export const DEMO_PASSWORD = 'maillage-demo-2026';

/** Starts `node dist/server/entry.mjs` on a random port against a throwaway database. */
export async function startServer(
  backend: Backend,
  extraEnv: Record<string, string> = {},
  /** another instance's database: this server shares it and leaves it in place when stopped */
  shared?: Awaited<ReturnType<typeof throwawayDatabase>>,
): Promise<RunningServer> {
  const database = shared ?? (await throwawayDatabase(backend));
  // A given PORT: a test that must know the address before the server starts (the CMS's webhooks).
  const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: String(port),
    NODE_ENV: 'test',
    ASTRO_TELEMETRY_DISABLED: '1',
    EXTRANET_URL: url,
    SITE_URL: 'http://127.0.0.1:9',
    // Nothing listens there: the events copy is filled by the tests, the CMS is "down".
    CMS_URL: 'http://127.0.0.1:9',
    CMS_EXTRANET_TOKEN: 'none',
    CMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    EXTRANET_SERVICE_TOKEN: SERVICE_TOKEN,
    BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
    // Demo mode (demo accounts, .eml outbox); production.test.ts starts without it.
    MAILLAGE_DEMO: '1',
    SEED_DEMO: 'true',
    DEMO_PASSWORD,
    MAIL_FROM: 'Maillage <test@maillage.test>',
    // The suite's moment (CI runs the date-sensitive suites as if at 00:30 and 23:30 Paris time).
    ...(process.env.MAILLAGE_NOW ? { MAILLAGE_NOW: process.env.MAILLAGE_NOW } : {}),
    // Each server its own reads' journal, inserted every 20 ms (see settleAudit).
    AUDIT_JOURNAL_DIR: mkdtempSync(join(tmpdir(), 'extranet-journal-')),
    AUDIT_FLUSH_MS: '20',
    ...database.env,
    ...extraEnv,
  };
  let output = '';
  // The integration suites build a private copy (global set-up); end-to-end suites use dist/.
  const entry = inject('serverEntry') ?? join(ROOT, 'dist', 'server', 'entry.mjs');
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Le serveur s’est arrêté :\n${output}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Le serveur n’a pas démarré :\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  const db = database.open();
  return {
    url,
    database,
    env,
    db,
    logs: () => output,
    settleAudit: () => journalSettled(env.AUDIT_JOURNAL_DIR!),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      await db.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!shared) await database.drop();
      if (!extraEnv.AUDIT_JOURNAL_DIR) rmSync(env.AUDIT_JOURNAL_DIR!, { recursive: true, force: true });
    },
  };
}
