import type { RegistrationStatus } from '@maillage/contract';
/** Domain errors, translated to HTTP statuses and French messages at the edge. */
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
