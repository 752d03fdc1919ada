import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Insertable, Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { outsideRequest } from '../../db/query-log.ts';
import type { AuditLogTable } from '../../db/tables/system.ts';

/**
 * Who read what, off the request's path (issue 25). A read's audit row is appended to a journal
 * file (one JSON line, one `write`, before the page is answered) and inserted into `audit_log` in
 * batches, every FLUSH_MS or FLUSH_ROWS rows, in one transaction per batch.
 *
 * Never lost: a line written is in the kernel's hands, so a process killed after answering
 * (SIGKILL included) loses none; whatever an instance left is inserted when one starts again.
 * Never twice: each line carries a random `journal_key`, unique in `audit_log` (a batch inserted
 * then killed before its file is removed is inserted again as nothing).
 *
 * Changes are not journaled: their audit row is written in the change's own transaction
 * (audit.repository.ts). The journal holds ids, actions and counts only — what a read row holds.
 * Files: `open-<host>-<pid>-<boot>.jsonl` being written, `batch-*.jsonl` being inserted, lines that
 * are not rows set aside in `rejected.jsonl`; folder 0700, files 0600.
 */
const FLUSH_ROWS = 200;

type Row = Insertable<AuditLogTable>;

interface Journal {
  db: Kysely<Database>;
  dir: string;
  fd: number;
  open: string;
  pending: number;
  flushMs: number;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
}

let journal: Journal | null = null;

/**
 * This process's open file: host, pid and a random boot id, so that two containers sharing a
 * folder (both pid 1) never write to, or seal, each other's file.
 */
const OPEN = /^open-(.+)-(\d+)-([0-9a-f]{8})\.jsonl$/;

/**
 * Starts the journal in `dir`. What a previous process of this host left there (one that died, or an
 * earlier life with our pid, as in a container) is sealed and inserted in the background.
 */
export function startAuditJournal(
  db: Kysely<Database>,
  dir: string,
  options: { flushMs?: number } = {},
): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const host = hostname();
  for (const name of readdirSync(dir)) {
    const m = OPEN.exec(name);
    if (m && m[1] === host && (Number(m[2]) === process.pid || !alive(Number(m[2]))))
      sealBatch(join(dir, name));
  }
  const open = join(dir, `open-${host}-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`);
  const j: Journal = {
    db,
    dir,
    fd: openSync(open, 'a', 0o600),
    open,
    pending: 0,
    flushMs: options.flushMs ?? 200,
    timer: null,
    flushing: null,
  };
  journal = j;
  j.flushing = insertOrRetry(j);
}

/**
 * Appends a read's row to the journal; false when there is none (scripts, unit tests): the caller
 * then inserts it itself.
 */
export function journalAudit(row: Row): boolean {
  const j = journal;
  if (!j) return false;
  // A leading newline too: a line cut short by a full disk never swallows the next one.
  appendFileSync(
    j.fd,
    `\n${JSON.stringify({ ...row, journal_key: randomBytes(12).toString('base64url') })}\n`,
  );
  j.pending++;
  // The batch is nobody's request: scheduled outside the one that wrote the line (its query count).
  if (j.pending >= FLUSH_ROWS) outsideRequest(() => void flushAuditJournal());
  else j.timer ??= later(() => void flushAuditJournal(), j.flushMs);
  return true;
}

/** Inserts everything journaled so far, waiting for an insert under way (merge, erasure, stop). */
export async function flushAuditJournal(): Promise<void> {
  const j = journal;
  if (!j) return;
  while (j.flushing) await j.flushing;
  if (j.timer) clearTimeout(j.timer);
  j.timer = null;
  if (j.pending === 0) return;
  j.pending = 0;
  // The open file becomes a batch; new rows go to a fresh file while the batch is inserted.
  closeSync(j.fd);
  sealBatch(j.open);
  j.fd = openSync(j.open, 'a', 0o600);
  j.flushing = insertOrRetry(j);
  await j.flushing;
}

export async function stopAuditJournal(): Promise<void> {
  await flushAuditJournal();
  if (journal) closeSync(journal.fd);
  journal = null;
}

/** Inserts the sealed batches; the database away, they stay on disk and are tried again in 5 s. */
function insertOrRetry(j: Journal): Promise<void> {
  return outsideRequest(() =>
    insertBatches(j)
      .catch((error) => {
        console.error('[journal] lectures en attente d’écriture :', (error as Error).message);
        j.pending++;
        j.timer ??= later(() => void flushAuditJournal(), 5_000);
      })
      .finally(() => {
        j.flushing = null;
      }),
  );
}

function later(fn: () => void, ms: number): NodeJS.Timeout {
  return outsideRequest(() => setTimeout(fn, ms).unref());
}

function sealBatch(file: string): void {
  renameSync(file, join(file, '..', `batch-${Date.now()}-${randomBytes(4).toString('hex')}.jsonl`));
}

/** What a journal line may hold: an audit row's columns, nothing else (a forged key is not a column). */
const line = z.object({
  at: z.string().max(40),
  actor_id: z.string().max(200).nullable(),
  action: z.string().max(100),
  entity_type: z.string().max(100),
  entity_id: z.string().max(200).nullable(),
  person_id: z.number().int().nullable(),
  details_json: z.string().max(10_000).nullable(),
  journal_key: z.string().min(8).max(64),
});

/** A batch's rows; lines that are not rows (cut short, or not ours) are set aside, never retried. */
function rowsOf(j: Journal, text: string): Row[] {
  const rows: Row[] = [];
  const rejected: string[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const row = line.safeParse(parsed);
    if (row.success) rows.push(row.data);
    else rejected.push(raw);
  }
  if (rejected.length) {
    appendFileSync(join(j.dir, 'rejected.jsonl'), `${rejected.join('\n')}\n`, { mode: 0o600 });
    console.error(`[journal] ${rejected.length} ligne(s) illisible(s) mise(s) de côté (rejected.jsonl)`);
  }
  return rows;
}

async function insertBatches(j: Journal): Promise<void> {
  const batches = readdirSync(j.dir)
    .filter((n) => n.startsWith('batch-'))
    .sort();
  for (const name of batches) {
    const file = join(j.dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // another instance on this folder took it
    }
    const rows = rowsOf(j, text);
    await j.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 100) {
        await trx
          .insertInto('audit_log')
          .values(rows.slice(i, i + 100))
          .onConflict((oc) => oc.column('journal_key').doNothing())
          .execute();
      }
    });
    try {
      unlinkSync(file);
    } catch {
      // removed by another instance
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
