import type { NestExpressApplication } from '@nestjs/platform-express';
import { BullJobQueue, type Simgate } from '@simgate/sync';
import type { NextFunction, Request, Response } from 'express';
import { Problem, sendProblem } from '../common/problem';
import type { GatewayOptions } from '../tokens';
import { InboundBudgets } from './budgets';
import { Protection } from './protection';
import { requestContext } from './request-context';

/**
 * Inbound protection and observability of the console API, assembled once per gateway app: the Nest guard and
 * the Express mounts below share one Protection (one set of budgets).
 */
const perApp = new WeakMap<GatewayOptions, Protection>();

export function protectionOf(sg: Simgate, options: GatewayOptions): Protection {
  let p = perApp.get(options);
  if (!p) {
    const cfg = sg.config.protection;
    p = new Protection(options.apiKeys, cfg.enabled ? new InboundBudgets(cfg, sg.redis, sg.config.redisPrefix) : null, sg.metrics);
    perApp.set(options, p);
  }
  return p;
}

/** Where the queue dashboard is served (REDIS_URL only). */
export const QUEUE_DASHBOARD_PATH = '/queues';

/**
 * Before any route: trusted proxies (which address a client has), request id and RED metrics, the access log;
 * with Redis, the queue dashboard behind the API key (Basic auth with the key as password, so a browser can
 * open it; Bearer works too). Loaded only when used: bull-board's UI is not needed otherwise.
 */
export async function installProtection(app: NestExpressApplication, sg: Simgate, options: GatewayOptions): Promise<void> {
  const cfg = sg.config.protection;
  app.set('trust proxy', cfg.trustProxy);
  app.use(requestContext(sg.metrics, cfg.accessLog ? sg.logger : null));
  if (cfg.queueDashboard && sg.queue instanceof BullJobQueue) {
    const [{ createBullBoard }, { BullAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullAdapter'),
      import('@bull-board/express'),
    ]);
    const server = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({ queues: [new BullAdapter(sg.queue.queue, { readOnlyMode: true })], serverAdapter: server, options: { uiConfig: { boardTitle: 'simgate queues' } } });
    const protection = protectionOf(sg, options);
    const guard = (req: Request, res: Response, next: NextFunction) => {
      protection
        .authenticate(req, res, true)
        .then((keyId) => protection.charge(res, keyId))
        .then(() => next())
        .catch((e: unknown) => {
          if (!(e instanceof Problem)) return next(e);
          if (e.getStatus() === 401) res.setHeader('WWW-Authenticate', 'Basic realm="simgate queues", charset="UTF-8"');
          sendProblem(req, res, e);
        });
    };
    app.use(QUEUE_DASHBOARD_PATH, guard, server.getRouter());
  }
}
