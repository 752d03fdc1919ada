// Document upload: a 10 MB PDF sent BENCH_UPLOADS times (default 20) through the built server's
// /documents/ajouter (multipart, streamed to the store, format checked), one at a time, by the demo
// advisor; then one file of 10 MB + 1 byte, refused while it is read. Figures: each upload's time
// (budget: ≤ 1 s), and the server's memory (RSS from /proc) after a first upload and after all of
// them (budget: flat — it grows by less than BUDGET_RSS_GROWTH_MB, far less than the files sent),
// on SQLite and (when BENCH_DATABASE_URL or TEST_DATABASE_URL is set) on PostgreSQL.
// With BENCH_JSON=<file> the figures are added to that file (scripts/bench.ts's table).
// Usage: node bench/documents.ts   (from extranet/)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs } from '@maillage/platform/clock';
import type { DocumentsFigure } from '@maillage/scripts/lib/bench-table';
import { MAX_DOCUMENT_BYTES } from '../src/features/documents/documents.rules.ts';
import { benchPerson } from './rows.ts';
import * as bench from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);
const BUDGET_MS = 1000;
const BUDGET_RSS_GROWTH_MB = 20;

bench.requireBuiltServer();

/** The resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

async function upload(
  url: string,
  cookie: string,
  personId: number,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<Response> {
  const form = new FormData();
  form.append('kind', 'business-plan');
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'business plan.pdf');
  return fetch(`${url}/documents/ajouter?personne=${personId}`, {
    method: 'POST',
    body: form,
    headers: { cookie, origin: url },
    redirect: 'manual',
  });
}

const pdf = (size: number) => {
  const b = new Uint8Array(randomBytes(size));
  b.set(new TextEncoder().encode('%PDF-1.7\n'));
  return b;
};

const figures: DocumentsFigure[] = [];
for (const target of await bench.targets()) {
  const documents = mkdtempSync(join(tmpdir(), 'extranet-bench-documents-'));
  const { url, child } = await bench.startServer({ ...target.env, DOCUMENTS_DIR: documents }, SECRET);
  const db = target.open();
  try {
    const at = new Date(nowMs()).toISOString();
    const person = await db.db
      .insertInto('person')
      .values(benchPerson(1, 'valenciennois', at, 30_000_000))
      .returning('id')
      .executeTakeFirstOrThrow();
    const cookie = await bench.signIn(url);
    const file = pdf(MAX_DOCUMENT_BYTES);
    process.stdout.write(`› ${target.name} : ${UPLOADS} envois de 10 Mo… `);
    // A first upload warms the server up (code loaded, pools open): memory is measured from there.
    const first = await upload(url, cookie, person.id, file);
    if (first.status !== 303) throw new Error(`envoi refusé (${first.status})`);
    const rssBefore = rssMb(child.pid as number);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMb(child.pid as number));
    }, 10);
    const times: number[] = [];
    for (let i = 0; i < UPLOADS; i++) {
      const started = performance.now();
      const res = await upload(url, cookie, person.id, file);
      await res.arrayBuffer();
      times.push(performance.now() - started);
      if (res.status !== 303) throw new Error(`envoi refusé (${res.status})`);
    }
    // Past the limit: refused while read, nothing kept.
    const filesBefore = readdirSync(documents).length;
    const tooBig = await upload(url, cookie, person.id, pdf(MAX_DOCUMENT_BYTES + 1));
    await tooBig.arrayBuffer();
    clearInterval(sampler);
    const rssAfter = rssMb(child.pid as number);
    const s = bench.stats(times);
    const figure: DocumentsFigure = {
      base: target.name,
      uploads: UPLOADS,
      mb: MAX_DOCUMENT_BYTES / 1024 / 1024,
      p50: s.p50,
      p95: s.p95,
      max: s.max,
      rssBeforeMb: rssBefore,
      rssAfterMb: rssAfter,
      rssPeakMb: rssPeak,
      overLimitStatus: tooBig.status,
      overLimitLeftFiles: readdirSync(documents).length - filesBefore,
    };
    figures.push(figure);
    console.log(
      `fait. p95 ${s.p95.toFixed(0)} ms ; mémoire ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} Mo (pointe ${rssPeak.toFixed(0)})`,
    );
  } finally {
    await db.close();
    await bench.stopServer(child);
    rmSync(documents, { recursive: true, force: true });
    await target.drop();
  }
}

const budgets = { uploadMs: BUDGET_MS, rssGrowthMb: BUDGET_RSS_GROWTH_MB };
const header = [
  'Base',
  'Envois',
  'p50 (ms)',
  'p95 (ms)',
  'max (ms)',
  `≤ ${BUDGET_MS} ms`,
  'RSS avant → après (Mo)',
  'pointe (Mo)',
  `+ ≤ ${BUDGET_RSS_GROWTH_MB} Mo`,
  '10 Mo + 1 octet',
];
console.log(`\nEnvoi d’un document de 10 Mo (${UPLOADS} envois à la suite, serveur construit)\n`);
bench.printTable(
  header,
  figures.map((f) => [
    f.base,
    String(f.uploads),
    f.p50.toFixed(0),
    f.p95.toFixed(0),
    f.max.toFixed(0),
    f.max <= BUDGET_MS ? 'oui' : 'NON',
    `${f.rssBeforeMb.toFixed(0)} → ${f.rssAfterMb.toFixed(0)}`,
    f.rssPeakMb.toFixed(0),
    f.rssAfterMb - f.rssBeforeMb <= BUDGET_RSS_GROWTH_MB ? 'oui' : 'NON',
    `${f.overLimitStatus}, ${f.overLimitLeftFiles} fichier(s) laissé(s)`,
  ]),
);

// Added to the extranet's figures (bench/inbox.ts writes the file first).
if (process.env.BENCH_JSON) {
  const file = process.env.BENCH_JSON;
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, JSON.stringify({ ...existing, documents: figures, documentBudgets: budgets }, null, 2));
}
