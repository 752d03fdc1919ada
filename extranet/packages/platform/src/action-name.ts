/**
 * Astro Actions read the action's name from `?_action=` (a form posted without JavaScript): a name
 * that is not dotted identifiers (`registrations.decide`) is refused before Astro decodes it — a
 * stray `%` there made Astro throw (a 500) instead of answering.
 */
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** A 400 in French for a form posted with a malformed `?_action=`, or null when there is none or it is well formed. */
export function malformedAction({ request, url }: { request: Request; url: URL }): Response | null {
  if (request.method !== 'POST') return null;
  const name = url.searchParams.get('_action');
  if (name === null || ACTION_NAME.test(name)) return null;
  return new Response('Formulaire invalide.', {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}
