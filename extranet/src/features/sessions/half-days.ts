import type { EventCopy } from '../../db/database.ts';
import { parseSlots, type Slot } from '../events/events.repository.ts';

/** A half-day of a session: its key in forms and URLs is `YYYY-MM-DDTHH:MM` (no personal data). */
export interface HalfDay {
  key: string;
  date: string;
  start: string;
  end: string;
  label: string | null;
}

export function halfDays(event: Pick<EventCopy, 'slots_json'>): HalfDay[] {
  return parseSlots(event)
    .filter((s: Slot) => s.date)
    .map((s) => ({
      key: `${s.date}T${(s.start ?? '').slice(0, 5)}`,
      date: s.date,
      start: (s.start ?? '').slice(0, 5),
      end: (s.end ?? '').slice(0, 5),
      label: s.label ?? null,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}
