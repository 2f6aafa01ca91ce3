import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { ZodError } from 'zod';
import { firstValueFrom, of, throwError } from 'rxjs';
import { ContractInterceptor } from './contract';
import { ApiRoute, defineRoute } from './openapi';
import { Problem } from './problem';
import { z } from './zod';

/** The contract check on its own: a handler with a spec, a fake HTTP context, answers that match or do not. */
const spec = defineRoute({
  summary: 'test route',
  responses: { 200: z.object({ items: z.array(z.object({ id: z.string(), n: z.number().int() })) }), 204: { description: 'none' } },
  problems: { 404: ['THING_NOT_FOUND'] },
});

class Things {
  @ApiRoute(spec)
  list(): void {}

  plain(): void {}
}

function context(handler: () => void, status: number, path = '/v1/things'): ExecutionContext {
  const res = { statusCode: status, headersSent: false };
  const req = { method: 'GET', path };
  return {
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
}

const answer = (body: unknown): CallHandler => ({ handle: () => of(body) });
const failing = (e: unknown): CallHandler => ({ handle: () => throwError(() => e) });

describe('ContractInterceptor', () => {
  const reported: string[] = [];
  const check = new ContractInterceptor((m) => reported.push(m));
  const list = Things.prototype.list;
  beforeEach(() => (reported.length = 0));

  it('passes an answer that matches its schema, unchanged', async () => {
    const body = { items: [{ id: 'a', n: 1, extra: true }] };
    await expect(firstValueFrom(check.intercept(context(list, 200), answer(body)))).resolves.toBe(body);
    expect(reported).toEqual([]);
  });

  it('turns an answer that does not match into 500 RESPONSE_CONTRACT_VIOLATION naming the field', async () => {
    const e = await firstValueFrom(check.intercept(context(list, 200), answer({ items: [{ id: 'a', n: 1.5 }] }))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Problem);
    expect((e as Problem).code).toBe('RESPONSE_CONTRACT_VIOLATION');
    expect((e as Problem).getStatus()).toBe(500);
    expect((e as Problem).message).toContain('items.0.n');
    expect(reported).toHaveLength(1);
  });

  it('refuses a status the spec does not declare, and a body where none is declared', async () => {
    const undeclared = await firstValueFrom(check.intercept(context(list, 201), answer({ items: [] }))).catch((x: unknown) => x);
    expect((undeclared as Problem).message).toContain('status 201 is not declared');
    const bodied = await firstValueFrom(check.intercept(context(list, 204), answer({ x: 1 }))).catch((x: unknown) => x);
    expect((bodied as Problem).message).toContain('declared without a body');
    await expect(firstValueFrom(check.intercept(context(list, 204), answer(undefined)))).resolves.toBeUndefined();
  });

  it('lets declared problems through (own, implied VALIDATION_FAILED and AUTH_*) and refuses others', async () => {
    for (const e of [new Problem(404, 'THING_NOT_FOUND', 'no'), new Problem(401, 'AUTH_INVALID', 'no'), new ZodError([])]) {
      await expect(firstValueFrom(check.intercept(context(list, 200), failing(e)))).rejects.toBe(e);
    }
    const e = await firstValueFrom(check.intercept(context(list, 200), failing(new Problem(409, 'SURPRISE', 'no')))).catch((x: unknown) => x);
    expect((e as Problem).code).toBe('RESPONSE_CONTRACT_VIOLATION');
    expect((e as Problem).message).toContain('409 SURPRISE');
    // Outside /v1 the key is not asked for: AUTH_* is not declared there.
    const open = await firstValueFrom(check.intercept(context(list, 200, '/health'), failing(new Problem(401, 'AUTH_INVALID', 'no')))).catch((x: unknown) => x);
    expect((open as Problem).code).toBe('RESPONSE_CONTRACT_VIOLATION');
  });

  it('leaves a handler without a spec alone', async () => {
    await expect(firstValueFrom(check.intercept(context(Things.prototype.plain, 200), answer({ anything: 1 })))).resolves.toEqual({ anything: 1 });
  });
});
