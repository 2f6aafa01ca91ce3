import { CardStatus, Carrier, SuspendReason, isIccid } from '@simgate/core';
import { defineRoute, page } from '../common/openapi';
import { calendarDay } from '../common/validation';
import { z } from '../common/zod';

/** Cards (docs/api.md): the list, the CSV export, one card, its history, usage and diagnosis. */

const ICCID_EXAMPLE = '89860012345678901238';
/** A time with the platform's offset (Asia/Shanghai +08:00 for Chinese platforms, UTC for overseas). */
const zoned = z.string().openapi({ format: 'date-time', example: '2026-12-01T00:00:00.000+08:00' });
const nzoned = zoned.nullable();
const bytes = z.number().int().openapi({ format: 'int64' });

export const iccidParam = z
  .object({ iccid: z.string().refine(isIccid, 'not a valid ICCID (19–20 digits, 89 prefix, Luhn check digit)').openapi({ example: ICCID_EXAMPLE }) })
  .strict();

export const filterShape = {
  platform: z.string().min(1).max(64).optional().openapi({ description: 'A registered platform id (GET /v1/platforms); another is a 400 UNKNOWN_PLATFORM', example: 'cmcc-onelink' }),
  account: z.string().min(1).max(64).optional().openapi({ description: 'A configured account id (GET /v1/accounts); another is a 400 UNKNOWN_ACCOUNT', example: 'cmcc-main' }),
  carrier: z.nativeEnum(Carrier).optional(),
  status: z.nativeEnum(CardStatus).optional(),
  reason: z.nativeEnum(SuspendReason).optional(),
  pool: z.string().min(1).max(200).optional().openapi({ description: "A pool's API id `<accountId>:<poolId>` (as /v1/pools names it) or the carrier's pool id" }),
  q: z.string().regex(/^\d{1,20}$/, 'q is a prefix of an ICCID or MSISDN: digits only').optional().openapi({ description: 'ICCID or MSISDN prefix' }),
};

export const listQuery = z
  .object({
    ...filterShape,
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(200).optional().openapi({ description: 'The `nextCursor` of the previous page' }),
  })
  .strict();

export const exportQuery = z
  .object({ ...filterShape, format: z.literal('csv').default('csv'), limit: z.coerce.number().int().min(1).max(500_000).default(500_000) })
  .strict();

