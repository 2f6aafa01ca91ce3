import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Simgate } from '@simgate/sync';
import type { Response } from 'express';
import { z } from 'zod';
import { found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { SIMGATE } from '../tokens';
import { OperationsService, createOperation, operationView } from './operations.service';

const idParam = z.object({ id: z.string().uuid('an operation id is a UUID') }).strict();

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations')
export class OperationsController {
  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    private readonly ops: OperationsService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit activate / suspend / resume / rebind / usage-cap orders; the same idempotencyKey is never submitted twice',
  })
  async create(@Body() body: unknown, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    parseNoQuery(query);
    const req = parse(createOperation, body);
    const { operation, created } = await this.ops.create(req);
    res.setHeader('idempotent-replayed', created ? 'false' : 'true');
    res.setHeader('location', `/v1/operations/${operation.id}`);
    return operationView(operation);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An operation and the state of each card in it' })
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(idParam, params, 'params');
    parseNoQuery(query);
    return operationView(await found('operation', id, this.sg.store.operations.get(id)));
  }
}
