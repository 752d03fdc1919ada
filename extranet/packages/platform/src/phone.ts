import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * Country calling codes of the French numbering plan: metropolitan France (+33), Réunion and
 * Mayotte (+262), Saint-Pierre-et-Miquelon (+508), Guadeloupe, Saint-Martin and Saint-Barthélemy
 * (+590), Guyane (+594), Martinique (+596), Nouvelle-Calédonie (+687), Polynésie française (+689).
 */
const FRENCH_CALLING_CODES = new Set(['33', '262', '508', '590', '594', '596', '687', '689']);

/**
 * What people type: digits with spaces, dots, dashes, slashes or parentheses, written nationally
 * (`06…`) or internationally (`+33…`, `0033…`). The library is lenient beyond this (letters,
 * "ext. 12", a national number without its 0): those stay refused, as a typing mistake.
 */
const TYPED = /^[\s.\-/()]*(?:\+|0)[\d\s.\-/()]*$/;

/**
 * Normalises a French phone number to E.164 (`+33612345678`), or returns null when it is not one.
 * Accepts spaces, dots, dashes, parentheses, `+33 (0)6…`, `0033…` and the national `06…` form
 * (read as +33, the overseas `0692…` included: that is how the national form was always stored).
 * Foreign numbers are refused: the advisors call and text French numbers only. The length is
 * checked per territory by libphonenumber's metadata (`min`: lengths, enough for "possible").
 */
export function normaliseFrenchPhone(input: string): string | null {
  const typed = input.trim();
  if (!TYPED.test(typed)) return null;
  const parsed = parsePhoneNumberFromString(typed, 'FR');
  if (!parsed || !FRENCH_CALLING_CODES.has(parsed.countryCallingCode)) return null;
  // "Possible" checks the length only; no French-plan number starts with 0 after the trunk 0.
  return parsed.isPossible() && /^[1-9]/.test(parsed.nationalNumber) ? parsed.number : null;
}

/** "+33612345678" → "06 12 34 56 78", how advisors read and dial them; other numbers unchanged. */
export function formatPhone(e164: string): string {
  const m = /^\+33(\d{9})$/.exec(e164.replace(/\s/g, ''));
  return m ? `0${m[1]}`.replace(/(\d{2})(?=\d)/g, '$1 ') : e164;
}
