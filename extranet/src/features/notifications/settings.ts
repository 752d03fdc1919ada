import type { SmsChannel } from './sms.ts';
import type { TeamDirectory } from './teams.ts';

/** What the notifications need from the deployment: read once at start, passed to each job and service. */
export interface NotifySettings {
  siteUrl: string;
  extranetUrl: string;
  teams: TeamDirectory;
  /** Envelope address (MAIL_FROM's address): the display name is the team's. */
  mailFrom?: string | undefined;
  /** SMS provider; without one (the default), SMS are sent by hand from the "à appeler" list. */
  sms?: SmsChannel | undefined;
  /** The extranet's secret: signs the "je ne peux pas venir" links (none without it). */
  cancelSecret?: string | undefined;
}
