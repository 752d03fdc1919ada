/**
 * SMS text encoding (3GPP TS 23.038, "GSM 7-bit default alphabet"). A message written only with
 * these characters costs 160 characters per SMS (153 per part when split); a single character
 * outside them (« », ’, ç, ê, œ…) switches the whole message to UCS-2: 70 per SMS, 67 per part, so
 * the same text can cost three times as much. The association pays per SMS, and several parts
 * arrive out of order on basic phones: our texts are written in GSM-7 and stay short.
 */

/** The basic character set (one septet each). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: each costs two septets (escape + character). */
const EXTENDED = '^{}\\[~]|€\f';

const basic = new Set(BASIC);
const extended = new Set(EXTENDED);

/**
 * French letters and typography outside GSM-7, and what a French reader accepts in their place.
 * Accents that GSM-7 has (é, è, à, ù, É, Ç) are kept.
 */
const REPLACEMENTS: Record<string, string> = {
  â: 'a',
  ä: 'ä',
  ê: 'e',
  ë: 'e',
  î: 'i',
  ï: 'i',
  ô: 'o',
  û: 'u',
  ü: 'ü',
  ÿ: 'y',
  ç: 'c',
  œ: 'oe',
  æ: 'æ',
  á: 'a',
  í: 'i',
  ó: 'o',
  ú: 'u',
  ã: 'a',
  õ: 'o',
  À: 'A',
  Â: 'A',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  Î: 'I',
  Ï: 'I',
  Ô: 'O',
  Û: 'U',
  Ù: 'U',
  Œ: 'OE',
  Ÿ: 'Y',
  Á: 'A',
  Í: 'I',
  Ó: 'O',
  Ú: 'U',
  '«': '"',
  '»': '"',
  '“': '"',
  '”': '"',
  '„': '"',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '´': "'",
  '`': "'",
  '–': '-',
  '—': '-',
  '‐': '-',
  '‑': '-',
  '−': '-',
  '…': '...',
  '·': '.',
  '•': '-',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\t': ' ',
};

/**
 * The text rewritten in GSM-7: typographic quotes, apostrophes, dashes and non-breaking spaces
 * become their plain forms, letters GSM-7 lacks lose their accent (ê → e, ç → c, œ → oe). Any
 * other character outside the alphabet (an emoji, a Cyrillic name) becomes "?", so that the result
 * is always one GSM-7 message; spaces are collapsed.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (basic.has(ch) || extended.has(ch)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined && isGsm7(REPLACEMENTS[ch])) out += REPLACEMENTS[ch];
    else {
      // A letter with an accent GSM-7 lacks: its base letter (ā → a).
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && isGsm7(base) ? base : '?';
    }
  }
  return out.replace(/ {2,}/g, ' ');
}

/** True when every character of the text is in the GSM-7 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extended.has(ch)) return false;
  return true;
}

export interface SmsSize {
  encoding: 'gsm7' | 'ucs2';
  /** septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2) */
  length: number;
  /** how many SMS the operator bills */
  segments: number;
}

/** How many SMS a text costs: GSM-7 160 (153 per part), UCS-2 70 (67 per part). */
export function smsSegments(text: string): SmsSize {
  if (isGsm7(text)) {
    let length = 0;
    for (const ch of text) length += extended.has(ch) ? 2 : 1;
    return { encoding: 'gsm7', length, segments: length <= 160 ? 1 : Math.ceil(length / 153) };
  }
  const length = text.length;
  return { encoding: 'ucs2', length, segments: length <= 70 ? 1 : Math.ceil(length / 67) };
}
