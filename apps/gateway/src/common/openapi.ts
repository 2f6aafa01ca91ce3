import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ApiOperation } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { fallbackSpecs } from './route-fallbacks';
import { z, type ZodTypeAny } from './zod';

/**
 * Route specs: the zod schemas a handler validates with and answers, turned into the OpenAPI document
 * (docs/api.md, "How a route declares its schemas").
 */

/** A response: a zod schema of a JSON answer, or one with its content type and description. */
export type ResponseSpec = ZodTypeAny | { schema?: ZodTypeAny; contentType?: string; description?: string; headers?: Record<string, string> };

/** The schema of a response (none: an answer without a body, such as 204). */
export const responseSchemaOf = (r: ResponseSpec): ZodTypeAny | undefined => (r instanceof z.ZodType ? r : r.schema);

/** problem+json codes a route can answer, by HTTP status. */
export type ProblemCodes = Partial<Record<number, readonly string[]>>;

export interface RouteSpec {
  summary: string;
  description?: string;
  params?: ZodTypeAny;
  query?: ZodTypeAny;
  body?: ZodTypeAny;
  /** The body's content type when it is not JSON (a CSV upload). */
  bodyContentType?: string;
  responses: Partial<Record<number, ResponseSpec>>;
  problems?: ProblemCodes;
}

/** A route spec, its schemas' types kept (so `parse(spec.query, …)` infers the parsed type). */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** Codes every route can answer besides its own (rate limits and the like go here). */
export const COMMON_PROBLEMS: ProblemCodes = { 500: ['INTERNAL'] };
/** Codes of every `/v1` route: the API key, its budgets and the failed-authentication block (docs/operations.md, "Protecting the API"). */
export const AUTH_PROBLEMS: ProblemCodes = { 401: ['AUTH_MISSING', 'AUTH_INVALID'], 429: ['RATE_LIMITED'] };
/** Codes of every route taking a JSON body. */
export const BODY_PROBLEMS: ProblemCodes = { 400: ['MALFORMED_REQUEST'], 413: ['PAYLOAD_TOO_LARGE'] };

/** The `{items, nextCursor}` page of a cursor-paged list. */
export const page = <T extends ZodTypeAny>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  });

const problemFields = {
  type: z.string().openapi({ example: 'https://simgate.dev/problems/validation-failed' }),
  title: z.string().openapi({ example: 'Bad Request' }),
  status: z.number().int(),
  detail: z.string().openapi({ description: 'A human message' }),
  instance: z.string().openapi({ description: 'The request path' }),
  requestId: z.string().optional().openapi({ description: 'The request id (X-Request-Id), as in the access log' }),
  field: z.string().optional().openapi({ description: 'The input field at fault, e.g. query.platform' }),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional().openapi({ description: 'Each failed check (VALIDATION_FAILED)' }),
  known: z.array(z.string()).optional().openapi({ description: 'The values a filter accepts (UNKNOWN_PLATFORM, UNKNOWN_ACCOUNT)' }),
};

/** An RFC 9457 problem document (further fields may follow, by code). */
export const Problem = z.object({ ...problemFields, code: z.string() }).passthrough().openapi('Problem');

const SPECS = new Map<string, RouteSpec>();
export const ROUTE_SPEC = 'simgate:route-spec';

/**
 * Tags a handler with its route spec: recorded under its operation id (`<Controller>_<method>`, as
 * @nestjs/swagger names it) for the document and on the handler for the contract check.
 */
export function ApiRoute(spec: RouteSpec): MethodDecorator {
  return (target, key, descriptor) => {
    SPECS.set(`${target.constructor.name}_${String(key)}`, spec);
    Reflect.defineMetadata(ROUTE_SPEC, spec, descriptor.value as object);
    ApiOperation({ summary: spec.summary, ...(spec.description ? { description: spec.description } : {}) })(target, key, descriptor);
  };
}

export const routeSpecOf = (handler: object): RouteSpec | undefined => Reflect.getMetadata(ROUTE_SPEC, handler) as RouteSpec | undefined;

