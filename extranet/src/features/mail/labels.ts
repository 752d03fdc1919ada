import type { OutboxStatus } from './outbox.repository.ts';

/** The outbox states as the outbox pages name them. */
export const OUTBOX_STATUS_LABEL: Record<OutboxStatus, string> = {
  pending: 'En attente',
  sending: 'En cours d’envoi',
  sent: 'Envoyé',
  failed: 'Échec définitif',
  held: 'Retenu (plafond journalier)',
};
