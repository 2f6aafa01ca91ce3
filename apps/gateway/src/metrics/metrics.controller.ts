import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Simgate } from '@simgate/sync';
import { bearerMatches } from '../common/auth.guard';
import { Problem } from '../common/problem';
import { GATEWAY_OPTIONS, SIMGATE, type GatewayOptions } from '../tokens';

/** Prometheus exposition; open unless SIMGATE_METRICS_TOKEN is set. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Get('metrics')
  async metrics(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.options.metricsToken) {
      const r = bearerMatches(req.headers.authorization, [this.options.metricsToken]);
      if (r !== 'ok') throw new Problem(401, r === 'missing' ? 'AUTH_MISSING' : 'AUTH_INVALID', 'send Authorization: Bearer <metrics token>');
    }
    res.setHeader('content-type', this.sg.metrics.contentType);
    res.send(await this.sg.metrics.render());
  }
}
