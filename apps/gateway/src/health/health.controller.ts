import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/openapi';
import { health } from '../platforms/platforms.schemas';
import type { Response } from 'express';
import type { Simgate } from '@simgate/sync';
import { SIMGATE } from '../tokens';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  @Get('health')
  @ApiRoute(health)
  async health(@Res({ passthrough: true }) res: Response) {
    const checks: Record<string, string> = {};
    let ok = true;
    try {
      await this.sg.store.db.query('SELECT 1');
      checks.database = `ok (${this.sg.store.db.kind})`;
    } catch (e) {
      ok = false;
      checks.database = `down: ${(e as Error).message}`;
    }
    try {
      await this.sg.queue.counts();
      checks.queue = this.sg.config.redisUrl ? 'ok (redis)' : 'ok (in-process)';
    } catch (e) {
      ok = false;
      checks.queue = `down: ${(e as Error).message}`;
    }
    res.status(ok ? 200 : 503);
    return { status: ok ? ('ok' as const) : ('degraded' as const), checks, accounts: this.sg.accounts.length };
  }
}
