import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { modelOf, type PublicModel } from './constants';
import { bootstrapEnv } from './env';

const ACTION_TO_EVENT: Record<string, string> = {
  create: 'entry.create',
  update: 'entry.update',
  delete: 'entry.delete',
  publish: 'entry.publish',
  unpublish: 'entry.unpublish',
};

const quiet = new AsyncLocalStorage<boolean>();

/** Runs `fn` without notifying the site and extranet (demo seeding happens before they listen). */
export function withoutWebhook<T>(fn: () => Promise<T>): Promise<T> {
  return quiet.run(true, fn);
}

interface WebhookBody {
  event: string;
  model: PublicModel;
  documentId: string;
  at: string;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<rawBody>")>` as docs/contracts.md specifies. */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * After every write on a public content type, tells every site instance and the extranet (signed POST,
 * fire and forget). A Document Service middleware sees the admin, the REST API and our seed alike.
 */
export function registerWebhook(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    const result = await next();
    const params = context.params as { documentId?: string; status?: string };
    // create/update with status "published" publish in the same call: say so to the receivers.
    const publishesToo =
      (context.action === 'create' || context.action === 'update') && params.status === 'published';
    const event = publishesToo ? 'entry.publish' : ACTION_TO_EVENT[context.action];
    const model = modelOf(context.uid);
    if (event && model && !quiet.getStore()) {
      const documentId = params.documentId ?? (result as { documentId?: string } | null)?.documentId;
      if (documentId) {
        notify(strapi, { event, model, documentId, at: new Date().toISOString() });
      }
    }
    return result;
  });
}

function notify(strapi: Core.Strapi, body: WebhookBody): void {
  const secret = bootstrapEnv.webhookSecret;
  if (!secret) return;
  const rawBody = JSON.stringify(body);
  const timestamp = String(Date.now());
  const headers = {
    'content-type': 'application/json',
    'x-maillage-timestamp': timestamp,
    'x-maillage-signature': signWebhook(secret, timestamp, rawBody),
  };
  // Every site instance (each has its own cache); one extranet instance is enough (shared database).
  for (const base of [...bootstrapEnv.siteWebhookUrls, bootstrapEnv.extranetUrl]) {
    const url = `${base.replace(/\/+$/, '')}/api/cms-webhook`;
    fetch(url, {
      method: 'POST',
      headers,
      body: rawBody,
      signal: AbortSignal.timeout(bootstrapEnv.webhookTimeoutMs),
    })
      .then(async (res) => {
        await res.body?.cancel();
        if (!res.ok)
          strapi.log.warn(`[maillage] webhook ${body.event} ${body.model} → ${url}: HTTP ${res.status}`);
      })
      .catch((error: unknown) => {
        const reason =
          error instanceof Error ? (error.name === 'TimeoutError' ? 'timeout' : error.message) : 'error';
        strapi.log.warn(`[maillage] webhook ${body.event} ${body.model} → ${url} failed: ${reason}`);
      });
  }
}
