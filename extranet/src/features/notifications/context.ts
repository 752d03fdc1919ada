import { cancelUrl } from './cancel-link.rules.ts';
import { sortSlots } from './messages/common.ts';
import { type Db, findSubject, type RegistrationSubject } from './notifications.repository.ts';
import type { TeamDirectory } from './teams.service.ts';
import type { EventView, NotificationContext } from './types.ts';

/** What the notifications need from the deployment: read once at start, passed to each job and service. */
export interface NotifySettings {
  siteUrl: string;
  extranetUrl: string;
  teams: TeamDirectory;
  /** Envelope address (MAIL_FROM's address): the display name is the team's. */
  mailFrom?: string | undefined;
  /** The extranet's secret: signs the "je ne peux pas venir" links (none without it). */
  cancelSecret?: string | undefined;
}

/** What the templates need about one registration: its row, with the deployment's links and team. */
export function toContext(subject: RegistrationSubject, settings: NotifySettings): NotificationContext {
  let event: EventView | null = null;
  if (subject.event) {
    const { slug, ...copy } = subject.event;
    event = { ...copy, url: slug ? `${settings.siteUrl.replace(/\/$/, '')}/agenda/${slug}` : null };
  }
  return {
    person: { ...subject.contact, id: subject.personId, preferredContact: subject.preferredContact },
    registration: {
      reference: subject.reference,
      kind: subject.kind,
      status: subject.status,
      decisionReason: subject.decisionReason,
      source: subject.source,
      prescriber: subject.prescriber,
      event,
      cancelUrl:
        event && settings.cancelSecret
          ? cancelUrl(
              settings.cancelSecret,
              settings.extranetUrl,
              subject.id,
              sortSlots(event.slots).at(-1)?.date,
            )
          : null,
    },
    team: settings.teams.team(subject.territory, subject.territoryName),
    links: { siteUrl: settings.siteUrl, extranetUrl: settings.extranetUrl },
    mailFrom: settings.mailFrom ? (/<([^>]+)>/.exec(settings.mailFrom)?.[1] ?? settings.mailFrom) : null,
  };
}

/** Everything the templates need about one registration, read in the caller's transaction. */
export async function loadContext(
  db: Db,
  registrationId: number,
  settings: NotifySettings,
): Promise<NotificationContext | null> {
  const subject = await findSubject(db, registrationId);
  return subject ? toContext(subject, settings) : null;
}
