import {
  type ActionAPIContext,
  ActionError,
  type ActionErrorCode,
  defineAction,
  isInputError,
} from 'astro:actions';
import { fieldErrors } from '@maillage/contract';
import type { AstroGlobal } from 'astro';
import { z } from 'zod';
import { type CurrentUser, refusal } from './guard.ts';
import { formObject, list, readForm, str } from './http.ts';

/**
 * The extranet's forms are Astro Actions (src/actions/): `<form method="post" action={actions.x}>`
 * posts to the page itself with `?_action=x`, Astro runs the action after the middleware (session,
 * body limit, origin check), then renders the page, which reads the outcome with `postedForm`:
 * success → 303 to the page (POST → redirect → GET), refusal → the page's 404/403, invalid input →
 * the page again (status 400) with the French messages and what was typed. No JavaScript needed.
 */

/**
 * Actions are public endpoints (`/_actions/x` too): each one starts here, whatever its page checked.
 * Anonymous → UNAUTHORIZED, wrong role → FORBIDDEN (the rule of lib/guard.ts).
 */
function requireActionUser(context: ActionAPIContext, options: { role?: 'admin' } = {}): CurrentUser {
  const user = context.locals.user;
  const refused = refusal(user, options);
  if (refused === 'anonymous') throw new ActionError({ code: 'UNAUTHORIZED', message: 'Connexion requise.' });
  if (refused === 'role') throw new ActionError({ code: 'FORBIDDEN', message: 'Accès refusé.' });
  return user as CurrentUser;
}

/**
 * A form whose effect cannot be undone (an erasure, a merge) acts only on the record of the page it
 * was posted from — the one the page checked and asked to confirm: Astro would run it through any page.
 */
export function requirePageOf(context: ActionAPIContext, path: string): void {
  if (context.url.pathname !== path) throw new FieldRefusal({ form: 'Formulaire invalide.' });
}

/** The record does not exist or is not the viewer's: the page answers its 404. */
export const recordMissing = () => new ActionError({ code: 'NOT_FOUND', message: 'Introuvable.' });

/**
 * A form action: the viewer checked first (requireActionUser: an anonymous or unauthorised caller
 * learns nothing, not even what the form expects), then the posted fields read as plain strings
 * (formObject: a blank field stays '', a repeated one becomes an array) and validated by `input`,
 * whose French messages come back to the page (FieldRefusal). `input` may be a function when the
 * rules depend on the day (a note's date may not be in the future).
 */
export function formAction<S extends z.ZodType, T>(spec: {
  role?: 'admin';
  input: S | (() => S);
  handler: (input: z.output<S>, viewer: CurrentUser, context: ActionAPIContext) => Promise<T>;
}) {
  return defineAction({
    accept: 'form',
    handler: async (form: FormData, context) => {
      const viewer = requireActionUser(context, spec);
      return run(form, spec.input, (input) => spec.handler(input, viewer, context));
    },
  });
}

/**
 * A form anyone may send, without signing in (what stands for the sign-in, a signed link's token,
 * is in the form and the handler checks it): otherwise as formAction.
 */
export function publicFormAction<S extends z.ZodType, T>(spec: {
  input: S;
  handler: (input: z.output<S>, context: ActionAPIContext) => Promise<T>;
}) {
  return defineAction({
    accept: 'form',
    handler: async (form: FormData, context) =>
      run(form, spec.input, (input) => spec.handler(input, context)),
  });
}

async function run<S extends z.ZodType, T>(
  form: FormData,
  input: S | (() => S),
  handler: (input: z.output<S>) => Promise<T>,
): Promise<T> {
  const schema = input instanceof z.ZodType ? input : input();
  const parsed = schema.safeParse(formObject(form));
  if (!parsed.success) throw new FieldRefusal(fieldErrors(parsed.error));
  try {
    return await handler(parsed.data);
  } catch (error) {
    // Astro turns any other error into a bare INTERNAL_SERVER_ERROR: keep its stack in the logs.
    if (!(error instanceof ActionError)) console.error('[extranet] action :', error);
    throw error;
  }
}

/** The posted fields as they are, every one optional (a search form: its fields are cut to size when read). */
export const anyFields = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/** A blank choice (`''`) in these fields counts as no answer: the schema's own « Choisissez… ». */
export function blankIsMissing<S extends z.ZodType>(fields: readonly string[], schema: S) {
  return z.preprocess((value) => {
    const form = { ...(value as Record<string, unknown>) };
    for (const field of fields) if (form[field] === '') delete form[field];
    return form;
  }, schema);
}

/** A field left out reads as a blank one (`''`), as the page always read them (lib/http.ts str). */
export function missingIsBlank<S extends z.ZodType>(fields: readonly string[], schema: S) {
  return z.preprocess(
    (value) => ({ ...Object.fromEntries(fields.map((f) => [f, ''])), ...(value as Record<string, unknown>) }),
    schema,
  );
}

