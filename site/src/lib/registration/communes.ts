import { communeNamesOfEpcis, type TerritoryLike } from '../geo/communes.ts';

/** The last answer, for the EPCI codes it was built from (the CMS's territories rarely change). */
let last: { key: string; names: string[] } | null = null;

/**
 * Names of the communes of the given territories (the CMS's: their EPCI codes), for the commune
 * field's <datalist> (a native suggestion list: no JavaScript). Any other commune can still be
 * typed; the server resolves it.
 */
export function communeNames(territories: readonly Pick<TerritoryLike, 'epciCodes'>[]): string[] {
  const codes = [...new Set(territories.flatMap((t) => t.epciCodes))].sort();
  const key = codes.join(',');
  if (last?.key !== key) last = { key, names: codes.length > 0 ? communeNamesOfEpcis(codes) : [] };
  return last.names;
}
