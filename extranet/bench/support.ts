// What the extranet benchmarks share: the built server on a free port, the databases to measure
// (a temp SQLite file, and PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL points to a server
// whose role may create databases), signing in the demo advisor, percentiles and the result table.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from '../src/db/connect.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist', 'server', 'entry.mjs');
export const PASSWORD = 'maillage-demo-2026';
export const TERRITORIES = ['valenciennois', 'douaisis', 'cambresis', 'pevele-carembault'];

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
 * fetch, once more when a kept-alive connection turns out closed by the server while idle (the
 * seeding between two measures can outlast its keep-alive timeout): not a server error.
 */
export async function get(input: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(input, init);
  }
}

/** Signs the demo advisor in and returns the session cookie. */
export async function signIn(url: string): Promise<string> {
  const res = await get(`${url}/connexion`, {
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

/** p50, p95 and max of a list of durations (ms). */
export function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { n: sorted.length, p50: pct(50), p95: pct(95), max: sorted[sorted.length - 1]! };
}

/** Prints a Markdown table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
