import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as clock from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { DbKind } from '../../db/connect.ts';
import type { Database, OutboxRow } from '../../db/database.ts';
import type { MailAttachment } from './mail.ts';

/** Attempts after which a message the SMTP server refused for good (5xx) is marked failed. */
export const MAX_ATTEMPTS = 20;
const LOCK_MS = 2 * 60_000;

/**
 * Whether the SMTP server refused this very message for good (a 5xx answer to its envelope or
 * content). Anything else — server down, timeout, greylisting (4xx), wrong credentials — is
 * transient: the message waits and is retried, however long the outage lasts.
 */
export function isPermanentFailure(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: string; responseCode?: number };
  return (code === 'EENVELOPE' || code === 'EMESSAGE') && (responseCode ?? 0) >= 500;
}

/** 30 s, 1 min, 2 min… capped at 1 h. */
export function backoffMs(attempts: number): number {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export interface MailWorkerOptions {
  db: Kysely<Database>;
  kind: DbKind;
  from: string;
  /** smtp://… ; when empty, messages are written as .eml files in outboxDir */
  smtpUrl?: string | undefined;
  outboxDir: string;
  batchSize?: number;
  /** how long a claim lasts (tests shorten it) */
  lockMs?: number;
}

/**
 * SMTP timeouts well under the claim: a hanging server fails the attempt instead of outliving the
 * claim (nodemailer's defaults wait up to 2 min to connect and 10 min on a silent socket).
 */
const SMTP_TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 };
/** A message is not started with less than this left on its claim (see SMTP_TIMEOUTS). */
const SEND_BUDGET_MS = 75_000;

/**
 * Claims due messages atomically (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a single writer),
 * so two server instances never send the same message twice. A claim expires after LOCK_MS, so a
 * crash while sending only delays the message.
 */
export async function claimDue(
  db: Kysely<Database>,
  kind: DbKind,
  batchSize: number,
  lockMs = LOCK_MS,
): Promise<OutboxRow[]> {
  const now = clock.now();
  const nowIso = now.toISOString();
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', nowIso)]),
      ]),
    )
    .orderBy('id')
    .limit(batchSize);
  if (kind === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sending',
      locked_until: new Date(now.getTime() + lockMs).toISOString(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

export function createTransport(options: Pick<MailWorkerOptions, 'smtpUrl'>) {
  return options.smtpUrl
    ? nodemailer.createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS })
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
}

/** "Maillage <a@b.fr>" → "a@b.fr" */
function fromAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** Sends one batch of due messages; returns how many were sent. */
export async function deliverDue(
  options: MailWorkerOptions,
  transport = createTransport(options),
): Promise<number> {
  const lockMs = options.lockMs ?? LOCK_MS;
  const rows = await claimDue(options.db, options.kind, options.batchSize ?? 10, lockMs);
  const budget = Math.min(SEND_BUDGET_MS, lockMs / 2);
  let sent = 0;
  for (const row of rows) {
    // A slow batch must not send a message after its claim ran out: another instance may have
    // claimed it again. Left as is, it is claimed again once the lock has passed.
    if (clock.nowMs() > Date.parse(row.locked_until ?? '') - budget) continue;
    try {
      const attachments = row.attachments_json ? (JSON.parse(row.attachments_json) as MailAttachment[]) : [];
      const info = await transport.sendMail({
        from: row.from_name ? { name: row.from_name, address: fromAddress(options.from) } : options.from,
        to: row.to_address,
        replyTo: row.reply_to ?? undefined,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body ?? undefined,
        attachments,
        headers: { 'X-Maillage-Outbox-Id': String(row.id) },
      });
      if (!options.smtpUrl) {
        const dir = resolve(options.outboxDir);
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, `${String(row.id).padStart(6, '0')}-${row.kind}.eml`),
          info.message as Buffer,
        );
      }
      await options.db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: clock.now().toISOString(), locked_until: null, last_error: null })
        .where('id', '=', row.id)
        .execute();
      sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // SMTP being down delays a message, never loses it: only a refusal ends its retries.
      const failed = row.attempts >= MAX_ATTEMPTS && isPermanentFailure(error);
      await options.db
        .updateTable('outbox')
        .set({
          status: failed ? 'failed' : 'pending',
          locked_until: null,
          last_error: message.slice(0, 500),
          next_attempt_at: new Date(clock.nowMs() + backoffMs(row.attempts)).toISOString(),
        })
        .where('id', '=', row.id)
        .execute();
      // No address nor content in the logs: only the message id and the error code.
      const code = (error as { code?: string }).code ?? 'erreur';
      console.warn(`[courriels] envoi du message ${row.id} échoué (tentative ${row.attempts}, ${code})`);
    }
  }
  return sent;
}

/** Runs deliverDue every `intervalMs` in the server process. */
export function startMailWorker(options: MailWorkerOptions, intervalMs = 2000): { stop(): void } {
  const transport = createTransport(options);
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      while ((await deliverDue(options, transport)) > 0) {
        // keep going while there is a backlog
      }
    } catch (error) {
      console.error('[courriels] le worker a rencontré une erreur :', (error as Error).message);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
