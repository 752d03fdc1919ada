/**
 * What the contact details given with a request say differently from the person's record (design
 * §8): pure rules, for the request page, the inbox list and `contact.service.ts`.
 */
const FIELDS = [
  ['first_name', 'contact_first_name', 'Prénom'],
  ['last_name', 'contact_last_name', 'Nom'],
  ['phone', 'contact_phone', 'Téléphone'],
  ['email', 'contact_email', 'E-mail'],
  ['commune_name', 'contact_commune_name', 'Commune'],
  ['situation_rsa', 'contact_situation_rsa', 'RSA (revenu de solidarité active)'],
  ['situation_job_seeker', 'contact_situation_job_seeker', 'Inscrit·e à France Travail'],
] as const;
export type PersonField = (typeof FIELDS)[number][0] | 'commune_insee' | 'territory';

export interface ContactDifference {
  field: (typeof FIELDS)[number][0];
  label: string;
  record: string | null;
  given: string;
}

type PersonRow = Record<(typeof FIELDS)[number][0] | 'commune_insee', string | null>;
type ContactRow = Record<(typeof FIELDS)[number][1] | 'contact_commune_insee', string | null>;

const same = (a: string | null, b: string | null) =>
  (a ?? '').trim().toLocaleLowerCase('fr') === (b ?? '').trim().toLocaleLowerCase('fr');

/**
 * What the request says differently from the person's record. A detail the request left out
 * (no e-mail, "prefers not to say") is no difference: confirming never erases what we knew.
 */
export function contactDifferences(person: PersonRow, request: ContactRow): ContactDifference[] {
  if (request.contact_first_name === null) return [];
  const out: ContactDifference[] = [];
  for (const [field, contactField, label] of FIELDS) {
    const given = request[contactField];
    if (given === null || given === '' || given === 'ne-se-prononce-pas') continue;
    if (field === 'commune_name') {
      if (request.contact_commune_insee && request.contact_commune_insee === person.commune_insee) continue;
    }
    if (!same(person[field], given)) out.push({ field, label, record: person[field], given });
  }
  return out;
}

/** Whether the name, phone or e-mail given with a request differ from the record (for lists). */
export function identityDiffers(row: {
  first_name: string;
  last_name: string | null;
  phone: string;
  email: string | null;
  contact_first_name: string | null;
  contact_last_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
}): boolean {
  if (row.contact_first_name === null) return false;
  return (
    !same(row.first_name, row.contact_first_name) ||
    (row.contact_last_name !== null && !same(row.last_name, row.contact_last_name)) ||
    (row.contact_phone !== null && row.contact_phone !== row.phone) ||
    (row.contact_email !== null && !same(row.email, row.contact_email))
  );
}
