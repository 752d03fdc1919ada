import type { KnipConfig } from 'knip';

// `npm run lint:knip`: no unused file, export or dependency in any workspace. Knip's Astro plugin
// already takes each Astro app's pages, middleware, actions and astro.config.ts as entry points, its
// Vitest plugin the test files of every vitest config, and package.json `scripts`/`exports` the
// benches and the files other workspaces import. What is listed here is what no plugin can know.
const config: KnipConfig = {
  workspaces: {
    extranet: {
      // Kysely's migrator calls each migration's `up`/`down` (src/db/migrations/index.ts lists them);
      // bin/ holds commands scripts/ runs in the extranet's folder (`node bin/retention.ts`), and
      // test/support/backup-fixture.ts is run the same way by scripts/test/backup.test.ts.
      entry: ['src/db/migrations/2*.ts', 'bin/*.ts', 'test/support/backup-fixture.ts'],
    },
    'extranet/packages/platform': {
      // The clock's declarations, generated (npm run generate:types) for the CMS's CommonJS build
      // through package.json `typesVersions`; test/clock-types.test.ts checks them against src.
      ignore: ['types/clock.d.ts'],
    },
    site: {
      // The built server's Node entry (copied to dist/server/ by astro.config.ts, imports ./app.mjs there).
      entry: ['server/entry.mjs'],
      ignoreUnresolved: ['./app.mjs'],
      // src/lib/geo/communes.ts reads its data files with require.resolve(`…/data/${file}`).
      ignoreDependencies: ['@etalab/decoupage-administratif'],
    },
    cms: {
      // Strapi loads these by convention (file names), never through an import.
      entry: [
        'src/index.ts',
        'src/admin/app.tsx',
        'config/*.ts',
        'src/api/*/{controllers,routes,services,middlewares,policies}/*.ts',
      ],
      // Strapi requires the database client named in config/database.ts and the plugin it enables by name.
      ignoreDependencies: ['better-sqlite3', '@strapi/plugin-users-permissions'],
    },
    scripts: {
      // scripts/platform.sh runs `node scripts/<command>.ts`.
      entry: ['*.ts'],
      // testing/axe.ts reads axe-core/axe.min.js through createRequire().resolve, to inject it in a page.
      ignoreDependencies: ['axe-core'],
    },
  },
  // System tools the PostgreSQL test cluster calls, not npm packages.
  ignoreBinaries: ['pg_config', 'runuser'],
};

export default config;
