import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { PersonFilters } from './persons.rules.ts';
import { personScope } from './persons.scope.ts';

export const PERSON_PAGE_SIZE = 25;

/** The person list: search (name or phone), territory, situation, in support, last contact. */
export async function listPersons(db: Kysely<Database>, viewer: Viewer, f: PersonFilters) {
  // Erased people (retention, or on request) stay only for the indicators, not in the list.
  let base = db.selectFrom('person').where(personScope(viewer)).where('person.erased_at', 'is', null);
  if (f.territory) base = base.where('person.territory', '=', f.territory);
  if (f.situation === 'rsa') base = base.where('person.situation_rsa', '=', 'oui');
  if (f.situation === 'demandeur') base = base.where('person.situation_job_seeker', '=', 'oui');
  if (f.accompagnement) {
    const open = (eb: ExpressionBuilder<Database, 'person'>) =>
      eb.exists(
        eb
          .selectFrom('support')
          .select('support.id')
          .whereRef('support.person_id', '=', 'person.id')
          .where('support.ended_at', 'is', null),
      );
    base = f.accompagnement === 'oui' ? base.where(open) : base.where((eb) => eb.not(open(eb)));
  }
  if (f.contact) {
    const today = parisDate();
    if (f.contact === 'plus') {
      base = base.where('person.last_contact_at', '<', parisInstant(addDays(today, -365)).toISOString());
    } else {
      base = base.where(
        'person.last_contact_at',
        '>=',
        parisInstant(addDays(today, -Number(f.contact))).toISOString(),
      );
    }
  }
  if (f.q) {
    const phone = normaliseFrenchPhone(f.q);
    const digits = f.q.replace(/\D/g, '');
    const term = `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
    base = base.where((w) =>
      w.or([
        w(
          sql`lower(coalesce(person.last_name, '') || ' ' || person.first_name || ' ' || coalesce(person.last_name, ''))`,
          'like',
          term,
        ),
        ...(phone ? [w('person.phone', '=', phone)] : []),
        ...(digits.length >= 4 && !phone ? [w('person.phone', 'like', `%${digits.replace(/^0/, '')}%`)] : []),
      ]),
    );
  }
  const offset = (f.page - 1) * PERSON_PAGE_SIZE;
  const rows = await base
    .select([
      'person.id',
      'person.first_name',
      'person.last_name',
      'person.phone',
      'person.territory',
      'person.commune_name',
      'person.last_contact_at',
      sql<number>`count(*) over ()`.as('total'),
      sql<
        string | null
      >`(select s.phase from support s where s.person_id = person.id and s.ended_at is null order by s.id desc limit 1)`.as(
        'open_phase',
      ),
    ])
    .orderBy(sql`lower(coalesce(person.last_name, person.first_name))`)
    .orderBy('person.id')
    .limit(PERSON_PAGE_SIZE)
    .offset(offset)
    .execute();
  const total = rows.length
    ? Number(rows[0]?.total)
    : offset === 0
      ? 0
      : Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    items: rows.map(({ total: _t, ...r }) => r),
    total,
    pages: Math.max(1, Math.ceil(total / PERSON_PAGE_SIZE)),
  };
}
