/**
 * The notifications feature, as the rest of the extranet uses it. Each part lives in its own file:
 * notifications.repository.ts (reads and writes), context.ts (what the messages need),
 * notifications.service.ts (the queue* functions), reminders.job.ts, sms.worker.ts, calls.service.ts.
 */

export { listCalls } from './calls.repository.ts';
export { CALL_OUTCOMES, CallNotFoundError, recordCallOutcome } from './calls.service.ts';
export { loadContext } from './context.ts';
export { requestContact } from './notifications.repository.ts';
export { queueDecision, queueReceipt, toOutbox } from './notifications.service.ts';
export type { NotifySettings } from './settings.ts';
