import { randomUUID } from 'node:crypto';
import { addDays, now, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { upsertEventCopy } from '../events/events.repository.ts';
import { formatReference, nextCounter } from '../registrations/intake.service.ts';
import {
  claimMarker,
  findPersonByPhone,
  insertAttendance,
  insertDemoPerson,
  insertRegistration,
  markerOf,
} from './demo.repository.ts';

/**
 * Demo of the sessions follow-up (issue 10): a Parcours des Possibles in progress in the
 * Valenciennois (the demo advisor's territory), three half-days gone with attendance partly
 * recorded, three to come, one participant sent by a professional who asked to be kept informed,
 * and one person on the waiting list. The CMS only has upcoming sessions, so this one lives in the
 * events copy alone: it is written again after each CMS refresh (which marks unknown sessions as
 * removed). Its dates are fixed from the day the demo was first seeded.
 */
export const DEMO_PARCOURS_ID = 'demo-parcours-en-cours';
const ANCHOR_KEY = 'demo_followup_anchor';
const PEOPLE_KEY = 'demo_followup_people';

const OFFSETS = [-6, -4, -1, 1, 3, 6];

type Mark = 'present' | 'absent' | 'excused' | null;
const PARTICIPANTS: { first: string; last: string; phone: string; marks: Mark[]; prescriber?: boolean }[] = [
  { first: 'Amina', last: 'Bouzid', phone: '0712340001', marks: ['present', 'present', 'present'] },
  { first: 'Jérôme', last: 'Carpentier', phone: '0712340002', marks: ['present', 'absent', 'present'] },
  {
    first: 'Fatou',
    last: 'Diarra',
    phone: '0712340003',
    marks: ['present', 'present', null],
    prescriber: true,
  },
  { first: 'Ludovic', last: 'Hennebert', phone: '0712340004', marks: ['excused', 'present', null] },
  { first: 'Sabrina', last: 'Lemoine', phone: '0712340005', marks: ['present', 'present', null] },
  { first: 'Yanis', last: 'Mebarki', phone: '0712340006', marks: ['absent', 'absent', null] },
  { first: 'Céline', last: 'Vandamme', phone: '0712340007', marks: ['present', 'excused', 'present'] },
];
const WAITING = { first: 'Grégory', last: 'Wattiez', phone: '0712340008' };

export async function seedDemoFollowupSessions(db: Kysely<Database>): Promise<void> {
  let anchor = await markerOf(db, ANCHOR_KEY);
  if (!anchor) {
    anchor = parisDate();
    await claimMarker(db, ANCHOR_KEY, anchor);
  }
  const dates = OFFSETS.map((d) => addDays(anchor, d));
  await upsertEventCopy(db, {
    documentId: DEMO_PARCOURS_ID,
    title: 'Parcours des Possibles à Valenciennes (en cours)',
    kind: 'session',
    programTitle: 'Parcours des Possibles',
    programSlug: 'parcours-des-possibles',
    programKind: 'parcours',
    territory: 'valenciennois',
    territoryName: 'Valenciennois',
    slots: dates.map((date, i) => ({
      date,
      start: '09:00',
      end: '12:00',
      label: `Demi-journée ${i + 1} sur 6`,
    })),
    capacity: 10,
    venue: {
      name: 'Maison de l’emploi',
      address: '8 rue de Famars',
      postcode: '59300',
      commune: 'Valenciennes',
      inseeCode: '59606',
      stepFreeAccess: true,
    },
  });

  if (await markerOf(db, PEOPLE_KEY)) return;
  await db.transaction().execute(async (trx) => {
    // Claimed first: two instances starting together seed the people once.
    if (!(await claimMarker(trx, PEOPLE_KEY))) return;
    const at = now().toISOString();
    const enrol = async (
      p: { first: string; last: string; phone: string; prescriber?: boolean | undefined },
      status: 'accepted' | 'waitlisted',
    ) => {
      const phone = `+33${p.phone.slice(1)}`;
      // A select rather than ON CONFLICT: a phone number need not be unique (a family phone).
      const personId =
        (await findPersonByPhone(trx, phone))?.id ??
        (await insertDemoPerson(trx, {
          firstName: p.first,
          lastName: p.last,
          phone,
          commune: { insee: '59606', name: 'Valenciennes' },
          territory: 'valenciennois',
          rsa: 'oui',
          jobSeeker: 'oui',
          createdAt: at,
        }));
      const year = Number(parisDate().slice(0, 4));
      return insertRegistration(trx, {
        reference: formatReference(year, await nextCounter(trx, `registration-${year}`)),
        person_id: personId,
        kind: 'event',
        event_id: DEMO_PARCOURS_ID,
        territory: 'valenciennois',
        status,
        source_type: p.prescriber ? 'prescriber' : 'self',
        prescriber_name: p.prescriber ? 'Claire Dupont' : null,
        prescriber_organisation: p.prescriber ? 'France Travail Valenciennes' : null,
        prescriber_email: p.prescriber ? 'claire.dupont@francetravail.test' : null,
        prescriber_keep_informed: p.prescriber ? 1 : 0,
        preferred_contact: 'appel',
        idempotency_key: randomUUID(),
        decided_at: status === 'accepted' ? at : null,
        created_at: at,
        updated_at: at,
      });
    };
    for (const p of PARTICIPANTS) {
      const id = await enrol(p, 'accepted');
      for (const [i, mark] of p.marks.entries()) {
        if (!mark) continue;
        await insertAttendance(trx, {
          registration_id: id,
          slot_date: dates[i] as string,
          slot_start: '09:00',
          status: mark,
          recorded_by: null,
          recorded_at: at,
        });
      }
    }
    await enrol(WAITING, 'waitlisted');
  });
}
