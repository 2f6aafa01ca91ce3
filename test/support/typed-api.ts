import type { paths } from './api-types';

/**
 * End-to-end calls typed by the client generated from the served OpenAPI document (test/support/api-types.ts,
 * regenerated and compared by test/e2e/api-contract.e2e-spec.ts): a path, its path and query parameters and
 * the JSON answered must be what the document says, or `npm run typecheck` fails.
 */

type Method = 'get' | 'post' | 'delete';
type PathsWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Params<O> = O extends { parameters: infer X } ? X : never;
type QueryOf<O> = Params<O> extends { query?: infer Q } ? ([Q] extends [never] ? never : Q) : never;
type PathParamsOf<O> = Params<O> extends { path: infer X } ? ([X] extends [never] ? never : X) : never;
type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type Ok<O> = O extends { responses: infer R } ? { [S in keyof R]: S extends 200 | 201 | 202 ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never }[keyof R] : never;

export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  field?: string;
  known?: string[];
}

export interface Typed<T> {
  status: number;
  headers: Headers;
  text: string;
  /** The success body as the document types it (parsed from JSON; null when the answer is not JSON). */
  json: T;
  /** The body as a problem document (for 4xx/5xx answers). */
  problem: ProblemJson;
}

interface Options<O> {
  path?: PathParamsOf<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
}

function url(path: string, o: { path?: unknown; query?: unknown }): string {
  let p = path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(String((o.path as Record<string, unknown>)[k])));
  const q = Object.entries((o.query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (q.length) p += '?' + new URLSearchParams(q.map(([k, v]) => [k, String(v)] as [string, string])).toString();
  return p;
}

export function typedApi(base: () => string, key: string) {
  async function call<T>(method: string, path: string, o: { path?: unknown; query?: unknown; body?: unknown }): Promise<Typed<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base() + url(path, o), { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
    const text = await res.text();
    const json = /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : null;
    return { status: res.status, headers: res.headers, text, json: json as T, problem: json as ProblemJson };
  }
  return {
    get: <P extends PathsWith<'get'>>(path: P, o: Options<Op<P, 'get'>> = {}) => call<Ok<Op<P, 'get'>>>('GET', path, o),
    post: <P extends PathsWith<'post'>>(path: P, o: Options<Op<P, 'post'>> = {}) => call<Ok<Op<P, 'post'>>>('POST', path, o),
    /** Any path as text (a bad-input call the document does not allow, such as an unknown query parameter). */
    raw: (path: string) => call<unknown>('GET', path, {}),
  };
}
