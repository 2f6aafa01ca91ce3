import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { SyncWorkerModule, type Simgate } from '@simgate/sync';
import { ContractInterceptor } from './common/contract';
import { ProblemFilter } from './common/problem';
import { CardsController } from './cards/cards.controller';
import { CardsService } from './cards/cards.service';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { ImportController } from './imports/import.controller';
import { MetricsController } from './metrics/metrics.controller';
import { OperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { PlatformsController } from './platforms/platforms.controller';
import { PoolsController } from './pools/pools.controller';
import { ProtectionGuard } from './protection/protection.guard';
import { protectionOf } from './protection/protection.module';
import { requestIdOf } from './protection/request-context';
import { SyncController } from './sync/sync.controller';
import { GATEWAY_OPTIONS, SIMGATE, type GatewayOptions } from './tokens';
import { WebhooksController } from './webhooks/webhooks.controller';

/** The console API: features as controllers with their services; the assembled Simgate is provided as a value. */
@Module({})
export class GatewayModule {
  static forRoot(simgate: Simgate, options: GatewayOptions & { worker?: boolean }): DynamicModule {
    return {
      module: GatewayModule,
      imports: options.worker ? [SyncWorkerModule.forRoot(simgate)] : [],
      controllers: [
        HealthController,
        MetricsController,
        PlatformsController,
        CardsController,
        PoolsController,
        OperationsController,
        ImportController,
        SyncController,
        EventsController,
        WebhooksController,
      ],
      providers: [
        { provide: SIMGATE, useValue: simgate },
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: APP_GUARD, inject: [Reflector], useFactory: (r: Reflector) => new ProtectionGuard(protectionOf(simgate, options), r, simgate) },
        {
          provide: APP_FILTER,
          useFactory: () => new ProblemFilter((err, req) => simgate.logger.error({ err: err instanceof Error ? err.message : String(err), requestId: requestIdOf(req), path: req.path }, 'request failed')),
        },
        // On in the end-to-end suite (its Jest project sets SIMGATE_CONTRACT_CHECK=true), never by default.
        ...((options.contractCheck ?? process.env.SIMGATE_CONTRACT_CHECK === 'true')
          ? [{ provide: APP_INTERCEPTOR, useFactory: () => new ContractInterceptor((message) => simgate.logger.error({ message }, 'response contract violation')) }]
          : []),
        CardsService,
        OperationsService,
      ],
    };
  }
}
