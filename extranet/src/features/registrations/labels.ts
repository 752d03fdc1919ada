import type { PreferredContact, RegistrationKind, RegistrationStatus } from '@maillage/contract';

/** The French words advisors read for the contract's statuses, kinds, answers and channels. */
export const STATUS_LABEL: Record<RegistrationStatus, string> = {
  received: 'Reçue',
  accepted: 'Acceptée',
  waitlisted: 'Liste d’attente',
  declined: 'Refusée',
  cancelled: 'Annulée',
};
export const KIND_LABEL: Record<RegistrationKind, string> = {
  event: 'Inscription à une session',
  support: 'Accompagnement individuel',
  callback: 'Demande de rappel',
};
export const ANSWER_LABEL: Record<string, string> = {
  oui: 'Oui',
  non: 'Non',
  'ne-se-prononce-pas': 'Ne se prononce pas',
};
export const CONTACT_LABEL: Record<PreferredContact, string> = {
  appel: 'Appel',
  sms: 'SMS',
  email: 'E-mail',
  'sms-email': 'SMS et e-mail',
};
