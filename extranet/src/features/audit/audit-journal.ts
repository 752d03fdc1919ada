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
import { join } from 'node:path';
import type { Insertable, Kysely } from 'kysely';
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
 * Files: `open-<pid>.jsonl` being written, `batch-*.jsonl` being inserted; folder 0700, files 0600.
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

/** Starts the journal in `dir`: what a previous process left there is inserted first. */
export async function startAuditJournal(
  db: Kysely<Database>,
  dir: string,
  options: { flushMs?: number } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // What a previous process left (one that died, or an earlier life with our pid, as in a container).
  for (const name of readdirSync(dir)) {
    const pid = /^open-(\d+)\.jsonl$/.exec(name)?.[1];
    if (pid && (Number(pid) === process.pid || !alive(Number(pid)))) sealBatch(join(dir, name));
  }
  const open = join(dir, `open-${process.pid}.jsonl`);
  journal = {
    db,
    dir,
    fd: openSync(open, 'a', 0o600),
    open,
    pending: 0,
    flushMs: options.flushMs ?? 200,
    timer: null,
    flushing: null,
  };
  await insertBatches(journal);
}

/**
 * Appends a read's row to the journal; false when there is none (scripts, unit tests): the caller
 * then inserts it itself.
 */
export function journalAudit(row: Row): boolean {
  const j = journal;
  if (!j) return false;
  appendFileSync(j.fd, `${JSON.stringify({ ...row, journal_key: randomBytes(12).toString('base64url') })}\n`);
  j.pending++;
  // The batch is nobody's request: scheduled outside the one that wrote the line (its query count).
  if (j.pending >= FLUSH_ROWS) outsideRequest(() => void flushAuditJournal());
  else j.timer ??= outsideRequest(() => setTimeout(() => void flushAuditJournal(), j.flushMs));
  return true;
}

/** Inserts everything journaled so far (also at a graceful stop). */
export async function flushAuditJournal(): Promise<void> {
  const j = journal;
  if (!j) return;
  if (j.flushing) await j.flushing;
  if (j.timer) clearTimeout(j.timer);
  j.timer = null;
  if (j.pending === 0) return;
  j.pending = 0;
  // The open file becomes a batch; new rows go to a fresh file while the batch is inserted.
  closeSync(j.fd);
  sealBatch(j.open);
  j.fd = openSync(j.open, 'a', 0o600);
  j.flushing = insertBatches(j)
    .catch((error) => {
      // The database is away: the batch stays on disk and is inserted at the next flush.
      console.error('[journal] lectures en attente d’écriture :', (error as Error).message);
      j.pending++;
      j.timer ??= setTimeout(() => void flushAuditJournal(), 5_000);
    })
    .finally(() => {
      j.flushing = null;
    });
  await j.flushing;
}

export async function stopAuditJournal(): Promise<void> {
  await flushAuditJournal();
  if (journal) closeSync(journal.fd);
  journal = null;
}

function sealBatch(file: string): void {
  renameSync(file, join(file, '..', `batch-${Date.now()}-${randomBytes(4).toString('hex')}.jsonl`));
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
    const rows = text
      .split('\n')
      .filter(Boolean)
      .flatMap((line): Row[] => {
        try {
          return [JSON.parse(line) as Row];
        } catch {
          return []; // a line cut by a power loss: nothing was answered after it
        }
      });
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
