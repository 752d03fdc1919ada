import type { AvailabilityEntry } from '@maillage/contract';
import * as clock from '@maillage/platform/clock';
import type { EventCopy } from '../../db/database.ts';

/** The events copy's pure rules: slots and venue as stored, when registration is open, places left. */

export interface Slot {
  date: string;
  start: string;
  end: string;
  label?: string | null;
}

export interface Venue {
  name?: string;
  address?: string;
  postcode?: string;
  commune?: string;
  inseeCode?: string;
  accessNotes?: string | null;
  stepFreeAccess?: boolean | null;
}

/** Converts a wall-clock date and time in Paris to a UTC ISO string (the clock's Paris calendar). */
export function parisToIso(date: string, time: string): string {
  return clock.parisInstant(date, time).toISOString();
}

export function firstSlotAt(slots: Slot[]): string | null {
  const sorted = slots
    .filter((s) => s.date)
    .map((s) => parisToIso(s.date, s.start || '00:00'))
    .sort();
  return sorted[0] ?? null;
}

export function parseSlots(event: Pick<EventCopy, 'slots_json'>): Slot[] {
  try {
    return JSON.parse(event.slots_json) as Slot[];
  } catch {
    return [];
  }
}

export function parseVenue(event: Pick<EventCopy, 'venue_json'>): Venue {
  try {
    return JSON.parse(event.venue_json) as Venue;
  } catch {
    return {};
  }
}

export function isRegistrationOpen(event: EventCopy, now = clock.now()): boolean {
  if (event.cancelled || event.removed) return false;
  const t = now.toISOString();
  if (event.registration_opens_at && event.registration_opens_at > t) return false;
  if (event.registration_closes_at) return event.registration_closes_at > t;
  return !event.first_slot_at || event.first_slot_at > t;
}

export function availabilityOf(event: EventCopy, taken: number, now = clock.now()): AvailabilityEntry {
  const left = Math.max(0, event.capacity - taken);
  const registrationOpen = isRegistrationOpen(event, now);
  return {
    capacity: event.capacity,
    taken,
    left,
    waitlistOpen: registrationOpen && left === 0,
    registrationOpen,
  };
}
