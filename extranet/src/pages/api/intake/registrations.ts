import { createHash, timingSafeEqual } from 'node:crypto';
import { fieldErrors, registrationRequest } from '@maillage/contract';
import { MAX_BODY_BYTES } from '@maillage/platform/body-limit';
import type { APIRoute } from 'astro';
import {
  EventClosedError,
  EventFullError,
  UnknownEventError,
} from '../../../features/registrations/errors.ts';
import { type IntakeResult, submitRegistration } from '../../../features/registrations/intake.service.ts';
import { json } from '../../../lib/http.ts';

function tokenMatches(header: string | null, expected: string | undefined): boolean {
  if (!expected || !header?.startsWith('Bearer ')) return false;
  const a = createHash('sha256').update(header.slice(7)).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The site's registration requests (docs/contracts.md). Never a 500 for what the client sent. */
export const POST: APIRoute = async ({ request, locals }) => {
  const rt = locals.runtime;
  if (!tokenMatches(request.headers.get('authorization'), rt.config.serviceToken)) {
    return json({ error: 'unauthorized' }, 401);
  }
  const raw = await request.text().catch(() => '');
  if (raw.length > MAX_BODY_BYTES)
    return json({ error: 'invalid', fieldErrors: { form: 'Demande trop volumineuse.' } }, 400);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return json(
      { error: 'invalid', fieldErrors: { form: 'Le contenu de la demande est illisible (JSON attendu).' } },
      400,
    );
  }
  const parsed = registrationRequest.safeParse(body);
  if (!parsed.success) return json({ error: 'invalid', fieldErrors: fieldErrors(parsed.error) }, 400);

  const submit = () => submitRegistration(rt.db, rt.kind, parsed.data, { notify: rt.notify });
  try {
    let result: IntakeResult;
    try {
      result = await submit();
    } catch (error) {
      // An event just published in the CMS may not be in our copy yet: refresh once and retry.
      if (!(error instanceof UnknownEventError)) throw error;
      await rt.refreshEvents();
      result = await submit();
    }
    return json({ reference: result.reference, status: result.status }, result.created ? 201 : 200);
  } catch (error) {
    if (error instanceof EventFullError) return json({ error: 'event_full' }, 409);
    if (error instanceof EventClosedError || error instanceof UnknownEventError)
      return json({ error: 'event_closed' }, 409);
    // Only the error's code: a database message may quote the values it refused (personal data).
    const { code, name } = error as { code?: string; name?: string };
    console.error(`[intake] erreur interne : ${code ?? name ?? 'inconnue'}`);
    return json({ error: 'unavailable' }, 503, { 'retry-after': '5' });
  }
};
