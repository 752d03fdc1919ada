import type { APIContext, AstroGlobal } from 'astro';
import { z } from 'zod';
import { pageNumber } from '../db/paging.ts';
import { type CurrentUser, notFound, requireUser } from './guard.ts';
import { str } from './http.ts';
import type { Runtime } from './runtime.ts';
import type { Sealer } from './sealed.ts';

type Ctx = Pick<AstroGlobal | APIContext, 'locals' | 'url' | 'redirect' | 'params'>;

/** A database id in a URL or a form: a positive 32-bit integer. */
export const recordId = z.coerce.number().int().positive().max(2_147_483_647);
/** A CMS document id (a session's), as it stands in a URL. */
export const documentId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** `?page=` of a list page (see db/paging.ts). */
export function pageOf(url: URL, max?: number): number {
  return pageNumber(max).parse(url.searchParams.get('page') ?? 1);
}

interface PageContext {
  user: CurrentUser;
  runtime: Runtime;
  db: Runtime['db'];
}

/**
 * The start of every signed-in page: anonymous → sign-in page, wrong role → 403 (requireUser),
 * else the user and the runtime.
 */
export function signedIn(ctx: Ctx, options: { role?: 'admin' } = {}): PageContext | Response {
  const user = requireUser(ctx, options);
  if (user instanceof Response) return user;
  const runtime = ctx.locals.runtime;
  return { user, runtime, db: runtime.db };
}

/** What each record page answers when its record does not exist or is not the viewer's. */
const RECORDS = {
  Demande: { href: '/demandes', label: 'Retour aux demandes' },
  Message: { href: '/courriels', label: 'Retour aux courriels' },
  Session: { href: '/sessions', label: 'Retour aux sessions' },
  Personne: { href: '/personnes', label: 'Retour aux personnes' },
  Accompagnement: { href: '/accompagnements', label: 'Retour aux accompagnements' },
  Note: { href: '/actions', label: 'Retour à mes prochaines actions' },
  'Rendez-vous': { href: '/agenda', label: 'Retour à l’agenda' },
} as const;
type RecordKind = keyof typeof RECORDS;

/** The 404 of a record page (the same answer for "does not exist" and "not yours"). */
function missingRecord(what: RecordKind): Response {
  return notFound(what, RECORDS[what]);
}

interface RecordContext<Id> extends PageContext {
  id: Id;
  /** the record's 404, for when the service says it is not there */
  missing: () => Response;
}

/**
 * The start of a record page (`/things/[id]`): signedIn, then the id of the URL parsed (a database
 * id unless `id` says otherwise), a malformed id answering the record's 404.
 */
export function openRecord<Id = number>(
  ctx: Ctx,
  what: RecordKind,
  options: { role?: 'admin'; id?: z.ZodType<Id> } = {},
): RecordContext<Id> | Response {
  const page = signedIn(ctx, options);
  if (page instanceof Response) return page;
  const missing = () => missingRecord(what);
  const id = (options.id ?? (recordId as unknown as z.ZodType<Id>)).safeParse(ctx.params.id);
  if (!id.success) return missing();
  return { ...page, id: id.data, missing };
}

/**
 * What `read` gives, or the record's 404 (`missing`) when the service throws `notFound`: the record
 * does not exist or is not the viewer's.
 */
export async function orMissing<T>(
  read: Promise<T>,
  notFound: abstract new (...args: never[]) => Error,
  missing: () => Response,
): Promise<T | Response> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof notFound) return missing();
    throw e;
  }
}

/** This page's URL (path and query) with `changes` applied: a null value removes the parameter. */
export function urlWith(url: URL, changes: Record<string, string | null>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  return u.pathname + u.search;
}

/**
 * The list filters post, so that a searched name or phone number never appears in a URL: the
 * search is sealed into `r` (lib/sealed.ts), the other fields kept as they are (cut to
 * `maxLength`), then POST → redirect → GET. Returns where to redirect.
 */
export function sealedFilterLocation(
  path: string,
  form: Record<string, string | string[]>,
  fields: readonly string[],
  options: { sealer: Sealer; maxLength: number },
): string {
  const params = new URLSearchParams();
  for (const field of fields) {
    const value = str(form[field]).slice(0, options.maxLength);
    if (value) params.set(field, value);
  }
  const q = str(form.q).trim().slice(0, 80);
  if (q) params.set('r', options.sealer.seal(q));
  return `${path}${params.size ? `?${params}` : ''}`;
}

/** The query of a list whose search is sealed: `q` never read from the URL, only from `r`. */
export function sealedFilterQuery(url: URL, sealer: Sealer): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = Object.fromEntries(url.searchParams);
  delete query.q;
  return { ...query, q: sealer.open(url.searchParams.get('r')) || undefined };
}
