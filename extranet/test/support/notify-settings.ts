import type { NotifySettings } from '../../src/features/notifications/context.ts';
import { createTeamDirectory } from '../../src/features/notifications/teams.service.ts';

/** The settings a test runs with: the declared default addresses, the general contact, no SMS. */
export function defaultNotifySettings(): NotifySettings {
  return {
    siteUrl: 'http://localhost:4321',
    extranetUrl: 'http://localhost:4322',
    teams: createTeamDirectory({}),
  };
}
