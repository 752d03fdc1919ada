/**
 * Faults done for real (issue 12, item 4): the database restarted under load, the process killed
 * mid-write, the outbox folder not writable. Each bounded in time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/connect.ts';
import { addEvent, eventRequest, intake } from './support/fixtures.ts';
import { type PgCluster, startPgCluster } from './support/pg-cluster.ts';
import {
  BACKENDS,
  freePort,
  ROOT,
  type RunningServer,
  SERVICE_TOKEN,
  startServer,
  throwawayDatabase,
} from './support/server.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  body: ReturnType<typeof eventRequest>;
  reference?: string;
}

/** Sends one request until it is acknowledged, as the site would on "réessayez"; records every answer. */
async function submitUntilStored(url: string, sent: Sent, answers: number[], retryAfter: (string | null)[]) {
  for (let attempt = 0; attempt < 200; attempt++) {
    let status = 0;
    try {
      const res = await intake(url, sent.body);
      status = res.status;
      const json = (await res.json()) as { reference?: string; error?: string };
      if (status === 201 || status === 200) {
        sent.reference = json.reference;
        answers.push(status);
        return;
      }
      if (status === 503) {
        expect(json).toEqual({ error: 'unavailable' });
        retryAfter.push(res.headers.get('retry-after'));
      }
    } catch {
      // connection refused: the server itself is gone (not expected here)
    }
    answers.push(status);
    await sleep(100);
  }
  throw new Error('never stored');
}

describe.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL restarted while 100 registrations flow', () => {
  let cluster: PgCluster;
  let server: RunningServer;
  let site: ChildProcess | undefined;
  let siteLogs = '';
  const tmp = mkdtempSync(join(tmpdir(), 'faults-pg-'));

  beforeAll(async () => {
    cluster = await startPgCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE extranet');
    await admin.end();
    const url = cluster.url.replace(/\/postgres$/, '/extranet');
    server = await startServer(
      'postgres',
      {},
      {
        env: { DATABASE_URL: url, EXTRANET_DB_FILE: join(tmp, 'unused.db'), OUTBOX_DIR: join(tmp, 'outbox') },
        open: () => createDb({ databaseUrl: url, file: '' }),
        drop: async () => {},
      },
    );
  });

  afterAll(async () => {
    if (site && site.exitCode === null) {
      const exited = new Promise((r) => site?.once('exit', r));
      site.kill('SIGTERM');
      await exited;
    }
    // FAULTS_DEBUG=1 prints what the server logged and what it answered during the outage.
    if (process.env.FAULTS_DEBUG) console.log(server?.logs());
    await server?.stop();
    cluster?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loses no acknowledged registration, answers a retryable 503 during the outage, and stores each once', async () => {
    await addEvent(server.db, 'ev-restart', 'valenciennois', 1000);
    const all: Sent[] = Array.from({ length: 100 }, () => ({ body: eventRequest('ev-restart') }));
    const answers: number[] = [];
    const retryAfter: (string | null)[] = [];
    let next = 0;
    const worker = async () => {
      while (next < all.length) {
        const sent = all[next++] as Sent;
        await submitUntilStored(server.url, sent, answers, retryAfter);
        await sleep(20);
      }
    };
    const flow = Promise.all(Array.from({ length: 4 }, worker));
    // Restart the database once some registrations went through, while the others keep coming.
    while (answers.filter((s) => s === 201).length < 25) await sleep(20);
    cluster.stop();
    await sleep(1500);
    cluster.start();
    await flow;

    if (process.env.FAULTS_DEBUG) {
      const tally = Object.fromEntries(
        [...new Set(answers)].map((s) => [s, answers.filter((x) => x === s).length]),
      );
      console.log('answers while PostgreSQL restarted:', tally);
    }
    expect(answers.filter((s) => s === 503).length, 'answers during the outage').toBeGreaterThan(0);
    expect(retryAfter.every((r) => r === '5')).toBe(true);
    expect(answers.filter((s) => s !== 201 && s !== 200 && s !== 503)).toEqual([]);
    const stored = await server.db.db
      .selectFrom('registration')
      .select(['reference', 'idempotency_key'])
      .where('event_id', '=', 'ev-restart')
      .execute();
    expect(stored).toHaveLength(100);
    const byKey = new Map(stored.map((r) => [r.idempotency_key, r.reference]));
    for (const sent of all) expect(byKey.get(sent.body.idempotencyKey)).toBe(sent.reference);
  });

  it('shows the site’s visitor a French « réessayez » with everything typed kept while the database is down', async () => {
    const entry = join(ROOT, '..', 'site', 'dist', 'server', 'entry.mjs');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    site = spawn(process.execPath, [entry], {
      cwd: join(ROOT, '..', 'site'),
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        NODE_ENV: 'production',
        SITE_URL: base,
        EXTRANET_URL: server.url,
        EXTRANET_SERVICE_TOKEN: SERVICE_TOKEN,
        CMS_URL: 'http://127.0.0.1:9',
        CMS_SITE_TOKEN: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    site.stdout?.on('data', (d) => (siteLogs += d));
    site.stderr?.on('data', (d) => (siteLogs += d));
    let html = '';
    for (const deadline = Date.now() + 30_000; ; ) {
      try {
        const res = await fetch(`${base}/etre-rappele`);
        if (res.status === 200) {
          html = await res.text();
          break;
        }
      } catch {
        // not yet
      }
      if (Date.now() > deadline || site.exitCode !== null) throw new Error(`site not started:\n${siteLogs}`);
      await sleep(200);
    }
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    cluster.stop();
    try {
      await sleep(3_100); // the form's minimum fill time (anti-bot)
      const res = await fetch(`${base}/etre-rappele?_action=requestCallback`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          idempotencyKey: hidden('idempotencyKey'),
          formStamp: hidden('formStamp'),
          site_web: '',
          firstName: 'Ginette',
          lastName: 'Vasseur',
          phone: '06 12 34 56 78',
          message: 'Plutôt le mardi matin',
        }),
      });
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('réessayez dans quelques minutes');
      expect(page).toContain('value="Ginette"');
      expect(page).toContain('value="Vasseur"');
      expect(page).toContain('value="06 12 34 56 78"');
      expect(page).toContain('>Plutôt le mardi matin</textarea>');
    } finally {
      cluster.start();
    }
    // Once the database is back, the same form goes through.
    for (const deadline = Date.now() + 15_000; ; ) {
      const res = await intake(server.url, eventRequest('ev-restart'));
      if (res.status === 201) break;
      if (Date.now() > deadline) throw new Error(`still ${res.status}`);
      await sleep(200);
    }
    expect(siteLogs).not.toContain('Ginette');
    expect(siteLogs).not.toContain('12 34 56 78');
  });
});

