import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';

export interface AuditEntry {
  actorId: string | null;
  /** registration.read, registration.accept, account.invite… */
  action: string;
  entityType: string;
  entityId?: string | number | null;
  personId?: number | null;
  /**
   * No personal data here (ids, statuses, counts), with one exception: an advisor's change to a
   * person's record keeps the values before and after, so it can be traced and undone.
   */
  details?: Record<string, unknown>;
}

/** Writes who read or changed which record, in the caller's transaction when there is one. */
export async function audit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: now().toISOString(),
      actor_id: entry.actorId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId == null ? null : String(entry.entityId),
      person_id: entry.personId ?? null,
      details_json: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}

export const ACTION_LABELS: Record<string, string> = {
  'registration.create': 'Demande reçue',
  'registration.read': 'Fiche consultée',
  'registration.accept': 'Inscription acceptée',
  'registration.waitlist': 'Mise en liste d’attente',
  'registration.decline': 'Demande refusée',
  'registration.cancel': 'Inscription annulée',
  'notification.call': 'Appel noté',
  'session.read': 'Liste d’une session consultée',
  'session.emargement': 'Feuille d’émargement imprimée',
  'attendance.record': 'Présence notée',
  'attendance.correct': 'Présence corrigée',
  'parcours.outcome': 'Suite du Parcours notée',
  'parcours.prescriber-informed': 'Professionnel·le informé·e de la fin du Parcours',
  'outbox.read': 'Courriel consulté',
  'account.invite': 'Compte invité',
  'account.disable': 'Compte désactivé',
  'account.enable': 'Compte réactivé',
  'account.territories': 'Territoires modifiés',
  'account.password-reset': 'Mot de passe réinitialisé',
  'audit.read': 'Journal consulté',
  'indicators.export': 'Export des indicateurs',
  'indicators.targets': 'Objectifs de l’année modifiés',
  'registration.list': 'Liste des demandes consultée',
  'registration.search': 'Recherche dans les demandes',
  'registration.attach': 'Demande rattachée à une autre personne',
  'person.confirm-contact': 'Fiche mise à jour avec les coordonnées d’une demande',
  'call.list': 'Liste « À appeler » consultée',
  'outbox.list': 'Liste des courriels consultée',
  'outbox.retry': 'Courriel relancé',
  'auth.signin': 'Connexion réussie',
  'auth.signin-failed': 'Connexion refusée',
  'account.two-factor-setup': 'Double authentification : activation commencée',
  'account.two-factor-enable': 'Double authentification activée',
  'account.reinvite': 'Invitation renvoyée',
  'person.read': 'Dossier de personne consulté',
  'person.list': 'Liste des personnes consultée',
  'person.search': 'Recherche dans les personnes',
  'person.update': 'Coordonnées corrigées',
  'person.create': 'Personne enregistrée par un·e conseiller·e',
  'person.merge': 'Personnes fusionnées',
  'support.start': 'Accompagnement commencé',
  'support.phase': 'Phase d’accompagnement changée',
  'support.reassign': 'Accompagnement confié à un·e autre conseiller·e',
  'support.end': 'Accompagnement terminé',
  'note.create': 'Note écrite',
  'note.edit': 'Note modifiée',
  'note.read': 'Note consultée',
  'note.action-done': 'Action faite',
  'note.action-reopen': 'Action rouverte',
  'person.export': 'Données d’une personne exportées',
  'person.erase': 'Personne effacée à sa demande',
  'person.retention-erase': 'Personne effacée (durée de conservation)',
  'retention.setting': 'Durée de conservation modifiée',
};

/** How the journal names the kind of record a line is about. */
export const ENTITY_LABELS: Record<string, string> = {
  registration: 'Demande',
  user: 'Compte',
  outbox: 'Courriel',
  audit_log: 'Journal',
  notification: 'Appels',
  person: 'Personne',
  support: 'Accompagnement',
  note: 'Note',
  retention_setting: 'Conservation',
};

export async function listAudit(
  db: Kysely<Database>,
  options: { page: number; pageSize: number; action?: string | undefined },
) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.entity_type',
      'audit_log.entity_id',
      'audit_log.person_id',
      'audit_log.details_json',
      'users.email as actor_email',
    ]);
  if (options.action) q = q.where('audit_log.action', '=', options.action);
  const rows = await q
    .orderBy('audit_log.id', 'desc')
    .limit(options.pageSize + 1)
    .offset((options.page - 1) * options.pageSize)
    .execute();
  return { rows: rows.slice(0, options.pageSize), hasMore: rows.length > options.pageSize };
}
