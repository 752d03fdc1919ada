import type { RegistrationRequest } from '@maillage/contract';
import { type Commune, findCommunes, normalizeName } from '../geo/communes.ts';

/**
 * The four public forms and the fields each may send. Field names are the contract's paths
 * (`situation.rsa`, `source.name`…), so the contract's dotted field errors land on the right input
 * without a translation table. Anything else a client posts is ignored: a self-registration cannot
 * smuggle a `source` in, for instance.
 */
export type FormKind = 'event' | 'support' | 'callback' | 'prescriber';

/** Dotted paths of the leaves of a contract request (`situation.rsa`, `source.name`…). */
type Paths<T> = T extends object
  ? {
      [K in keyof T & string]: NonNullable<T[K]> extends string | number | boolean
        ? K
        : `${K}.${Paths<NonNullable<T[K]>>}`;
    }[keyof T & string]
  : never;

/**
 * The contract's fields a person fills in. Not typed: the kind (the form's own), the source type
 * (self or prescriber, from the form), the commune's code and name (from the typed commune).
 */
type ContractField = Exclude<
  Paths<RegistrationRequest>,
  'kind' | 'source.type' | 'communeInsee' | 'communeName'
>;
/** The site's own: the commune as typed and as chosen, the session's slug, what a professional asks. */
type FormField = ContractField | 'commune' | 'communeChoice' | 'eventSlug' | 'request';

const PERSON = [
  'idempotencyKey',
  'firstName',
  'lastName',
  'phone',
  'email',
  'commune',
  'communeChoice',
  'situation.rsa',
  'situation.jobSeeker',
  'needs.transport',
  'needs.childcare',
  'needs.accessibility',
  'needs.details',
  'preferredContact',
  'message',
] as const satisfies readonly FormField[];

const PRESCRIBER = [
  'source.name',
  'source.organisation',
  'source.phone',
  'source.email',
  'source.personConsent',
  'source.keepInformed',
] as const satisfies readonly FormField[];

const ALL_FIELDS = [...PERSON, ...PRESCRIBER, 'request', 'eventId', 'projectIdea', 'acceptWaitlist'] as const;

const FORM_FIELDS: Record<FormKind, readonly FormField[]> = {
  event: [...PERSON, 'eventId', 'eventSlug', 'acceptWaitlist'],
  support: [...PERSON, 'projectIdea'],
  callback: [...PERSON],
  prescriber: ALL_FIELDS,
};

/** A field added to the contract and to no form fails the type check here. */
const everyContractField: Exclude<ContractField, (typeof ALL_FIELDS)[number]> extends never ? true : never =
  true;
void everyContractField;

/** What the person typed, by field name; checkboxes are "on" when ticked. */
export type FormValues = Record<string, string>;

const MAX_VALUE = 5000;

export function readValues(form: FormData, kind: FormKind): FormValues {
  const values: FormValues = {};
  for (const name of FORM_FIELDS[kind]) {
    const v = form.get(name);
    // A too-long value is kept short here; the contract then reports it as too long.
    if (typeof v === 'string') values[name] = v.slice(0, MAX_VALUE);
  }
  return values;
}

/** Puts dotted names into nested objects: {"situation.rsa": "oui"} → {situation: {rsa: "oui"}}. */
export function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(flat)) {
    const keys = path.split('.');
    let node = out;
    keys.forEach((k, i) => {
      if (i === keys.length - 1) {
        node[k] = value;
        return;
      }
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    });
  }
  return out;
}

export type CommuneResolution =
  | { ok: true; commune: Commune | null }
  | { ok: false; error: string; choices: Commune[] };

/**
 * Finds the commune someone typed (a name or a postcode) in the official list. One clear match is
 * taken; several give a short list to choose from (a postcode often covers several communes).
 */
export function resolveCommune(
  typed: string | undefined,
  choice: string | undefined,
  required: boolean,
): CommuneResolution {
  const text = (typed ?? '').trim();
  if (choice && /^(\d{5}|2[AB]\d{3})$/.test(choice)) {
    const candidates = findCommunes(text, 50);
    const picked =
      candidates.find((c) => c.code === choice) ?? findCommunes(choice, 50).find((c) => c.code === choice);
    if (picked) return { ok: true, commune: picked };
  }
  if (!text) {
    return required
      ? { ok: false, error: 'Indiquez votre commune ou son code postal.', choices: [] }
      : { ok: true, commune: null };
  }
  if (text.length > 100) return { ok: false, error: 'Commune : 100 caractères au maximum.', choices: [] };
  const found = findCommunes(text, 30);
  if (found.length === 0) {
    return {
      ok: false,
      error:
        'Nous ne trouvons pas cette commune. Vérifiez l’orthographe ou indiquez le code postal (exemple : 59400).',
      choices: [],
    };
  }
  if (found.length === 1) return { ok: true, commune: found[0] as Commune };
  if (!/^\d{5}$/.test(text)) {
    // The same name in several departments: the mining basin's (Nord, then Pas-de-Calais) is meant.
    const exact = found.filter((c) => normalizeName(c.nom) === normalizeName(text));
    if (
      exact.length === 1 ||
      (exact.length > 1 && exact[0]?.departement === '59' && exact[1]?.departement !== '59')
    ) {
      return { ok: true, commune: exact[0] as Commune };
    }
  }
  return {
    ok: false,
    error: 'Plusieurs communes correspondent : choisissez la vôtre dans la liste.',
    choices: found,
  };
}

/** Form field that shows an error reported on a contract path. */
export function fieldOf(path: string): string {
  return path === 'communeInsee' || path === 'communeName' ? 'commune' : path;
}

/**
 * Fields of the forms, in page order: the error summary lists errors in this order. The
 * professional's page shows them all; each public page shows its kind's fields, in this order.
 */
export const FIELD_ORDER: readonly FormField[] = [
  'source.name',
  'source.organisation',
  'source.phone',
  'source.email',
  'request',
  'eventId',
  'projectIdea',
  'firstName',
  'lastName',
  'phone',
  'email',
  'commune',
  'situation.rsa',
  'situation.jobSeeker',
  'needs.details',
  'preferredContact',
  'message',
  'acceptWaitlist',
  'source.personConsent',
  'source.keepInformed',
];

/**
 * What a form sends but does not ask on its page: the event page's session is fixed (a hidden
 * field), the project and call-back forms skip the needs, the call-back form the situation.
 */
const NOT_ASKED: Record<FormKind, readonly FormField[]> = {
  event: ['eventId'],
  support: ['needs.details'],
  callback: ['situation.rsa', 'situation.jobSeeker', 'needs.details'],
  prescriber: [],
};

/** The fields a form's page shows, in page order (the error summary links to these). */
export function shownFields(kind: FormKind): readonly string[] {
  return FIELD_ORDER.filter((f) => FORM_FIELDS[kind].includes(f) && !NOT_ASKED[kind].includes(f));
}

/** The HTML id of a field's input (`source.name` → `f-source-name`). */
export function inputId(field: string): string {
  return `f-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;
}