/**
 * A refusal that belongs to fields (a rule of the form, or the service said no: a phone number
 * already taken…): the page shows it next to the fields. Astro serialises an ActionError's own
 * fields, so `type` and `issues` reach the page as an input error (isInputError).
 */
export class FieldRefusal extends ActionError {
  override type = 'AstroActionInputError';
  readonly issues: { code: 'custom'; path: string[]; message: string; params?: { status: number } }[];
  /** `status`: the page's answer when not 400 (409: the session filled up meanwhile). */
  constructor(errors: Record<string, string>, options: { status?: number } = {}) {
    super({ code: 'BAD_REQUEST', message: Object.values(errors).join(' ') });
    this.issues = Object.entries(errors).map(([field, message]) => ({
      code: 'custom',
      path: field === 'form' ? [] : [field],
      message,
      ...(options.status ? { params: { status: options.status } } : {}),
    }));
  }
}

type FormAction = Parameters<AstroGlobal['getActionResult']>[0];
type DataOf<A extends FormAction> = NonNullable<Awaited<ReturnType<A>>['data']>;

/** What was posted: the first value of each field, and every value (`lists`, for checkboxes). */
interface Typed {
  values: Record<string, string>;
  lists: Record<string, string[]>;
}

/**
 * What a page's form gave: done (the action's data: where to go, or something to show with what was
 * posted), refused (an error code), or to correct (errors and what was typed).
 */
export type Posted<F extends Record<string, FormAction>> =
  | {
      [K in keyof F]:
        | ({
            form: K;
            done: true;
            data: DataOf<F[K]> | undefined;
            refused?: undefined;
            errors?: undefined;
          } & Typed)
        | { form: K; done?: undefined; data?: undefined; refused: ActionErrorCode; errors?: undefined }
        | ({
            form: K;
            done?: undefined;
            data?: undefined;
            refused?: undefined;
            errors: Record<string, string>;
          } & Typed);
    }[keyof F]
  /** a post that is none of the page's forms: 400, « Formulaire invalide. » */
  | ({
      form: null;
      done?: undefined;
      data?: undefined;
      refused?: undefined;
      errors: { form: string };
    } & Typed);

/** Where a form posts to run `action` on another URL than the current one (`path` and its `query`). */
export function actionUrl(path: string, action: FormAction, query: Record<string, string> = {}): string {
  const params = new URLSearchParams(query);
  for (const [k, v] of new URLSearchParams(String(action))) params.set(k, v);
  return `${path}?${params}`;
}

/** This page's address (its query kept: filters, `?obligatoire=1`…) running `action` when posted. */
export const actionHere = (url: URL, action: FormAction): string =>
  actionUrl(url.pathname, action, Object.fromEntries(url.searchParams));

/** A form's errors and typed values when `posted` is that form coming back, else none. */
export function formState<F extends Record<string, FormAction>>(
  posted: Posted<F> | undefined,
  form: keyof F,
): { values: Record<string, string> | undefined; errors: Record<string, string> } {
  return posted?.form === form && posted.errors
    ? { values: posted.values, errors: posted.errors }
    : { values: undefined, errors: {} };
}

/**
 * The outcome of whichever of `forms` was posted to this page (undefined on a GET). Field errors
 * are keyed like contract `fieldErrors` (first message a field, `form` for the form as a whole).
 * The action read a copy of the body: the page reads what was typed from the request itself.
 * A post that runs none of `forms` (no `?_action=`, or another page's) is « Formulaire invalide. ».
 */
export async function postedForm<F extends Record<string, FormAction>>(
  Astro: Pick<AstroGlobal, 'getActionResult' | 'request' | 'response'>,
  forms: F,
): Promise<Posted<F> | undefined> {
  for (const [form, action] of Object.entries(forms)) {
    const result = Astro.getActionResult(action);
    if (!result) continue;
    if (result.error?.code === 'INTERNAL_SERVER_ERROR') throw new Error(result.error.message);
    if (result.error && !isInputError(result.error)) return { form, refused: result.error.code } as Posted<F>;
    const values: Record<string, string> = {};
    const lists: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(await readForm(Astro.request))) {
      values[k] = str(v);
      lists[k] = list(v);
    }
    if (!result.error) return { form, done: true, data: result.data, values, lists } as Posted<F>;
    const errors: Record<string, string> = {};
    for (const issue of result.error.issues) {
      const key = issue.path.length ? issue.path.map(String).join('.') : 'form';
      if (!(key in errors)) errors[key] = issue.message;
      const status = (issue as { params?: { status?: number } }).params?.status;
      if (status) Astro.response.status = status;
    }
    return { form, errors, values, lists } as Posted<F>;
  }
  if (Astro.request.method !== 'POST') return undefined;
  Astro.response.status = 400;
  return { form: null, errors: { form: 'Formulaire invalide.' }, values: {}, lists: {} };
}
