import * as clock from '@maillage/platform/clock';
import { parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { smsCounts } from './sms.repository.ts';

const MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The first day (YYYY-MM-01) of the month `back` months before `date`'s. */
function monthStart(date: string, back: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * SMS volume of the last 12 Paris months, newest first (`/admin/sms`): messages written, SMS
 * billed (segments of those the provider took), delivered, undelivered, sent by hand, still waiting.
 */
export async function smsVolume(db: Kysely<Database>, at = clock.now()) {
  const today = parisDate(at);
  const months = [];
  for (let back = 0; back < 12; back++) {
    const first = monthStart(today, back);
    const next = monthStart(today, back - 1);
    const counts = await smsCounts(db, {
      from: parisInstant(first).toISOString(),
      until: parisInstant(next).toISOString(),
    });
    months.push({
      month: MONTH.format(new Date(`${first}T12:00:00Z`)),
      ...counts,
      deliveryRate: counts.sent ? Math.round((counts.delivered / counts.sent) * 100) : null,
    });
  }
  return months;
}
