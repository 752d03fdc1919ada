import type { APIRoute } from 'astro';
import { audit } from '../../../features/audit/audit.repository.ts';
import { associationSource } from '../../../features/sessions/association.service.ts';
import { buildEmargement } from '../../../features/sessions/emargement.view.ts';
import { loadRoster } from '../../../features/sessions/roster.service.ts';
import { getSessionForViewer, sessionView } from '../../../features/sessions/sessions.view.ts';
import { documentId, openRecord } from '../../../lib/page.ts';

/** The printable feuille d'émargement of a session: accepted participants, one box per half-day. */
export const GET: APIRoute = async (ctx) => {
  const page = openRecord(ctx, 'Session', { id: documentId });
  if (page instanceof Response) return page;
  const { user, db, id, missing } = page;
  const { config } = page.runtime;
  const event = await getSessionForViewer(db, user, id);
  if (!event) return missing();
  const [roster, association] = await Promise.all([
    loadRoster(db, event),
    associationSource({ cmsUrl: config.cmsUrl, token: config.cmsToken }).get(),
  ]);
  const pdf = await buildEmargement({
    association,
    session: sessionView(event),
    participants: roster.accepted.map((r) => ({
      firstName: r.firstName,
      lastName: r.lastName,
      excused: Object.keys(r.attendance).filter((k) => r.attendance[k] === 'excused'),
    })),
  });
  await audit(db, {
    actorId: user.id,
    action: 'session.emargement',
    entityType: 'session',
    entityId: event.document_id,
    details: { participants: roster.accepted.length },
  });
  return new Response(new Uint8Array(pdf), {
    headers: {
      'content-type': 'application/pdf',
      // The file name says which session, never who is on it.
      'content-disposition': 'inline; filename="feuille-emargement.pdf"',
      'cache-control': 'no-store',
    },
  });
};