const merge = (...sets: ProblemCodes[]): Map<number, string[]> => {
  const out = new Map<number, string[]>();
  for (const set of sets) {
    for (const [status, codes] of Object.entries(set)) {
      const list = out.get(Number(status)) ?? [];
      for (const c of codes ?? []) if (!list.includes(c)) list.push(c);
      out.set(Number(status), list);
    }
  }
  return out;
};

/** Every problem code a route declares (its own and the implied ones), by status. */
export function problemsOf(spec: RouteSpec, path: string): Map<number, string[]> {
  return merge(
    COMMON_PROBLEMS,
    path.startsWith('/v1') ? AUTH_PROBLEMS : {},
    // Every route validates its query at least (unknown parameters are refused).
    { 400: ['VALIDATION_FAILED'] },
    spec.body && !spec.bodyContentType ? BODY_PROBLEMS : {},
    spec.problems ?? {},
  );
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

function problemResponse(status: number, codes: string[]): ResponseConfig {
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      {
        value: {
          type: `https://simgate.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
          title: TITLES[status] ?? 'Error',
          status,
          code,
          detail: `(${code})`,
          instance: '/v1/…',
        },
      },
    ]),
  );
  return {
    description: `Problem: ${codes.join(', ')}`,
    content: {
      'application/problem+json': {
        schema: z.object({ ...problemFields, code: z.enum(codes as [string, ...string[]]) }).passthrough(),
        examples,
      },
    },
  };
}

function responsesOf(spec: RouteSpec, path: string): Record<number, ResponseConfig> {
  const out: Record<number, ResponseConfig> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    if (!r) continue;
    const { schema, contentType, description, headers } = r instanceof z.ZodType ? { schema: r, contentType: undefined, description: undefined, headers: undefined } : r;
    out[Number(status)] = {
      description: description ?? (Number(status) < 300 ? 'Success' : 'Answer'),
      ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
      ...(schema ? { content: { [contentType ?? 'application/json']: { schema } } } : {}),
    };
  }
  for (const [status, codes] of problemsOf(spec, path)) out[status] = problemResponse(status, codes);
  return out;
}

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

/**
 * Fills the document @nestjs/swagger listed (paths, methods, tags, security) with each operation's
 * parameters, request body and responses from its route spec. Operations without a spec are left as they
 * are (the document test fails on them).
 */
export function buildOpenApi(doc: OpenAPIObject): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  const fallbacks = fallbackSpecs();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'delete', 'patch'] as Method[]) {
      const op = item[method];
      const spec = op?.operationId ? (SPECS.get(op.operationId) ?? fallbacks[op.operationId]) : undefined;
      if (!op || !spec) continue;
      const request: RouteConfig['request'] = {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { required: true, content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } } } } : {}),
      };
      registry.registerPath({ method, path, operationId: op.operationId, request, responses: responsesOf(spec, path) });
    }
  }
  const generated = new OpenApiGeneratorV3(registry.definitions).generateDocument({ openapi: doc.openapi, info: doc.info as never });
  for (const [path, item] of Object.entries(generated.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'delete', 'patch'] as Method[]) {
      const g = item[method];
      const op = doc.paths[path]?.[method];
      if (!g || !op) continue;
      op.parameters = (g.parameters ?? []) as never;
      // The API key guards /v1 only: the other routes (health) say they need none.
      if (!path.startsWith('/v1')) op.security = [];
      if (g.requestBody) op.requestBody = g.requestBody as never;
      op.responses = g.responses as never;
    }
  }
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...(generated.components?.schemas as object) } };
  doc.servers = [{ url: '/', description: 'This gateway' }];
  return dropUntypedNullable(doc);
}

/**
 * OpenAPI 3.0 wants a `type` beside `nullable`: a value of any type (zod's unknown, as in a free-form record)
 * is nullable already, so the flag is dropped there.
 */
function dropUntypedNullable<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(dropUntypedNullable);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.nullable === true && !('type' in o) && !('$ref' in o) && !('allOf' in o) && !('oneOf' in o) && !('anyOf' in o)) delete o.nullable;
    Object.values(o).forEach(dropUntypedNullable);
  }
  return node;
}
