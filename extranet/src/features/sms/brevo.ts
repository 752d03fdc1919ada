import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One SMS for the provider: to an E.164 number, GSM-7 text, our delivery-report URL. */
interface SmsToSend {
  /** sms_message.id: names the demo folder's file, never sent to the provider */
  id: number;
  to: string;
  text: string;
  callbackUrl: string;
  /** the purpose (receipt, decision…): the provider's statistics by kind, never personal data */
  tag: string;
}

export interface SmsProvider {
  /** stored in sms_message.provider */
  readonly name: string;
  /** Resolves with the provider's id; rejects with SmsRejected (for good) or SmsTransient (retry). */
  send(sms: SmsToSend): Promise<{ providerMessageId: string; delivered?: boolean }>;
}

/** The provider refused this very message for good (invalid number, blocked): not retried. */
export class SmsRejected extends Error {
  /** French, shown to advisors in « À appeler » */
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'SmsRejected';
    this.reason = reason;
  }
}

/** The provider could not take it now (5xx, timeout, 429…): retried later, never lost. */
export class SmsTransient extends Error {
  /** from Retry-After (429, 503), when the provider gave one */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'SmsTransient';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfter(header: string | null, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Why Brevo refused a message (400), in French: the number, else the request. */
function rejectionReason(body: { code?: unknown; message?: unknown }): string {
  const text = `${String(body.code ?? '')} ${String(body.message ?? '')}`;
  if (/phone|number|recipient|mobile/i.test(text)) return 'numéro invalide';
  if (/block|blacklist|unsubscr/i.test(text)) return 'numéro bloqué chez le fournisseur';
  return 'message refusé par le fournisseur';
}

export interface BrevoSettings {
  apiKey: string;
  /** ≤ 11 letters or digits, as the person's phone shows it */
  sender: string;
  /** https://api.brevo.com, or the tests' fake server */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * Brevo's transactional SMS: `POST /v3/transactionalSMS/send` with the `api-key` header, answered
 * `201 { messageId }` (https://developers.brevo.com/docs/transactional-sms-endpoints; the older
 * `/v3/transactionalSMS/sms` is deprecated, https://developers.brevo.com/changelog/2025/5/1).
 * `recipient` is international without « + »; `unicodeEnabled: false` since our texts are GSM-7
 * (toGsm7); `webUrl` is the message's own delivery-report URL (its secret authenticates Brevo).
 */
export function brevoProvider(settings: BrevoSettings): SmsProvider {
  const endpoint = new URL('/v3/transactionalSMS/send', settings.apiUrl).toString();
  return {
    name: 'brevo',
    async send(sms) {
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            'api-key': settings.apiKey,
          },
          body: JSON.stringify({
            sender: settings.sender,
            recipient: sms.to.replace(/^\+/, ''),
            content: sms.text,
            type: 'transactional',
            tag: sms.tag,
            webUrl: sms.callbackUrl,
            unicodeEnabled: false,
          }),
          signal: AbortSignal.timeout(settings.timeoutMs ?? 15_000),
        });
      } catch (error) {
        const name = (error as Error).name;
        throw new SmsTransient(name === 'TimeoutError' ? 'délai dépassé' : 'fournisseur injoignable');
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (res.ok) {
        const id = body.messageId;
        if (typeof id !== 'number' && typeof id !== 'string')
          throw new SmsTransient(`réponse sans messageId (${res.status})`);
        return { providerMessageId: String(id) };
      }
      if (res.status === 400) throw new SmsRejected(rejectionReason(body));
      if (res.status === 429 || res.status === 503)
        throw new SmsTransient(
          `trop de demandes (${res.status})`,
          retryAfter(res.headers.get('retry-after')),
        );
      if (res.status === 401 || res.status === 403)
        throw new SmsTransient(`clé du fournisseur refusée (${res.status})`);
      throw new SmsTransient(`erreur du fournisseur (${res.status})`);
    },
  };
}

/** The file demo mode writes for one SMS (erasures delete it with the person). */
export function smsFileName(id: number): string {
  return `sms-${String(id).padStart(6, '0')}.txt`;
}

/** Demo mode: each SMS written to a file in `dir`, and counted delivered at once. */
export function folderProvider(dir: string): SmsProvider {
  return {
    name: 'dossier',
    async send(sms) {
      const folder = resolve(dir);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, smsFileName(sms.id)), `À : ${sms.to}\n\n${sms.text}\n`);
      return { providerMessageId: `dossier-${sms.id}`, delivered: true };
    },
  };
}
