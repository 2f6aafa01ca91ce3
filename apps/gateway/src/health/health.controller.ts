import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Simgate } from '@simgate/sync';
import { SIMGATE } from '../tokens';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness and readiness: database reachable, accounts configured (open, no key)' })
  async health(@Res() res: Response): Promise<void> {
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
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks, accounts: this.sg.accounts.length });
  }
}
