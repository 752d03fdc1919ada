import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Brevo on 127.0.0.1 (random port) speaking the transactional SMS API the extranet uses
 * (`POST /v3/transactionalSMS/send`, `api-key` header, `201 { messageId }`): it records what it
 * received, checks the key, answers as told (accepted, invalid number, bad key, rate limit with
 * Retry-After, server error, or never), and posts delivery reports to a message's `webUrl`.
 */
type BrevoMode = 'ok' | 'invalid-number' | 'unauthorized' | 'rate-limit' | 'error' | 'hang';

export interface BrevoSms {
  sender: string;
  recipient: string;
  content: string;
  type: string;
  tag: string;
  webUrl: string;
  unicodeEnabled: boolean;
  messageId: number;
}

export interface FakeBrevo {
  url: string;
  apiKey: string;
  /** every POST received, accepted or not */
  requests: Array<{ path: string; apiKey: string | undefined; body: BrevoSms }>;
  /** the messages it accepted */
  accepted: BrevoSms[];
  mode: BrevoMode;
  retryAfterSeconds: number;
  /** Posts a delivery report (Brevo's webhook body) to a URL (a message's webUrl): status and body. */
  report(url: string, body: unknown, init?: { raw?: string }): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

export async function startFakeBrevo(apiKey = 'xkeysib-test-0123456789'): Promise<FakeBrevo> {
  let nextId = 1511882900176220;
  const hanging: ServerResponse[] = [];
  const fake: FakeBrevo = {
    url: '',
    apiKey,
    requests: [],
    accepted: [],
    mode: 'ok',
    retryAfterSeconds: 120,
    async report(url, body, init) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: init?.raw ?? JSON.stringify(body),
      });
      return { status: res.status, body: await res.text() };
    },
    stop: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const answer = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v3/transactionalSMS/send')
        return answer(res, 404, { code: 'not_found', message: 'Not found' });
      const body = JSON.parse(raw || '{}') as BrevoSms;
      const key = req.headers['api-key'];
      fake.requests.push({ path: req.url, apiKey: typeof key === 'string' ? key : undefined, body });
      if (key !== fake.apiKey || fake.mode === 'unauthorized')
        return answer(res, 401, { code: 'unauthorized', message: 'Key not found' });
      if (fake.mode === 'hang') {
        hanging.push(res);
        return;
      }
      if (fake.mode === 'error')
        return answer(res, 500, { code: 'internal_error', message: 'Internal error' });
      if (fake.mode === 'rate-limit')
        return answer(
          res,
          429,
          { code: 'too_many_requests', message: 'Too many requests' },
          {
            'retry-after': String(fake.retryAfterSeconds),
          },
        );
      if (fake.mode === 'invalid-number' || !/^\d{8,15}$/.test(body.recipient ?? ''))
        return answer(res, 400, { code: 'invalid_parameter', message: 'Invalid phone number' });
      if (!body.sender || !body.content || !body.webUrl)
        return answer(res, 400, {
          code: 'missing_parameter',
          message: 'sender, content and webUrl are required',
        });
      const messageId = nextId++;
      fake.accepted.push({ ...body, messageId });
      answer(res, 201, { messageId });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Brevo's SMS webhook body for one accepted message. */
export function brevoReport(sms: BrevoSms, event: string, extra: Record<string, unknown> = {}) {
  return {
    id: 1,
    to: sms.recipient,
    sms_count: 1,
    credits_used: 1,
    messageId: sms.messageId,
    msg_status: event,
    date: new Date().toISOString(),
    type: 'sms',
    tag: sms.tag,
    ...extra,
  };
}
