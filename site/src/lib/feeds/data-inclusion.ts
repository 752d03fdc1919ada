import { parisDate } from '@maillage/extranet/clock';
import { blocksToText } from '../cms/blocks.ts';
import type { Global, Program, Territory } from '../cms/schemas.ts';
import serviceSchema from './data-inclusion-v1/service.json' with { type: 'json' };

/**
 * Maillage's offer in the data·inclusion v1 format (./data-inclusion-v1, Licence Ouverte 2.0):
 * one structure, one service per program. Codes typed in the CMS that the standard does not know
 * are left out, so the export always validates.
 */

export const SOURCE = 'maillage';
export const STRUCTURE_ID = `${SOURCE}--maillage`;

const enumOf = (name: string): Set<string> =>
  new Set(((serviceSchema.$defs as Record<string, { enum?: string[] }>)[name]?.enum ?? []) as string[]);
const THEMATIQUES = enumOf('Thematique');
const PUBLICS = enumOf('Public');
const TYPES = enumOf('TypeService');

const day = (iso: string | undefined) =>
  iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : parisDate();
const keep = (values: string[] | null | undefined, allowed: Set<string>) => {
  const list = [...new Set((values ?? []).filter((v) => allowed.has(v)))];
  return list.length > 0 ? list : null;
};

/** "12 rue X\n59500 Douai" → street, postcode, commune. */
export function splitAddress(address: string) {
  const lines = address
    .split(/\r?\n|,\s*/)
    .map((l) => l.trim())
    .filter(Boolean);
  const idx = lines.findIndex((l) => /^\d{5}\s+\S/.test(l));
  if (idx === -1) return { adresse: address.trim() || null, code_postal: null, commune: null };
  const m = /^(\d{5})\s+(.+)$/.exec(lines[idx] as string);
  return {
    adresse: lines.slice(0, idx).join(', ') || null,
    code_postal: m?.[1] ?? null,
    commune: m?.[2] ?? null,
  };
}

export function buildStructure(global: Global, siteUrl: string) {
  const addr = splitAddress(global.address);
  return {
    source: SOURCE,
    id: STRUCTURE_ID,
    nom: global.siteName.slice(0, 150),
    date_maj: day(global.updatedAt),
    description:
      'Association de l’économie sociale et solidaire qui aide les personnes éloignées de l’emploi à créer leur activité, dans le Valenciennois, le Douaisis, le Cambrésis et la Pévèle-Carembault.',
    telephone: global.contactPhone || null,
    courriel: global.contactEmail || null,
    ...addr,
    horaires_accueil: null,
    site_web: siteUrl,
    lien_source: siteUrl,
    siret: null,
    code_insee: null,
    complement_adresse: null,
    latitude: null,
    longitude: null,
    accessibilite_lieu: null,
    reseaux_porteurs: null,
  };
}

export function buildServices(
  programs: Program[],
  global: Global,
  territories: Territory[],
  siteUrl: string,
) {
  const addr = splitAddress(global.address);
  const zone = [...new Set(territories.flatMap((t) => t.epciCodes).filter((c) => /^\d{9}$/.test(c)))];
  return programs.map((p) => {
    const text = [p.summary, blocksToText(p.description)].filter(Boolean).join('\n\n');
    const free = /gratuit/i.test(p.cost);
    return {
      source: SOURCE,
      structure_id: STRUCTURE_ID,
      id: `${SOURCE}--${p.slug}`,
      nom: p.title.replace(/\.$/, '').slice(0, 150),
      description: text.length >= 5 ? text.slice(0, 10000) : `${p.title} — ${global.siteName}`,
      date_maj: day(p.updatedAt),
      type: p.diType && TYPES.has(p.diType) ? p.diType : null,
      thematiques: keep(p.diThematiques, THEMATIQUES),
      publics: keep(p.diPublics, PUBLICS),
      publics_precisions: p.audience,
      conditions_acces: p.eligibility,
      frais: free ? 'gratuit' : 'payant',
      frais_precisions: free ? null : p.cost,
      volume_horaire_hebdomadaire:
        p.diVolumeHoraireHebdomadaire != null && p.diVolumeHoraireHebdomadaire >= 0
          ? p.diVolumeHoraireHebdomadaire
          : null,
      nombre_semaines: p.diNombreSemaines != null && p.diNombreSemaines >= 1 ? p.diNombreSemaines : null,
      modes_accueil: ['en-presentiel'],
      modes_mobilisation: ['telephoner', 'utiliser-lien-mobilisation'],
      mobilisable_par: ['usagers', 'professionnels'],
      mobilisation_precisions:
        'Appelez-nous ou demandez à être rappelé·e sur notre site. Les professionnel·les peuvent inscrire une personne avec son accord.',
      lien_mobilisation:
        p.kind === 'accompagnement' ? `${siteUrl}/idee-de-projet` : `${siteUrl}/agenda?programme=${p.slug}`,
      lien_source: `${siteUrl}/programmes/${p.slug}`,
      telephone: global.contactPhone || null,
      courriel: global.contactEmail || null,
      contact_nom_prenom: null,
      horaires_accueil: global.openingHours,
      zone_eligibilite: zone.length > 0 ? zone : null,
      ...addr,
      code_insee: null,
      complement_adresse: null,
      latitude: null,
      longitude: null,
    };
  });
}
