import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Search terms are names and phone numbers: they must not appear in URLs (browser history, proxy
 * and server logs). The inbox keeps them in the URL sealed (AES-256-GCM with a key derived from
 * the auth secret): stateless, so any instance can read them back.
 */
export function createSealer(secret: string) {
  const key = createHash('sha256').update(`maillage-search:${secret}`).digest();
  return {
    seal(text: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    /** The original text, or null when the token is not ours (tampered, other secret, garbage). */
    open(token: string | null | undefined): string | null {
      if (!token || token.length > 400) return null;
      try {
        const raw = Buffer.from(token, 'base64url');
        if (raw.length < 29) return null;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}

export type Sealer = ReturnType<typeof createSealer>;
