import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESERVED_PAGE_SLUGS } from '../../cms/src/bootstrap/constants.ts';
import { siteDir } from './helpers/stack.ts';

/** Site routes that show the CMS page of the same slug: editors edit them in the CMS. */
const CMS_PAGE_ROUTES = ['a-propos', 'accessibilite', 'donnees-personnelles', 'mentions-legales'];

describe('addresses a CMS page may not take', () => {
  it('are every first segment the site answers itself (src/pages), and nothing else', () => {
    // Astro's image endpoint, and the files in public/.
    const segments = new Set<string>(['_image', ...readdirSync(join(siteDir, 'public'))]);
    for (const entry of readdirSync(join(siteDir, 'src', 'pages'), { withFileTypes: true })) {
      if (entry.name.startsWith('[')) continue;
      const name = entry.isDirectory() ? entry.name : entry.name.replace(/\.(astro|ts)$/, '');
      if (name === 'index' || CMS_PAGE_ROUTES.includes(name)) continue;
      segments.add(name);
    }
    expect([...RESERVED_PAGE_SLUGS].sort()).toEqual([...segments].sort());
  });
});
