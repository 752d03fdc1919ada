import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_TERRITORIES } from '../geo/communes.ts';

let names: string[] | null = null;

/**
 * Names of the communes of our four territories, for the commune field's <datalist> (a native
 * suggestion list: no JavaScript). Any other commune can still be typed; the server resolves it.
 */
export function communeNames(): string[] {
  if (names) return names;
  const require = createRequire(import.meta.url);
  const epcis = JSON.parse(
    readFileSync(require.resolve('@etalab/decoupage-administratif/data/epci.json'), 'utf8'),
  ) as Array<{ code: string; membres: Array<{ nom: string }> }>;
  const wanted = new Set(DEFAULT_TERRITORIES.flatMap((t) => t.epciCodes));
  names = [
    ...new Set(epcis.filter((e) => wanted.has(e.code)).flatMap((e) => e.membres.map((m) => m.nom))),
  ].sort((a, b) => a.localeCompare(b, 'fr'));
  return names;
}
