import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { OperationPosition } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import type { Response } from 'express';
import { decodeCursorOf, encodeCursorOf, knownAccount } from '../common/filters';
import { ApiRoute } from '../common/openapi';
import { found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { ChargesCards, operationCost } from '../protection/card-cost';
import { SIMGATE } from '../tokens';
import { createOperationRoute, getOperation, listOperations } from './operations.schemas';
import { OperationsService, operationView } from './operations.service';

const isPosition = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations')
export class OperationsController {
  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    private readonly ops: OperationsService,
  ) {}

  @Get()
  @ApiRoute(listOperations)
  async list(@Query() query: unknown) {
    const q = parse(listOperations.query, query, 'query');
    knownAccount(this.sg, q.account);
    const cursor = q.cursor ? decodeCursorOf('o', q.cursor, isPosition) : null;
    const after: OperationPosition | null = cursor ? { createdAt: new Date(cursor[0]), id: cursor[1] } : null;
    const rows = await this.sg.store.operations.list(
      { state: q.state as never, type: q.type, accountId: q.account, since: q.since ? new Date(q.since) : undefined },
      q.limit + 1,
      after,
    );
    const more = rows.length > q.limit;
    const shown = rows.slice(0, q.limit);
    const last = shown[shown.length - 1];
    return {
      items: shown.map((o) => ({
        id: o.id,
        type: o.type,
        state: o.state,
        params: o.params,
        idempotencyKey: o.idempotencyKey,
        createdAt: o.createdAt.toISOString(),
        updatedAt: o.updatedAt.toISOString(),
        itemCount: o.itemCount,
        itemsByState: o.byState,
        inDoubtItems: o.inDoubt,
        accounts: o.accounts,
      })),
      nextCursor: more ? encodeCursorOf('o', [last.createdAt.toISOString(), last.id]) : null,
    };
  }

  @Post()
  @HttpCode(202)
  @ChargesCards(operationCost)
  @ApiRoute(createOperationRoute)
  async create(@Body() body: unknown, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    parseNoQuery(query);
    const req = parse(createOperationRoute.body, body);
    const { operation, created } = await this.ops.create(req);
    res.setHeader('idempotent-replayed', created ? 'false' : 'true');
    res.setHeader('location', `/v1/operations/${operation.id}`);
    return operationView(operation);
  }

  @Get(':id')
  @ApiRoute(getOperation)
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(getOperation.params, params, 'params');
    parseNoQuery(query);
    return operationView(await found('operation', id, this.sg.store.operations.get(id)));
  }
}
