// What the extranet benchmarks share: the built server on a free port, the databases to measure
// (a temp SQLite file, and PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL points to a server
// whose role may create databases), signing in the demo advisor, the concurrent load, percentiles
// and the result table (table.ts); the rows they write are in rows.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from '../src/db/connect.ts';
import { listTerritories } from '../src/features/territories/territories.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist', 'server', 'entry.mjs');
const PASSWORD = 'maillage-demo-2026';
/** The built-in territories (a bench runs without the CMS): the rows spread over them. */
export const TERRITORIES = listTerritories().map((t) => t.slug);

/** Stops with a clear message when the server has not been built. */
export function requireBuiltServer(): void {
  if (!existsSync(ENTRY)) {
    console.error('✗ Serveur non construit : lancez `npm run build -w extranet` avant le banc.');
    process.exit(1);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Target {
  name: string;
  env: Record<string, string>;
  open(): Db;
  drop(): Promise<void>;
}

export async function targets(): Promise<Target[]> {
  const dir = mkdtempSync(join(tmpdir(), 'extranet-bench-'));
  const file = join(dir, 'extranet.db');
  const list: Target[] = [
    {
      name: 'SQLite',
      env: { EXTRANET_DB_FILE: file, DATABASE_URL: '', OUTBOX_DIR: join(dir, 'outbox') },
      open: () => createDb({ file }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `extranet_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    list.push({
      name: 'PostgreSQL',
      env: { DATABASE_URL: url.toString(), OUTBOX_DIR: join(dir, 'outbox-pg') },
      open: () => createDb({ databaseUrl: url.toString(), file: '' }),
      drop: async () => {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    });
  } else {
    console.log('(PostgreSQL ignoré : définissez BENCH_DATABASE_URL ou TEST_DATABASE_URL pour le mesurer.)');
  }
  return list;
}

/** The built server with the demo accounts, the CMS "down" (the benches fill the events copy). */
export async function startServer(
  env: Record<string, string>,
  secret: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ASTRO_TELEMETRY_DISABLED: '1',
      EXTRANET_URL: url,
      CMS_URL: 'http://127.0.0.1:9',
      BETTER_AUTH_SECRET: secret,
      EXTRANET_SERVICE_TOKEN: 'bench',
      MAILLAGE_DEMO: '1',
      SEED_DEMO: 'true',
      DEMO_PASSWORD: PASSWORD,
      // e.g. --cpu-prof --cpu-prof-dir=/tmp/prof to see where the server spends its time
      // DB_QUERY_LOG=<file>: each request's queries and their time, one JSON line per request
      ...(process.env.DB_QUERY_LOG ? { DB_QUERY_LOG: process.env.DB_QUERY_LOG } : {}),
      ...(process.env.BENCH_SERVER_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
        : {}),
      ...env,
    },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/`)).ok) return { url, child };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('le serveur ne démarre pas');
}

export async function stopServer(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/**
 * For each database to measure (those named in `bases`, or all): the built server on it, a
 * connection, then `measure`; the server stopped and the database dropped afterwards (kept with
 * BENCH_KEEP=1, to look at query plans).
 */
export async function eachTarget(
  secret: string,
  options: { env?: Record<string, string>; bases?: string[] },
  measure: (run: { target: Target; url: string; db: Db }) => Promise<void>,
): Promise<void> {
  for (const target of (await targets()).filter((t) => !options.bases || options.bases.includes(t.name))) {
    const { url, child } = await startServer({ ...target.env, ...options.env }, secret);
    const db = target.open();
    try {
      await measure({ target, url, db });
    } finally {
      await db.close();
      await stopServer(child);
      if (process.env.BENCH_KEEP) console.log(`(base gardée : ${JSON.stringify(target.env)})`);
      else await target.drop();
    }
  }
}

/**
 * fetch, once more when a kept-alive connection turns out closed by the server while idle (the
 * seeding between two measures can outlast its keep-alive timeout): not a server error.
 */
async function get(input: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(input, init);
  }
}

/** Signs the demo advisor in and returns the session cookie. */
export async function signIn(url: string): Promise<string> {
  const res = await get(`${url}/connexion?_action=auth.signIn`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({
      email: 'conseiller@maillage.test',
      password: PASSWORD,
      suivant: '/demandes',
    }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (res.status !== 303 || !cookie) throw new Error(`connexion impossible (${res.status})`);
  return cookie;
}

/** The p-th percentile of a list of durations (ms); 0 for none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** p50, p95 and max of a list of durations (ms). */
export function stats(values: number[]) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: percentile(values, 100),
  };
}

/** `users` sessions of the demo advisor, each with its own cookie. */
export async function signInUsers(url: string, users: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < users; i++) cookies.push(await signIn(url));
  return cookies;
}

export interface Load {
  latencies: number[];
  /** latencies by kind of page */
  byKind: Map<string, number[]>;
  errors: number;
  /** how many answers of each status other than 200 */
  statuses: Map<number, number>;
  seconds: number;
}

/**
 * The signed-in users at once, each asking `perUser` pages in turn (`pathOf(user, i)`), after one
 * warm-up page each (caches, JIT, connection pool). An answer other than 200, or one `accept`
 * refuses, is an error.
 */
export async function concurrentLoad(
  url: string,
  cookies: string[],
  o: {
    perUser: number;
    pathOf: (user: number, i: number) => string;
    kindOf?: (path: string) => string;
    accept?: (path: string, body: string) => boolean;
  },
): Promise<Load> {
  await Promise.all(
    cookies.map((cookie, u) => get(`${url}${o.pathOf(u, 0)}`, { headers: { cookie } }).then((r) => r.text())),
  );
  const load: Load = { latencies: [], byKind: new Map(), errors: 0, statuses: new Map(), seconds: 0 };
  const started = performance.now();
  await Promise.all(
    cookies.map(async (cookie, u) => {
      for (let i = 0; i < o.perUser; i++) {
        const path = o.pathOf(u, i);
        const t = performance.now();
        const res = await get(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
        const body = await res.text();
        const ms = performance.now() - t;
        load.latencies.push(ms);
        const kind = o.kindOf?.(path) ?? path;
        load.byKind.set(kind, [...(load.byKind.get(kind) ?? []), ms]);
        if (res.status !== 200) load.statuses.set(res.status, (load.statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 200 || (o.accept && !o.accept(path, body))) load.errors++;
      }
    }),
  );
  load.seconds = (performance.now() - started) / 1000;
  return load;
}

/** What a load comes to: pages asked (n), p50, p95 and max (ms), pages per second, errors. */
export function loadSummary(load: Pick<Load, 'latencies' | 'seconds' | 'errors'>) {
  return { ...stats(load.latencies), rps: load.latencies.length / load.seconds, errors: load.errors };
}

/** The table columns of a load summary, then (loadCells) its cells for one row. */
export const LOAD_HEADER = ['Requêtes', 'p50 (ms)', 'p95 (ms)', 'max (ms)', 'req/s', 'Erreurs'];
export function loadCells(r: ReturnType<typeof loadSummary>): string[] {
  return [
    String(r.n),
    r.p50.toFixed(0),
    r.p95.toFixed(0),
    r.max.toFixed(0),
    r.rps.toFixed(0),
    String(r.errors),
  ];
}

export { printTable } from '@maillage/scripts/lib/bench-table';