export const usageQuery = z
  .object({ granularity: z.enum(['day', 'cycle']).default('cycle'), from: calendarDay.optional(), to: calendarDay.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

const reason = z.nativeEnum(SuspendReason);
const DateBasis = z.enum(['CARRIER', 'RULE', 'ESTIMATED']).nullable();
const Recovery = z.object({ actor: z.string(), action: z.string(), resumeAllowed: z.boolean(), liftsAtNextCycle: z.boolean(), recoverable: z.boolean() });

export const CurrentUsage = z
  .object({ cycleStart: nzoned, cycleEnd: nzoned, usedBytes: bytes, quotaBytes: bytes.nullable(), remainingBytes: bytes.nullable().openapi({ description: 'Negative when over the quota' }), asOf: nzoned })
  .openapi('CurrentUsage');

export const Card = z
  .object({
    iccid: z.string().openapi({ example: ICCID_EXAMPLE }),
    msisdn: z.string().nullable().openapi({ example: '1440012345678' }),
    imsi: z.string().nullable(),
    imei: z.string().nullable(),
    carrier: z.nativeEnum(Carrier),
    platform: z.string().openapi({ example: 'cmcc-onelink' }),
    accountId: z.string().openapi({ example: 'cmcc-main' }),
    status: z.nativeEnum(CardStatus),
    suspendReason: reason.nullable(),
    suspendReasons: z.array(reason),
    recovery: Recovery.nullable().openapi({ description: 'What brings the card back, for its primary suspend reason' }),
    rawStatus: z.string().nullable().openapi({ description: "The carrier's status code as it sent it" }),
    rawReason: z.string().nullable(),
    plan: z.record(z.unknown()).nullable(),
    poolId: z.string().nullable(),
    activatedAt: nzoned,
    openedAt: nzoned.openapi({ description: "The opening (开户) the forecast counts from: the carrier's date, or (1NCE, which gives none) simgate's first sight of a card never activated; `forecast.basis.openedAt` says which" }),
    expiresAt: nzoned,
    usage: CurrentUsage.nullable(),
    statusSyncedAt: nzoned,
    usageSyncedAt: nzoned,
    forecast: z
      .object({
        testEndsAt: nzoned,
        forcedActivationAt: nzoned,
        expiresAt: nzoned,
        cancellationAt: nzoned,
        testEndsBy: z.enum(['TIME', 'VOLUME']).nullable().openapi({ description: 'The test period ends by time (opening + test months) or by volume (6 MB used)' }),
        basis: z
          .object({ openedAt: z.enum(['CARRIER', 'ESTIMATED']).nullable(), testEndsAt: DateBasis, forcedActivationAt: DateBasis, expiresAt: DateBasis, cancellationAt: DateBasis })
          .openapi('ForecastBasis', {
            description:
              "Per date: CARRIER (the carrier states it), RULE (domain rule on dates the carrier states and values the account declares), ESTIMATED (rests on a default or an estimate); null when the date is null",
          }),
      })
      .openapi({ description: 'Lifecycle dates in the platform zone (domain rules, docs/architecture.md); `basis` says where each comes from' }),
    syncError: z.record(z.unknown()).nullable(),
  })
  .openapi('Card');

export const CardPage = page(Card)
  .extend({ feedPosition: z.string().openapi({ description: 'Follow GET /v1/events?after=<it> to stay in step with this page' }) })
  .openapi('CardPage');

const filterProblems = { 400: ['INVALID_CURSOR', 'UNKNOWN_PLATFORM', 'UNKNOWN_ACCOUNT'] } as const;

export const listCards = defineRoute({
  summary: 'List cards with filters; keyset paging by cursor',
  query: listQuery,
  responses: { 200: CardPage },
  problems: filterProblems,
});

export const exportCards = defineRoute({
  summary: 'Export the filtered list as CSV (streamed, up to 500,000 rows)',
  description: 'Numbers are written as numbers; a text cell starting with = + - @ is prefixed with a quote (formula neutralising).',
  query: exportQuery,
  responses: {
    200: {
      schema: z.string().openapi({ example: 'iccid,msisdn,…,remainingBytes,…\n89860012345678901238,1440012345678,…,-5242880,…\n' }),
      contentType: 'text/csv',
      description: 'The cards, one a line, with a header line',
      headers: { 'simgate-feed-position': 'The feed position before the first read: follow GET /v1/events?after=<it>' },
    },
  },
  problems: { 400: ['UNKNOWN_PLATFORM', 'UNKNOWN_ACCOUNT'] },
});

const notFound = { 404: ['CARD_NOT_FOUND'] } as const;

export const getCard = defineRoute({
  summary: 'One card: normalized status and reason with recovery, raw values, usage, freshness, forecast',
  params: iccidParam,
  responses: { 200: Card },
  problems: notFound,
});

export const StatusChange = z
  .object({
    iccid: z.string(),
    accountId: z.string(),
    prevStatus: z.nativeEnum(CardStatus).nullable(),
    prevReason: reason.nullable(),
    status: z.nativeEnum(CardStatus),
    suspendReason: reason.nullable(),
    suspendReasons: z.array(reason),
    rawStatus: z.string(),
    rawReason: z.string().nullable(),
    asOf: zoned,
    observedAt: zoned,
  })
  .openapi('StatusChange');

export const cardHistory = defineRoute({
  summary: 'Status changes of a card, newest first, with raw values',
  params: iccidParam,
  responses: { 200: z.object({ items: z.array(StatusChange) }) },
  problems: notFound,
});

const CycleUsage = z.object({
  iccid: z.string(),
  granularity: z.literal('cycle'),
  items: z.array(z.object({ cycleStart: zoned, cycleEnd: zoned, usedBytes: bytes, quotaBytes: bytes.nullable(), remainingBytes: bytes.nullable(), asOf: zoned })),
});
const DailyUsage = z.object({
  iccid: z.string(),
  granularity: z.literal('day'),
  from: z.string().openapi({ format: 'date' }),
  to: z.string().openapi({ format: 'date' }),
  fetched: z.boolean().openapi({ description: 'Read from the carrier now (nothing stored for those days)' }),
  items: z.array(z.object({ day: z.string().openapi({ format: 'date' }), usedBytes: bytes })),
});

export const cardUsage = defineRoute({
  summary: 'Usage per billing cycle, or per day (fetched from the carrier when missing)',
  params: iccidParam,
  query: usageQuery,
  responses: { 200: z.discriminatedUnion('granularity', [CycleUsage, DailyUsage]).openapi('CardUsage') },
  problems: { ...notFound, 422: ['COST_OVER_BUDGET', 'CARRIER_NOT_SUPPORTED', 'CARRIER_REJECTED'], 502: ['CARRIER_RATE_LIMITED', 'CARRIER_AUTH_EXPIRED', 'CARRIER_TRANSIENT', 'CARRIER_UNAVAILABLE'] },
});

export const cardDiagnosis = defineRoute({
  summary: 'Troubleshooting (domain.md §8) evaluated for this card',
  params: iccidParam,
  responses: {
    200: z.object({
      iccid: z.string(),
      verdict: z.enum(['PASS', 'FAIL', 'WARN', 'INFO']),
      checks: z.array(z.object({ step: z.number().int().min(1).max(8).openapi({ description: "The step of the troubleshooting checklist (1–8) the check belongs to; several checks can share a step" }), check: z.string(), result: z.enum(['PASS', 'FAIL', 'WARN', 'INFO']), detail: z.string(), action: z.string().nullable() })),
    }),
  },
  problems: notFound,
});
