import list from './common-passwords.txt?raw';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

const normalise = (p: string) => p.toLowerCase().replace(/\s+/g, '');

const COMMON = new Set(
  list
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(normalise),
);

/**
 * Checks a new password: 12 to 128 characters, not a common password, not the email address.
 * No composition rules (NIST SP 800-63B). Returns a French message, or null when it is fine.
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Le mot de passe doit contenir au moins ${MIN_PASSWORD_LENGTH} caractères. Une phrase courte est idéale.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Le mot de passe doit contenir au plus ${MAX_PASSWORD_LENGTH} caractères.`;
  }
  const n = normalise(password);
  if (COMMON.has(n) || /^(.)\1+$/.test(n)) {
    return 'Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre.';
  }
  if (email && (n === normalise(email) || n === normalise(email.split('@')[0] ?? ''))) {
    return 'Le mot de passe ne doit pas être votre adresse e-mail.';
  }
  return null;
}
