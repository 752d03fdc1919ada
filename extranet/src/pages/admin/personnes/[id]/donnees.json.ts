import type { APIRoute } from 'astro';
import { audit } from '../../../../features/audit/audit.repository.ts';
import { exportPerson } from '../../../../features/retention/rights.view.ts';
import { requireApiUser } from '../../../../lib/guard.ts';
import { json } from '../../../../lib/http.ts';
import { recordId } from '../../../../lib/page.ts';

/** Everything held on one person, as a JSON download (right of access). Admins only, audited. */
export const GET: APIRoute = async (ctx) => {
  const user = requireApiUser(ctx, { role: 'admin' });
  if (user instanceof Response) return user;
  const id = recordId.safeParse(ctx.params.id);
  const db = ctx.locals.runtime.db;
  const data = id.success ? await exportPerson(db, id.data) : null;
  if (!id.success || !data) return json({ error: 'not_found', message: 'Personne introuvable.' }, 404);
  await audit(db, {
    actorId: user.id,
    action: 'person.export',
    entityType: 'person',
    entityId: id.data,
    personId: id.data,
    details: { format: 'json' },
  });
  return json(data, 200, {
    'content-disposition': `attachment; filename="dossier-${id.data}.json"`,
    'cache-control': 'no-store',
  });
};
