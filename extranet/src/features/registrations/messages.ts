import {
  DecisionNotAllowedError,
  EventClosedError,
  EventFullError,
  NotFoundError,
  ReasonRequiredError,
  StaleDecisionError,
} from './errors.ts';
import { STATUS_LABEL } from './labels.ts';

/** French messages for the decision errors, shown to the advisor. */
export function decisionErrorMessage(error: unknown): string | null {
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
