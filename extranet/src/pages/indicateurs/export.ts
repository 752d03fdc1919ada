import type { APIRoute } from 'astro';
import { audit } from '../../features/audit/audit.repository.ts';
import { contactsOf, csvStream, exportTable, xlsxStream } from '../../features/reporting/exports.view.ts';
import { computeIndicators } from '../../features/reporting/indicators.service.ts';
import { exportRequest, readFilter } from '../../features/reporting/reporting.rules.ts';
import { requireUser } from '../../lib/guard.ts';
import { plainText } from '../../lib/http.ts';

/**
 * Exports of the indicators page (issue 11, item 3): the same computation as the page, for the
 * viewer's territories; contact details only for an admin who asks; written to the audit log with
 * the filters (never personal data in the URL: year, territories, dataset, format).
 */
export const GET: APIRoute = async (ctx) => {
  const guard = requireUser(ctx);
  if (guard instanceof Response) return guard;
  const user = guard;
  const { db } = ctx.locals.runtime;
  const params = ctx.url.searchParams;
  const parsed = exportRequest.safeParse({
    jeu: params.get('jeu') ?? undefined,
    format: params.get('format') ?? undefined,
    coordonnees: params.get('coordonnees') ?? undefined,
  });
  if (!parsed.success) return plainText(parsed.error.issues.map((i) => i.message).join(' '), 400);
  const { jeu, format } = parsed.data;
  const contact = parsed.data.coordonnees === '1';
  if (contact && user.role !== 'admin')
    return plainText('Seul·e un·e administrateur·rice peut exporter les coordonnées des personnes.', 403);
  const filter = readFilter(params);
  const indicators = await computeIndicators(db, user, filter);
  const contacts =
    contact && jeu !== 'indicateurs'
      ? await contactsOf(db, [
          ...indicators.attendanceRows.map((r) => r.personId),
          ...indicators.supportRows.map((s) => s.personId),
        ])
      : null;
  const table = exportTable(jeu, indicators, contacts);
  await audit(db, {
    actorId: user.id,
    action: 'indicators.export',
    entityType: 'indicators',
    entityId: filter.year,
    details: {
      year: filter.year,
      territories: indicators.territories.length ? indicators.territories : 'tous',
      dataset: jeu,
      format,
      contactDetails: contact,
    },
  });
  const headers = {
    'content-disposition': `attachment; filename="${table.name}.${format}"`,
    'cache-control': 'no-store',
  };
  if (format === 'csv')
    return new Response(csvStream(table), {
      headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
    });
  return new Response(
    xlsxStream(table, (e) => console.error('[indicateurs] export XLSX interrompu', (e as Error).message)),
    {
      headers: {
        ...headers,
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    },
  );
};
