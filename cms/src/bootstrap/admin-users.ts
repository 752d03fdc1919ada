import type { Core } from '@strapi/strapi';
import { PUBLIC_CONTENT_TYPES } from './constants';
import { bootstrapEnv } from './env';

interface DemoUser {
  email: string;
  firstname: string;
  lastname: string;
  roleCode: 'strapi-super-admin' | 'strapi-editor';
}

const DEMO_USERS: readonly DemoUser[] = [
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

type PermissionRow = {
  id: number;
  action: string;
  subject: string | null;
  properties?: { fields?: string[] };
};

/**
 * The Editor role (communication staff) may write and publish every public content type, with
 * every field, and use the media library. Strapi gives these rights when it creates its roles on
 * the first start only: a type or field added later (news, images, scheduling…) would stay out of
 * reach of an existing Editor. Missing rights are added, existing ones widened, nothing removed;
 * settings (API tokens, webhooks, users, roles) are never granted.
 */
export async function ensureEditorPermissions(strapi: Core.Strapi): Promise<void> {
  const roleService = strapi.service('admin::role') as any;
  const contentTypeService = strapi.service('admin::content-type') as any;
  const permissionService = strapi.service('admin::permission') as any;
  const role = await roleService.findOne({ code: 'strapi-editor' });
  if (!role) return;
  const subjects = new Set<string>(Object.values(PUBLIC_CONTENT_TYPES));
  const actions = permissionService.actionProvider
    .values()
    .filter((a: { section: string; subjects?: string[] }) => a.section === 'contentTypes');
  const wanted = (
    contentTypeService.getPermissionsWithNestedFields(actions, { restrictedSubjects: [] }) as PermissionRow[]
  ).filter((p) => p.subject && subjects.has(p.subject));
  wanted.push(
    ...['plugin::upload.read', 'plugin::upload.configure-view', 'plugin::upload.assets.create'].map(
      (action) => ({ id: 0, action, subject: null }),
    ),
    ...[
      'plugin::upload.assets.update',
      'plugin::upload.assets.download',
      'plugin::upload.assets.copy-link',
    ].map((action) => ({ id: 0, action, subject: null })),
  );
  const existing = (await strapi.db
    .query('admin::permission')
    .findMany({ where: { role: { id: role.id } } })) as PermissionRow[];
  const key = (p: { action: string; subject: string | null }) => `${p.action}|${p.subject ?? ''}`;
  const byKey = new Map(existing.map((p) => [key(p), p]));
  const toAdd: Array<Omit<PermissionRow, 'id'> & { conditions: string[] }> = [];
  for (const want of wanted) {
    const have = byKey.get(key(want));
    if (!have) {
      toAdd.push({
        action: want.action,
        subject: want.subject,
        properties: want.properties ?? {},
        conditions: [],
      });
      continue;
    }
    const fields = want.properties?.fields;
    const current = have.properties?.fields;
    if (fields && current && fields.some((f) => !current.includes(f))) {
      await strapi.db.query('admin::permission').update({
        where: { id: have.id },
        data: { properties: { ...have.properties, fields: [...new Set([...current, ...fields])] } },
      });
    }
  }
  if (toAdd.length > 0) await roleService.addPermissions(role.id, toAdd);
}
