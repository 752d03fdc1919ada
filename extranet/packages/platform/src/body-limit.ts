/**
 * Request bodies are capped on both Astro apps (the site imports this as
 * `@maillage/platform/body-limit`): their forms, the CMS webhook and the intake API never need more
 * than a few kilobytes, and a server that reads 50 MB before answering 401 is easy to tire out.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * True when the body is over the limit, found out without reading it whole: a declared
 * Content-Length is enough; a chunked body is counted on a copy as it arrives and dropped as soon
 * as it passes the limit (the page then reads the original, already received, when it was small).
 */
export async function bodyTooLarge(request: Request, limit = MAX_BODY_BYTES): Promise<boolean> {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return false;
  const declared = request.headers.get('content-length');
  if (declared !== null) return !/^\d{1,15}$/.test(declared.trim()) || Number(declared) > limit;
  const reader = (request.clone().body as ReadableStream<Uint8Array>).getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      received += value.byteLength;
      if (received > limit) return true;
    }
  } catch {
    // The adapter's own limit (astro.config.ts) cut the stream: too large as well.
    return true;
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * The 413 answer, in French: JSON for machine routes, a small page otherwise. `connection: close`
 * makes the server drop the connection instead of reading what is left of the body.
 */
export function payloadTooLarge(asJson: boolean): Response {
  const message = 'Requête trop volumineuse : les formulaires acceptent au plus 64 Ko de texte.';
  const headers = { 'cache-control': 'no-store', connection: 'close' };
  if (asJson) return Response.json({ error: 'payload-too-large', message }, { status: 413, headers });
  return new Response(
    `<!doctype html><html lang="fr"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Requête trop volumineuse</title><h1>Requête trop volumineuse</h1><p>${message}</p><p>Revenez en arrière, raccourcissez votre texte, puis envoyez à nouveau.</p>`,
    { status: 413, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } },
  );
}
