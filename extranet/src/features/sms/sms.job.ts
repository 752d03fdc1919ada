import { createHash, randomBytes } from 'node:crypto';
import * as clock from '@maillage/platform/clock';
import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database, SmsMessageRow } from '../../db/database.ts';
import { type SmsProvider, SmsRejected, SmsTransient } from './brevo.ts';
import {
  claimDueSms,
  countSentTo,
  markSmsManual,
  markSmsSent,
  requeueSms,
  setCallbackHash,
} from './sms.repository.ts';
import { nextSmsInstant } from './sms.rules.ts';

/** Attempts after which a provider that keeps failing hands the message to an advisor. */
export const MAX_SMS_ATTEMPTS = 6;
/** SMS to one number per Paris day; beyond, the next one waits for the next day. */
const DAILY_CAP_PER_NUMBER = 5;
const LOCK_MS = 2 * 60_000;

export const PROVIDER_DOWN = 'Le fournisseur SMS ne répond pas : à envoyer à la main';

/** 30 s, 1 min, 2 min… capped at 1 h. */
function backoffMs(attempts: number): number {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export interface SmsWorkerOptions {
  db: Kysely<Database>;
  kind: 'sqlite' | 'postgres';
  provider: SmsProvider;
  /** EXTRANET_URL: the delivery reports come back to /api/sms/statut/<id>/<secret> */
  publicUrl: string;
  batchSize?: number;
  lockMs?: number;
  maxAttempts?: number;
  dailyCap?: number;
}

/** The hash kept of a delivery-report secret (the secret itself is only in the URL given to the provider). */
function callbackHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether this message may leave now; else when it may, and why it waits. */
async function holdUntil(
  options: SmsWorkerOptions,
  row: SmsMessageRow,
  batch: number[],
  now: Date,
): Promise<{ at: Date; reason: string | null } | null> {
  const allowed = nextSmsInstant(now);
  if (allowed > now) return { at: allowed, reason: null };
  const cap = options.dailyCap ?? DAILY_CAP_PER_NUMBER;
  const today = parisDate(now);
  const tomorrow = parisInstant(addDays(today, 1), '00:00');
  const sent = await countSentTo(options.db, {
    to: row.to_phone,
    from: parisInstant(today, '00:00').toISOString(),
    until: tomorrow.toISOString(),
    except: batch,
  });
  if (sent < cap) return null;
  return {
    at: nextSmsInstant(tomorrow),
    reason: `${cap} SMS déjà envoyés à ce numéro aujourd’hui : part le jour suivant`,
  };
}

/**
 * Sends one batch of due SMS; returns how many left. A claim (PostgreSQL: SKIP LOCKED; SQLite: one
 * writer) means two instances never send the same message. The provider down delays a message
 * (backoff), never loses it: after `maxAttempts` it goes to « À appeler »; a refusal goes there at once.
 */
export async function deliverDueSms(options: SmsWorkerOptions): Promise<number> {
  const now = clock.now();
  const lockMs = options.lockMs ?? LOCK_MS;
  const rows = await claimDueSms(options.db, options.kind, {
    nowIso: now.toISOString(),
    lockedUntil: new Date(now.getTime() + lockMs).toISOString(),
    batchSize: options.batchSize ?? 10,
  });
  let sent = 0;
  const batch = rows.map((r) => r.id);
  for (const row of rows) {
    // A slow batch never sends after its claim ran out: another instance may have it now.
    if (clock.nowMs() > Date.parse(row.locked_until ?? '') - lockMs / 2) {
      await requeueSms(options.db, row.id, {
        notBefore: row.not_before,
        lastError: row.last_error,
        countAttempt: false,
      });
      continue;
    }
    const hold = await holdUntil(options, row, batch, clock.now());
    if (hold) {
      await requeueSms(options.db, row.id, {
        notBefore: hold.at.toISOString(),
        lastError: hold.reason ?? row.last_error,
        countAttempt: false,
      });
      continue;
    }
    const secret = randomBytes(32).toString('base64url');
    await setCallbackHash(options.db, row.id, callbackHash(secret), options.provider.name);
    try {
      const result = await options.provider.send({
        id: row.id,
        to: row.to_phone,
        text: row.text_body,
        callbackUrl: new URL(`/api/sms/statut/${row.id}/${secret}`, options.publicUrl).toString(),
        tag: row.purpose,
      });
      await markSmsSent(options.db, row.id, {
        at: clock.now().toISOString(),
        providerMessageId: result.providerMessageId,
        delivered: result.delivered === true,
      });
      sent++;
    } catch (error) {
      await failed(options, row, error);
    }
  }
  return sent;
}

async function failed(options: SmsWorkerOptions, row: SmsMessageRow, error: unknown): Promise<void> {
  const at = clock.now();
  // No number nor text in the logs: the message id and the kind of failure.
  console.warn(`[sms] envoi du SMS ${row.id} échoué (tentative ${row.attempts}, ${(error as Error).name})`);
  if (error instanceof SmsRejected) {
    await markSmsManual(options.db, row.id, {
      reason: `Refusé par le fournisseur (${error.reason}) : à appeler`,
      failedAt: at.toISOString(),
      onlyIf: ['sending'],
    });
    return;
  }
  const reason = error instanceof SmsTransient ? error.message : 'erreur inattendue';
  if (row.attempts >= (options.maxAttempts ?? MAX_SMS_ATTEMPTS)) {
    await markSmsManual(options.db, row.id, {
      reason: `${PROVIDER_DOWN} (${reason})`,
      failedAt: null,
      onlyIf: ['sending'],
    });
    return;
  }
  const wait = Math.max(
    backoffMs(row.attempts),
    error instanceof SmsTransient ? (error.retryAfterMs ?? 0) : 0,
  );
  await requeueSms(options.db, row.id, {
    notBefore: nextSmsInstant(new Date(at.getTime() + wait)).toISOString(),
    lastError: `Nouvel essai prévu (${reason})`,
    countAttempt: true,
  });
}

/** Runs deliverDueSms every `intervalMs` in the server process. */
export function startSmsWorker(options: SmsWorkerOptions, intervalMs = 2000): { stop(): void } {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      while ((await deliverDueSms(options)) > 0) {
        // keep going while there is a backlog
      }
    } catch (error) {
      console.error('[sms] le worker a rencontré une erreur :', (error as Error).message);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
