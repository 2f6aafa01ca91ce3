import { Carrier, OperationType } from '@simgate/core';
import { defineRoute } from '../common/openapi';
import { z } from '../common/zod';

/** Platforms and accounts (docs/api.md): what is registered and configured, never a credential value. */

const looseObject = z.object({}).passthrough();

export const Platform = z
  .object({
    id: z.string().openapi({ example: 'cmcc-onelink' }),
    carrier: z.nativeEnum(Carrier),
    label: z.string(),
    zone: z.string().openapi({ example: 'Asia/Shanghai' }),
    credentials: z.array(z.object({ name: z.string() }).passthrough()).openapi({ description: 'The credential fields an account of it needs (names, never values)' }),
    capabilities: z.object({ operations: z.array(z.nativeEnum(OperationType)) }).passthrough(),
    batchSizes: looseObject,
    quotas: looseObject,
    billingCycle: looseObject,
    cooldowns: looseObject,
    orderProcessing: z.object({ typicalHours: z.number(), deadlineHours: z.number() }),
    unsupportedOperations: z.array(z.nativeEnum(OperationType)),
  })
  .passthrough()
  .openapi('Platform');

export const Account = z
  .object({
    id: z.string().openapi({ example: 'cmcc-main' }),
    platform: z.string(),
    carrier: z.nativeEnum(Carrier),
    label: z.string(),
    baseUrl: z.string(),
    credentialFields: z.array(z.string()).openapi({ description: 'Names of the credentials configured (never their values)' }),
    cardsFile: z.string().nullable(),
    quotas: z.record(z.unknown()).nullable(),
  })
  .openapi('Account');

export const listPlatforms = defineRoute({
  summary: 'Every registered platform: manifest with capabilities, unsupported operations, credential fields, quotas',
  responses: { 200: z.object({ items: z.array(Platform) }) },
});

export const listAccounts = defineRoute({
  summary: 'Configured carrier accounts (never any credential value)',
  responses: { 200: z.object({ items: z.array(Account) }) },
});

const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    checks: z.record(z.string()).openapi({ example: { database: 'ok (postgresql)', queue: 'ok (redis)' } }),
    accounts: z.number().int(),
  })
  .openapi('Health');

export const health = defineRoute({
  summary: 'Liveness and readiness: database reachable, accounts configured (open, no key)',
  responses: { 200: Health, 503: { schema: Health, description: 'Degraded: a dependency is down' } },
});
