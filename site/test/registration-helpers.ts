import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the extranet's intake API (docs/contracts.md) on 127.0.0.1: it records what the
 * site sends, so tests can check that nothing at all reached it, and answers like the real one.
 */
/** A professional's registration of someone for the event `evt123abc`, as the form posts it. */
export const PRESCRIBER_FIELDS = {
  request: 'event',
  eventId: 'evt123abc',
  'source.name': 'Paul Martin',
  'source.organisation': 'France Travail Cambrai',
  'source.email': 'paul.martin@francetravail.test',
  'source.personConsent': 'on',
};

type IntakeMode = 'ok' | 'full' | 'closed' | 'down' | 'invalid-phone';

export interface FakeIntake {
  url: string;
  token: string;
  requests: Array<Record<string, unknown>>;
  mode: IntakeMode;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeIntake(token = 'test-service-token'): Promise<FakeIntake> {
  const byKey = new Map<string, { reference: string; status: string }>();
  let counter = 0;
  const state: FakeIntake = {
    url: '',
    token,
    requests: [],
    mode: 'ok',
    reset: () => {
      state.requests.length = 0;
      state.mode = 'ok';
      byKey.clear();
      counter = 0;
    },
    close: async () => {},
  };
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/intake/registrations') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await read(req)) as Record<string, unknown>;
    if (state.mode === 'down') {
      state.requests.push(body);
      res.writeHead(503).end();
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    state.requests.push(body);
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (state.mode === 'closed') return json(409, { error: 'event_closed' });
    if (state.mode === 'invalid-phone') {
      return json(400, {
        error: 'invalid',
        fieldErrors: { phone: 'Le numéro de téléphone n’est pas un numéro français valide.' },
      });
    }
    if (state.mode === 'full' && body.acceptWaitlist !== true) {
      return json(409, { error: 'event_full' });
    }
    const key = String(body.idempotencyKey);
    const known = byKey.get(key);
    if (known) return json(200, known);
    counter++;
    const answer = {
      reference: `MAI-2026-${String(counter).padStart(6, '0')}`,
      status: state.mode === 'full' ? 'waitlisted' : 'received',
    };
    byKey.set(key, answer);
    return json(201, answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
