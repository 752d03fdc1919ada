import type { Migration } from 'kysely/migration';

import * as initial from './2026_11_26_1300_initial.ts';
import * as notifications from './2026_11_26_1400_notifications.ts';
import * as practicalNotes from './2026_11_26_1500_event_practical_notes.ts';
import * as inboxListIndex from './2026_11_26_1600_inbox_list_index.ts';
import * as requestContact from './2026_12_02_0100_request_contact.ts';
import * as followupSessions from './2026_12_02_0300_followup_sessions.ts';
import * as followupPeople from './2026_12_02_0350_followup_people.ts';
import * as webhookSeen from './2026_12_02_0400_webhook_seen.ts';
import * as inboxScale from './2026_12_02_0500_inbox_scale.ts';
import * as indicatorTargets from './2026_12_02_0600_indicator_targets.ts';
import * as retention from './2026_12_02_0700_retention.ts';
import * as territoryCopy from './2026_12_02_0800_territory_copy.ts';
import * as sms from './2026_12_07_0100_sms.ts';
import * as appointments from './2026_12_07_0300_appointments.ts';
import * as placeOffers from './2026_12_07_0400_place_offers.ts';
import * as appointmentCalls from './2026_12_07_0500_appointment_calls.ts';
import * as personSearch from './2026_12_08_0100_person_search.ts';
import * as documents from './2026_12_08_0200_documents.ts';
import * as lists from './2026_12_08_0300_lists.ts';
import * as auditJournal from './2026_12_08_0400_audit_journal.ts';

/**
 * Every migration, by timestamped name. Listed in code rather than read from disk so the built
 * server (bundled by Vite) carries them.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_26_1300_initial': initial,
  '2026_11_26_1400_notifications': notifications,
  '2026_11_26_1500_event_practical_notes': practicalNotes,
  '2026_11_26_1600_inbox_list_index': inboxListIndex,
  '2026_12_02_0100_request_contact': requestContact,
  '2026_12_02_0300_followup_sessions': followupSessions,
  '2026_12_02_0350_followup_people': followupPeople,
  '2026_12_02_0400_webhook_seen': webhookSeen,
  '2026_12_02_0500_inbox_scale': inboxScale,
  '2026_12_02_0600_indicator_targets': indicatorTargets,
  '2026_12_02_0700_retention': retention,
  '2026_12_02_0800_territory_copy': territoryCopy,
  '2026_12_07_0100_sms': sms,
  '2026_12_07_0300_appointments': appointments,
  '2026_12_07_0400_place_offers': placeOffers,
  '2026_12_07_0500_appointment_calls': appointmentCalls,
  '2026_12_08_0100_person_search': personSearch,
  '2026_12_08_0200_documents': documents,
  '2026_12_08_0300_lists': lists,
  '2026_12_08_0400_audit_journal': auditJournal,
};
