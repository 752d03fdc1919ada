/**
 * The messages about registrations, one file per family under messages/ (each written once as
 * blocks and rendered as plain text and HTML by messages/render.ts). This index is what the rest
 * of the extranet imports.
 */
export { callScript } from './messages/call-script.ts';
export { decisionToPerson, decisionToPrescriber } from './messages/decision.ts';
export { newRequestToAdvisors, receiptToPerson, receiptToPrescriber } from './messages/receipt.ts';
export { parcoursEndToPrescriber, reminderToPerson } from './messages/sessions.ts';
