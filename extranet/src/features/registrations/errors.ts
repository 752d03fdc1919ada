import type { RegistrationStatus } from '@maillage/contract';
import { STATUS_LABEL } from './labels.ts';
/** Domain errors, and the French messages and HTTP statuses the edge translates them to. */
export class EventFullError extends Error {
  constructor() {
    super('event full');
  }
}
export class EventClosedError extends Error {
  constructor() {
    super('event closed');
  }
}
export class UnknownEventError extends Error {
  constructor() {
    super('unknown event');
  }
}
export class NotFoundError extends Error {
  constructor() {
    super('not found');
  }
}
/** The registration changed since the page was displayed (another advisor decided first). */
export class StaleDecisionError extends Error {
  constructor(public readonly currentStatus: RegistrationStatus) {
    super('stale decision');
  }
}
export class DecisionNotAllowedError extends Error {
  constructor(public readonly currentStatus: RegistrationStatus) {
    super('decision not allowed');
  }
}
export class ReasonRequiredError extends Error {
  constructor() {
    super('reason required');
  }
}

/**
 * The errors that refuse one decision for a reason the advisor is told (the session is full or
 * closed, the request changed or is not theirs, the reason is missing); anything else is a fault.
 */
export function isDecisionRefusal(error: unknown): boolean {
  return (
    error instanceof EventFullError ||
    error instanceof EventClosedError ||
    error instanceof ReasonRequiredError ||
    error instanceof StaleDecisionError ||
    error instanceof DecisionNotAllowedError ||
    error instanceof NotFoundError
  );
}

/** French messages for the decision errors, shown to the advisor. */
function decisionErrorMessage(error: unknown): string | null {
  if (error instanceof EventFullError) {
    return 'La session est complète : la dernière place vient d’être attribuée. Vous pouvez mettre la personne sur la liste d’attente.';
  }
  if (error instanceof EventClosedError) {
    return 'Cette session est annulée ou n’est plus publiée : la place ne peut pas être confirmée. Refusez la demande avec un motif, ou proposez une autre session.';
  }
  if (error instanceof ReasonRequiredError)
    return 'Indiquez le motif du refus : il sera communiqué à la personne.';
  if (error instanceof StaleDecisionError || error instanceof DecisionNotAllowedError) {
    return `Cette demande a changé entre-temps (statut actuel : ${STATUS_LABEL[error.currentStatus] ?? error.currentStatus}). Vérifiez avant de continuer.`;
  }
  if (error instanceof NotFoundError) return 'Demande introuvable.';
  return null;
}

/**
 * A refused decision as the request page answers it: its message, 400 for what the form lacks,
 * 409 when the registration or the session changed meanwhile; null for an unexpected error.
 */
export function decisionRefusal(error: unknown): { message: string; status: 400 | 409 } | null {
  const message = decisionErrorMessage(error);
  if (!message) return null;
  return { message, status: error instanceof ReasonRequiredError ? 400 : 409 };
}
