import { intakeAccepted, intakeError, type RegistrationRequest } from '@maillage/contract';

/** What the extranet's intake API answered, in the site's terms. */
type IntakeOutcome =
  | { type: 'ok'; reference: string; status: 'received' | 'waitlisted'; created: boolean }
  | { type: 'invalid'; fieldErrors: Record<string, string> }
  | { type: 'full' }
  | { type: 'closed' }
  | { type: 'unavailable' };

export interface IntakeClient {
  /** Sends what the contract produced; the extranet validates it again with the same schema. */
  submit(request: RegistrationRequest): Promise<IntakeOutcome>;
}

/**
 * Client of `POST /api/intake/registrations` (docs/contracts.md). A network failure or a 5xx is
 * retried once: the idempotency key makes a retry harmless (the extranet answers the same
 * reference instead of storing a second registration).
 */
export function createIntakeClient(opts: {
  baseUrl: string;
  token: string | undefined;
  timeoutMs?: number;
  warn?: (message: string) => void;
}): IntakeClient {
  const url = `${opts.baseUrl.replace(/\/$/, '')}/api/intake/registrations`;
  const warn = opts.warn ?? ((m: string) => console.warn(`[inscriptions] ${m}`));

  async function once(body: string): Promise<IntakeOutcome | 'retry'> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${opts.token ?? ''}`,
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (error) {
      warn(`extranet injoignable (${(error as Error).name})`);
      return 'retry';
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    if (res.status === 200 || res.status === 201) {
      const ok = intakeAccepted.safeParse(json);
      if (ok.success) return { type: 'ok', ...ok.data, created: res.status === 201 };
      warn(`réponse ${res.status} inattendue de l'extranet`);
      return { type: 'unavailable' };
    }
    if (res.status >= 500) {
      warn(`l'extranet a répondu ${res.status}`);
      return 'retry';
    }
    const err = intakeError.safeParse(json);
    if (err.success) {
      switch (err.data.error) {
        case 'invalid':
          return { type: 'invalid', fieldErrors: err.data.fieldErrors ?? {} };
        case 'event_full':
          return { type: 'full' };
        case 'event_closed':
          return { type: 'closed' };
        case 'unauthorized':
          break;
      }
    }
    // 401 (wrong service token) and anything unexpected: a configuration problem, not the visitor's.
    warn(`l'extranet a refusé la demande (HTTP ${res.status})`);
    return { type: 'unavailable' };
  }

  return {
    async submit(request) {
      const body = JSON.stringify(request);
      const first = await once(body);
      if (first !== 'retry') return first;
      await new Promise((r) => setTimeout(r, 300));
      const second = await once(body);
      return second === 'retry' ? { type: 'unavailable' } : second;
    },
  };
}
