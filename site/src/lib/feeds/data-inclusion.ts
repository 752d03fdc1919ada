import { parisDate } from '@maillage/platform/clock';
import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { blocksToText } from '../cms/blocks.ts';
import type { Global, Program, Territory } from '../cms/schemas.ts';
import serviceSchema from './data-inclusion-v1/service.json' with { type: 'json' };

/**
 * Maillage's offer in the data·inclusion v1 format (./data-inclusion-v1, Licence Ouverte 2.0):
 * one structure, one service per program. Codes typed in the CMS that the standard does not know
 * are left out, so the export always validates. The JSON Schema does not say everything: the
 * standard's models (gip-inclusion/data-inclusion-schema, src/data_inclusion/schema/v1/) add
 * rules, applied here too (`tous-publics` alone, date_maj not in the future, opening hours in the
 * OpenStreetMap format only), and a quality score (score_qualite.py) that every service aims to
 * reach in full: description of 200 to 1,999 characters, a phone number for `telephoner`, an
 * address for `en-presentiel`, modes de mobilisation and mobilisable_par, frais, a recent date_maj.
 */

const SOURCE = 'maillage';
const STRUCTURE_ID = `${SOURCE}--maillage`;

const enumOf = (name: string): Set<string> =>
  new Set(((serviceSchema.$defs as Record<string, { enum?: string[] }>)[name]?.enum ?? []) as string[]);
const THEMATIQUES = enumOf('Thematique');
const PUBLICS = enumOf('Public');
const TYPES = enumOf('TypeService');

/** The day of a CMS timestamp, never later than today (services.py: `date_maj` not in the future). */
const day = (iso: string | undefined) => {
  const today = parisDate();
  if (!iso || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return today;
  // ISO dates sort as text: the earlier of the two.
  return [parisDate(new Date(iso)), today].sort()[0] as string;
};
const keep = (values: string[] | null | undefined, allowed: Set<string>) => {
  const list = [...new Set((values ?? []).filter((v) => allowed.has(v)))];
  return list.length > 0 ? list : null;
};

/** `tous-publics` stands alone (services.py, validator `tous_publics`): it wins over the others. */
export function dataInclusionPublics(values: string[] | null | undefined): string[] | null {
  const list = keep(values, PUBLICS);
  return list?.includes('tous-publics') ? ['tous-publics'] : list;
}

/**
 * A French number in E.164, the format the standard prefers ("03 27 00 00 00" → "+33327000000"),
 * by the registration contract's rule. The editors' text may carry words ("Standard : 03…"),
 * which are left out; a number that is not French is given as typed (the standard only prefers
 * E.164).
 */
export function e164(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/[^\d+]/g, '');
  return normaliseFrenchPhone(digits) ?? (/^\+\d{8,15}$/.test(digits) ? digits : phone?.trim() || null);
}

