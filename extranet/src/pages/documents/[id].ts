import { Readable } from 'node:stream';
import type { APIRoute } from 'astro';
import {
  contentDisposition,
  DocumentNotFoundError,
  FORMAT,
} from '../../features/documents/documents.rules.ts';
import { openDocument } from '../../features/documents/documents.service.ts';
import { notFound } from '../../lib/guard.ts';
import { recordId, signedIn } from '../../lib/page.ts';
import { documentStore } from '../../lib/runtime.ts';

/**
 * A document's download: only through this access check (territory, « confidentiel »), every
 * download audited. Always an attachment, typed from the format found in its content, never sniffed.
 */
export const GET: APIRoute = async (context) => {
  const ctx = signedIn(context);
  if (ctx instanceof Response) return ctx;
  const missing = () => notFound('Document', { href: '/personnes', label: 'Retour aux personnes' });
  const id = recordId.safeParse(context.params.id);
  if (!id.success) return missing();
  try {
    const { row, body } = await openDocument(ctx.db, documentStore(), ctx.user, id.data);
    const format = row.format as keyof typeof FORMAT;
    return new Response(Readable.toWeb(body) as ReadableStream, {
      headers: {
        'content-type': FORMAT[format].type,
        'content-length': String(row.size),
        'content-disposition': contentDisposition(row.original_name, format),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; sandbox",
      },
    });
  } catch (error) {
    if (error instanceof DocumentNotFoundError) return missing();
    throw error;
  }
};
