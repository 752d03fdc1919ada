import { createTeamDirectory } from '../territories/teams.ts';
import type { NotifySettings } from './notify.ts';

let current: NotifySettings | null = null;

/** Set once at start by the extranet's runtime (URLs, MAIL_FROM, the CMS for team contacts). */
export function configureNotifications(settings: NotifySettings): NotifySettings {
  current = settings;
  return settings;
}

/** The process-wide settings; defaults (local URLs, general contact) until configured. */
export function notifySettings(): NotifySettings {
  current ??= {
    siteUrl: process.env.SITE_URL || 'http://localhost:4321',
    extranetUrl: process.env.EXTRANET_URL || 'http://localhost:4322',
    teams: createTeamDirectory({}),
  };
  return current;
}
