import type { Core } from '@strapi/strapi';

/** Every action of the users-permissions plugin starts with this: its auth, user and role routes. */
const END_USER_ACTIONS = 'plugin::users-permissions.';

/**
 * The CMS has no end users: the site reads with API tokens and editors use the admin panel. The
 * users-permissions plugin (Strapi needs it) still opens public sign-up, sign-in, password reset
 * and "me" routes by default. At every start, sign-up is turned off in its settings and every
 * permission of its own routes is taken from every role, so /api/auth/* and /api/users* answer
 * 403. Safe to re-run: it only ever removes. (The plugin recreates its default permissions when it
 * finds none at all; this step then removes them again, before the server takes requests.)
 */
export async function closeEndUserAccounts(strapi: Core.Strapi): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions' });
  const advanced = ((await store.get({ key: 'advanced' })) ?? {}) as Record<string, unknown>;
  if (advanced.allow_register !== false) {
    await store.set({ key: 'advanced', value: { ...advanced, allow_register: false } });
    strapi.log.info('[maillage] Public sign-up (users-permissions) turned off.');
  }
  const removed = await strapi.db
    .query('plugin::users-permissions.permission')
    .deleteMany({ where: { action: { $startsWith: END_USER_ACTIONS } } });
  if (removed.count > 0)
    strapi.log.info(`[maillage] ${removed.count} public end-user route permission(s) removed.`);
}