describe('the extranet killed (SIGKILL) during a burst of SQLite writes', () => {
  it('still has every acknowledged registration after the restart, each once', async () => {
    const first = await startServer('sqlite');
    await addEvent(first.db, 'ev-kill', 'douaisis', 10_000);
    const all: Sent[] = Array.from({ length: 400 }, () => ({ body: eventRequest('ev-kill') }));
    let acknowledged = 0;
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < all.length && !killed) {
        const sent = all[next++] as Sent;
        try {
          const res = await intake(first.url, sent.body);
          const json = (await res.json()) as { reference?: string };
          if (res.status === 201) {
            sent.reference = json.reference;
            acknowledged++;
          }
        } catch {
          // the process is gone: this one was never acknowledged
        }
      }
    };
    const burst = Promise.all(Array.from({ length: 16 }, worker));
    while (acknowledged < 60) await sleep(5);
    killed = true;
    await first.kill();
    await burst;
    await first.db.close();

    const second = await startServer('sqlite', {}, first.database);
    try {
      const stored = await second.db.db
        .selectFrom('registration')
        .select(['reference', 'idempotency_key'])
        .where('event_id', '=', 'ev-kill')
        .execute();
      const byKey = new Map(stored.map((r) => [r.idempotency_key, r.reference]));
      const acked = all.filter((s) => s.reference);
      expect(acked.length).toBeGreaterThanOrEqual(60);
      for (const sent of acked) expect(byKey.get(sent.body.idempotencyKey)).toBe(sent.reference);
      // What was in flight may or may not be stored; sent again (same key), it is stored once.
      const unanswered = all.filter((s) => !s.reference).slice(0, 30);
      for (const sent of unanswered)
        expect([200, 201]).toContain((await intake(second.url, sent.body)).status);
      const keys = [...acked, ...unanswered].map((s) => s.body.idempotencyKey);
      const again = await second.db.db
        .selectFrom('registration')
        .select('idempotency_key')
        .where('idempotency_key', 'in', keys)
        .execute();
      expect(again).toHaveLength(keys.length);
    } finally {
      await second.stop();
      await first.database.drop();
    }
  });
});

describe.each(BACKENDS)('the .eml folder not writable (%s)', (backend) => {
  it('keeps the message queued, then writes it once, when the folder is writable again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faults-eml-'));
    // A folder inside a plain file can never be created, whoever runs the test (root included).
    writeFileSync(join(dir, 'not-a-folder'), '');
    const database = await throwawayDatabase(backend);
    const to = 'eml.test@exemple.test';
    const blocked = await startServer(backend, { OUTBOX_DIR: join(dir, 'not-a-folder', 'outbox') }, database);
    try {
      await addEvent(blocked.db, 'ev-eml', 'cambresis', 10);
      const res = await intake(blocked.url, eventRequest('ev-eml', { email: to }));
      expect(res.status).toBe(201);
      // The server's worker runs every 2 s: wait for its failed attempt.
      let row: { status: string; attempts: number; last_error: string | null } | undefined;
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(250)) {
        row = await blocked.db.db
          .selectFrom('outbox')
          .select(['status', 'attempts', 'last_error'])
          .where('to_address', '=', to)
          .executeTakeFirst();
        // attempts counts the claim; 'pending' again once the failed attempt is recorded.
        if (row && row.attempts > 0 && row.status === 'pending') break;
      }
      expect(row).toMatchObject({ status: 'pending' });
      expect(row?.attempts).toBeGreaterThan(0);
      expect(row?.last_error).toMatch(/ENOTDIR|not a directory/i);
      expect(blocked.logs()).toContain('[courriels] envoi du message');
      expect(blocked.logs()).not.toContain(to);
    } finally {
      await blocked.stop();
    }
    // The folder is fixed (here: the instance restarted with a writable one) and the retry is due.
    const writable = join(dir, 'outbox');
    const fixed = await startServer(backend, { OUTBOX_DIR: writable }, database);
    try {
      await fixed.db.db
        .updateTable('outbox')
        .set({ next_attempt_at: '2000-01-01T00:00:00.000Z' })
        .where('to_address', '=', to)
        .execute();
      let status = '';
      for (
        const deadline = Date.now() + 15_000;
        Date.now() < deadline && status !== 'sent';
        await sleep(250)
      ) {
        status = (
          await fixed.db.db
            .selectFrom('outbox')
            .select('status')
            .where('to_address', '=', to)
            .executeTakeFirstOrThrow()
        ).status;
      }
      expect(status).toBe('sent');
      const files = readdirSync(writable).filter((f) => f.endsWith('.eml'));
      expect(files.filter((f) => readFileSync(join(writable, f), 'utf8').includes(to))).toHaveLength(1);
    } finally {
      await fixed.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
