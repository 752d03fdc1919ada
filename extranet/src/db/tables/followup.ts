import type { Generated } from 'kysely';
import type { Timestamp } from './columns.ts';

// Individual support, notes and the indicators' targets.

export interface SupportTable {
  id: Generated<number>;
  person_id: number;
  advisor_id: string | null;
  phase: 'emergence' | 'maturation' | 'creation' | 'developpement';
  started_at: Timestamp;
  ended_at: Timestamp | null;
  outcome: string | null;
  legal_form: string | null;
  outcome_date: string | null;
  created_at: Timestamp;
  /** the accepted support request it was started from (unique) */
  registration_id: number | null;
  activity_name: string | null;
  jobs_created: number | null;
  /** why it ended without an activity: emploi-salarie, formation, autre-projet… */
  end_reason: string | null;
  updated_at: Timestamp | null;
}

/** Dated history of a support's phases; support.phase mirrors the latest row. */
export interface SupportPhaseTable {
  id: Generated<number>;
  support_id: number;
  phase: SupportTable['phase'];
  /** Paris calendar date the phase began */
  started_on: string;
  changed_by: string | null;
  created_at: Timestamp;
}

export interface NoteTable {
  id: Generated<number>;
  person_id: number;
  support_id: number | null;
  author_id: string | null;
  kind: 'entretien' | 'appel' | 'atelier' | 'rendez-vous-partenaire' | 'autre';
  occurred_at: Timestamp;
  /** the time of day given with the note (HH:MM, Paris); null: dated by its day only */
  occurred_time: Generated<string | null>;
  body: string;
  next_action: string | null;
  due_at: string | null;
  created_at: Timestamp;
  done_at: Timestamp | null;
  done_by: string | null;
  updated_at: Timestamp | null;
  /** the appointment this note reports on */
  appointment_id: Generated<number | null>;
}

/** An earlier version of a note, written each time the note is edited. */
export interface NoteRevisionTable {
  id: Generated<number>;
  note_id: number;
  kind: NoteTable['kind'];
  occurred_at: Timestamp;
  body: string;
  next_action: string | null;
  due_at: string | null;
  edited_by: string | null;
  edited_at: Timestamp;
}

/** A yearly target of the indicators page; one row per change (history), the latest wins. */
export interface IndicatorTargetTable {
  id: Generated<number>;
  year: number;
  parcours_participants: number;
  project_holders: number;
  set_by: string | null;
  set_at: Timestamp;
}