/** Opening hours only in the OpenStreetMap format the standard asks for ("Mo-Fr 09:00-17:00"). */
const osmHours = (text: string | null | undefined) =>
  text && /^(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b[\w\s,;:-]*\d{2}:\d{2}-\d{2}:\d{2}/.test(text.trim())
    ? text.trim()
    : null;

/** Length as the standard counts it (Python's len: code points). */
const length = (text: string) => [...text].length;
const IDEAL_MIN = 200;
const IDEAL_MAX = 1999;

/**
 * The service description: the summary, the rich text as readable plain text, then, while it is
 * shorter than the 200 characters the quality score asks, the program's facts (for whom, how,
 * conditions, outcomes). Longer than 1,999 characters, it stops at the last paragraph (or
 * sentence) that fits, and points to the full page.
 */
export function serviceDescription(p: Program, pageUrl: string): string {
  const facts = [
    p.audience && `Pour qui : ${p.audience}`,
    p.format && `Comment : ${p.format}`,
    p.eligibility && `Conditions : ${p.eligibility}`,
    p.outcomes && `Ce que vous y gagnez : ${p.outcomes}`,
  ].filter((x): x is string => Boolean(x));
  const paragraphs = [p.summary, ...blocksToText(p.description).split(/\n{2,}/)]
    .map((x) => x.trim())
    .filter(Boolean);
  while (length(paragraphs.join('\n\n')) < IDEAL_MIN && facts.length > 0)
    paragraphs.push(facts.shift() as string);
  const text = paragraphs.join('\n\n');
  if (length(text) <= IDEAL_MAX) return length(text) >= 5 ? text : `${p.title}. ${pageUrl}`;
  const more = `\n\nLa suite sur notre site : ${pageUrl}`;
  const budget = IDEAL_MAX - length(more);
  const kept: string[] = [];
  for (const paragraph of paragraphs) {
    if (length([...kept, paragraph].join('\n\n')) > budget) {
      if (kept.length === 0) {
        const sentences = paragraph.match(/[^.!?]+[.!?]+\s*/g) ?? [paragraph];
        let cut = '';
        for (const sentence of sentences) {
          if (length(cut + sentence) > budget) break;
          cut += sentence;
        }
        kept.push(cut.trim() || `${[...paragraph].slice(0, budget - 1).join('')}…`);
      }
      break;
    }
    kept.push(paragraph);
  }
  return kept.join('\n\n') + more;
}

/** "Association Maillage\n12 rue X\n59500 Douai" → street (from its number on), postcode, commune. */
export function splitAddress(address: string) {
  const lines = address
    .split(/\r?\n|,\s*/)
    .map((l) => l.trim())
    .filter(Boolean);
  const idx = lines.findIndex((l) => /^\d{5}\s+\S/.test(l));
  if (idx === -1) return { adresse: address.trim() || null, code_postal: null, commune: null };
  const m = /^(\d{5})\s+(.+)$/.exec(lines[idx] as string);
  const before = lines.slice(0, idx);
  // A name line ("Association Maillage") before the street is not part of the address.
  const street = before.findIndex((l) => /^\d/.test(l));
  return {
    adresse: (street > 0 ? before.slice(street) : before).join(', ') || null,
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
    telephone: e164(global.contactPhone),
    courriel: global.contactEmail || null,
    ...addr,
    horaires_accueil: osmHours(global.openingHours),
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
    const pageUrl = `${siteUrl}/programmes/${p.slug}`;
    const free = /gratuit/i.test(p.cost);
    const phone = e164(global.contactPhone);
    return {
      source: SOURCE,
      structure_id: STRUCTURE_ID,
      id: `${SOURCE}--${p.slug}`,
      nom: p.title.replace(/\.$/, '').slice(0, 150),
      description: serviceDescription(p, pageUrl),
      date_maj: day(p.updatedAt),
      type: p.diType && TYPES.has(p.diType) ? p.diType : null,
      thematiques: keep(p.diThematiques, THEMATIQUES),
      publics: dataInclusionPublics(p.diPublics),
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
      // `telephoner` only with a number to call (score_qualite.py: telephone_bien_defini).
      modes_mobilisation: phone
        ? ['telephoner', 'utiliser-lien-mobilisation']
        : ['utiliser-lien-mobilisation'],
      mobilisable_par: ['usagers', 'professionnels'],
      mobilisation_precisions: `Appelez-nous${global.openingHours ? ` (${global.openingHours.replace(/\.$/, '')})` : ''} ou demandez à être rappelé·e sur notre site. Les professionnel·les peuvent inscrire une personne avec son accord.`,
      lien_mobilisation:
        p.kind === 'accompagnement' ? `${siteUrl}/idee-de-projet` : `${siteUrl}/agenda?programme=${p.slug}`,
      lien_source: pageUrl,
      telephone: phone,
      courriel: global.contactEmail || null,
      contact_nom_prenom: null,
      horaires_accueil: osmHours(global.openingHours),
      zone_eligibilite: zone.length > 0 ? zone : null,
      ...addr,
      code_insee: null,
      complement_adresse: null,
      latitude: null,
      longitude: null,
    };
  });
}
