// The floor plan, enforced: `npm run lint:deps`. The README's "Where the code lives" says the same in words.
//
// Layers of the extranet, top to bottom: pages (with components, layouts) → lib / actions / middleware →
// features → db → the shared packages (@maillage/contract, @maillage/platform, in extranet/packages/).
// Nothing imports back up. Between feature folders, dependencies go one way: a folder may import only
// the folders listed before it in FEATURE_ORDER.

/** Feature folders of the extranet, from the bottom up: each may import only those before it. */
const FEATURE_ORDER = [
  'audit', // the audit trail
  'jobs', // periodic jobs (leader key in app_state)
  'webhooks', // replay protection of the signed incoming webhooks
  'cms', // the one zod CMS client and the CMS schemas
  'events', // copy of the CMS events, places, slots
  'territories', // copy of the CMS territories, commune → EPCI routing
  'mail', // outbox, SMTP/.eml worker
  'sms', // SMS outbox, provider adapters, delivery reports, quiet hours
  'auth', // sign-in, throttle, Viewer and the territory scope beside it
  'accounts', // advisors and admins
  'documents', // files attached to a person or a support, their store, who may see them
  'notifications', // messages by family, who signs them, the cancel link, reminders, calls
  'persons', // the person's file, corrections, merge, timeline
  'registrations', // intake (and manual entry), decisions, inbox, contact details
  'sessions', // roster, attendance, sign-in sheet, end of Parcours
  'appointments', // individual appointments, the agenda, calendar feeds, their messages
  'notes',
  'supports',
  'reporting',
  'dashboard',
  'retention',
  'demo', // demo data: uses every feature
];

const F = '^extranet/src/features/';

const featureOrderRules = FEATURE_ORDER.map((name, index) => ({
  name: `feature-order:${name}`,
  severity: 'error',
  comment: `features/${name} may import only the feature folders below it: ${FEATURE_ORDER.slice(0, index).join(', ') || '(none)'}`,
  from: { path: `${F}${name}/` },
  to: { path: F, pathNot: `${F}(${FEATURE_ORDER.slice(0, index + 1).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle: two modules (or folders through them) need each other. Move the shared part down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment:
        'Two folders need each other (through different modules): move the shared part into the lower one.',
      scope: 'folder',
      from: { path: '^extranet/src/' },
      to: { circular: true },
    },
    {
      name: 'no-app-imports-another-app',
      severity: 'error',
      comment:
        'Apps never import each other: what they share lives in a workspace package (@maillage/contract, @maillage/platform, under extranet/packages/).',
      from: { path: '^(site|cms|scripts)/' },
      to: { path: '^extranet/', pathNot: '^extranet/packages/' },
    },
    {
      name: 'no-app-imports-another-app:extranet',
      severity: 'error',
      comment: 'Apps never import each other (the test tooling comes through @maillage/scripts/testing).',
      from: { path: '^extranet/' },
      to: { path: '^(site|cms)/|^scripts/(?!testing/)' },
    },
    {
      name: 'no-app-imports-another-app:site-cms',
      severity: 'error',
      comment: 'Apps never import each other.',
      from: { path: '^(site|cms)/' },
      to: { path: '^(site|cms)/', pathNot: '^$1/' },
    },
    {
      name: 'packages-below-the-apps',
      severity: 'error',
      comment: 'The shared packages import no app: they sit below all of them.',
      from: { path: '^extranet/packages/' },
      to: { path: '^(site|cms|scripts)/|^extranet/(src|bin|test|e2e|bench)/' },
    },
    {
      name: 'layers:features-and-db-stay-below-the-edge',
      severity: 'error',
      comment: 'features and db never import the web edge (lib, actions, middleware) nor the pages.',
      from: { path: '^extranet/src/(features|db)/' },
      to: { path: '^extranet/src/(lib|actions|pages|components|layouts|middleware)' },
    },
    {
      name: 'layers:db-below-features',
      severity: 'error',
      comment: 'db (connection, tables, migrations) never imports a feature.',
      from: { path: '^extranet/src/db/' },
      to: { path: F },
    },
    {
      name: 'layers:edge-below-pages',
      severity: 'error',
      comment: 'lib, actions and middleware never import pages, components or layouts.',
      from: { path: '^extranet/src/(lib|actions|middleware)' },
      to: { path: '^extranet/src/(pages|components|layouts)/' },
    },
    {
      name: 'layers:lib-below-actions',
      severity: 'error',
      comment: 'lib is called by actions and pages, never the reverse.',
      from: { path: '^extranet/src/lib/' },
      to: { path: '^extranet/src/actions/' },
    },
    {
      name: 'feature-order:unlisted-folder',
      severity: 'error',
      comment: 'A feature folder that is not in FEATURE_ORDER (.dependency-cruiser.cjs): give it its place.',
      from: { path: F, pathNot: `${F}(${FEATURE_ORDER.join('|')})/` },
      to: {},
    },
    ...featureOrderRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.astro)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
