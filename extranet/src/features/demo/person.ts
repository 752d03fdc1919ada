import type { Insertable } from 'kysely';
import type { PersonTable } from '../../db/database.ts';

/**
 * A demo person's record: no e-mail, reached by phone, consent given when the record was made;
 * the last contact (and the last change) is `lastContactAt`, else that same instant.
 */
export function demoPerson(p: {
  firstName: string;
  lastName: string;
  phone: string;
  commune: { insee: string; name: string };
  territory: string;
  rsa: string;
  jobSeeker: string;
  createdAt: string;
  lastContactAt?: string;
}): Insertable<PersonTable> {
  const last = p.lastContactAt ?? p.createdAt;
  return {
    first_name: p.firstName,
    last_name: p.lastName,
    phone: p.phone,
    email: null,
    commune_insee: p.commune.insee,
    commune_name: p.commune.name,
    territory: p.territory,
    situation_rsa: p.rsa,
    situation_job_seeker: p.jobSeeker,
    preferred_contact: 'appel',
    consent_at: p.createdAt,
    last_contact_at: last,
    created_at: p.createdAt,
    updated_at: last,
  };
}
