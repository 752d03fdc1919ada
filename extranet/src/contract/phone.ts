/** "+33612345678" → "06 12 34 56 78", how advisors read and dial them; other numbers unchanged. */
export function formatPhone(e164: string): string {
  const m = /^\+33(\d{9})$/.exec(e164.replace(/\s/g, ''));
  return m ? `0${m[1]}`.replace(/(\d{2})(?=\d)/g, '$1 ') : e164;
}
