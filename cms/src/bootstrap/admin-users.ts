import type { Core } from '@strapi/strapi';
import { bootstrapEnv } from './env';

interface DemoUser {
  email: string;
  firstname: string;
  lastname: string;
  roleCode: 'strapi-super-admin' | 'strapi-editor';
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    email: 'admin@maillage.test',
    firstname: 'Camille',
    lastname: 'Administratrice',
    roleCode: 'strapi-super-admin',
  },
  {
    email: 'communication@maillage.test',
    firstname: 'Sacha',
    lastname: 'Communication',
    roleCode: 'strapi-editor',
  },
];

/**
 * Demo admin accounts, in demo mode only (MAILLAGE_DEMO=1, set by `npm start`). Existing accounts
 * are left untouched (a changed password stays changed).
 */
export async function ensureDemoAdmins(strapi: Core.Strapi): Promise<void> {
  if (!bootstrapEnv.demo) {
    strapi.log.warn(
      '[maillage] Demo admin accounts refused: not in demo mode (MAILLAGE_DEMO). Create real accounts in the admin panel.',
    );
    return;
  }
  const password = bootstrapEnv.demoPassword;
  if (!password) {
    strapi.log.warn('[maillage] Demo admin accounts not created: DEMO_PASSWORD is empty.');
    return;
  }
  const roleService = strapi.service('admin::role') as any;
  const userService = strapi.service('admin::user') as any;
  for (const demo of DEMO_USERS) {
    if (await userService.exists({ email: demo.email })) continue;
    const role = await roleService.findOne({ code: demo.roleCode });
    if (!role) throw new Error(`Admin role ${demo.roleCode} is missing`);
    await userService.create({
      email: demo.email,
      firstname: demo.firstname,
      lastname: demo.lastname,
      password,
      isActive: true,
      registrationToken: null,
      roles: [role.id],
      preferedLanguage: 'fr',
    });
    strapi.log.info(`[maillage] Demo admin account created: ${demo.email} (${demo.roleCode}).`);
  }
}
