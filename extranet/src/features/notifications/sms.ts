/**
 * SMS channel. No provider is contracted yet: the default channel sends nothing and says so, and
 * the advisor's "à appeler" view shows the text to send by hand. A provider plugs in here.
 */
export interface SmsChannel {
  /** True when messages can be sent automatically. */
  readonly available: boolean;
  /** Sends one SMS to a normalised French number (+33…). Rejects when it could not. */
  send(to: string, text: string): Promise<{ id: string }>;
}

export class SmsNotConfiguredError extends Error {
  constructor() {
    super("Aucun fournisseur de SMS n'est configuré : le message est à envoyer à la main.");
  }
}

export const manualSmsChannel: SmsChannel = {
  available: false,
  async send() {
    throw new SmsNotConfiguredError();
  },
};
