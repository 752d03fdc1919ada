import type { Generated } from 'kysely';
import type { Flag, Timestamp } from './columns.ts';

/** A file attached to a person (and, optionally, one of their supports); the bytes are in the document store. */
export interface DocumentTable {
  id: Generated<number>;
  person_id: number;
  support_id: number | null;
  /** attestation-rsa, attestation-france-travail, contrat-accompagnement, business-plan, autre */
  kind: string;
  /** the format found in the content (magic bytes): pdf, jpeg, png, webp, docx, xlsx, odt, ods, doc, xls */
  format: string;
  /** for display only (may hold personal data): never a path, never in the audit log */
  original_name: string;
  size: number;
  /** the store's random id of the file */
  storage_key: string;
  /** 1: the person's referent advisor(s) and admins only (see documents.rules.ts) */
  confidential: Flag;
  uploaded_by: string | null;
  created_at: Timestamp;
}
