import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import type { Simgate } from './simgate';

export const SYNC_SIMGATE = Symbol('SYNC_SIMGATE');

/** Runs the queue processors and the schedules (@nestjs/schedule) in this process. */
@Injectable()
export class SyncWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SYNC_SIMGATE) private readonly sg: Simgate,
    private readonly schedules: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.sg.startWorker();
    this.sg.scheduler.install((name, ms, fn) => {
      const t = setInterval(fn, ms);
      t.unref?.();
      this.schedules.addInterval(name, t);
    });
    await this.sg.scheduler.kickOff();
    this.sg.logger.info({ accounts: this.sg.accounts.map((a) => a.id), intervals: this.sg.config.intervals }, 'sync worker started');
  }

  onApplicationShutdown(): void {
    for (const name of this.schedules.getIntervals()) this.schedules.deleteInterval(name);
  }
}

@Module({})
export class SyncWorkerModule {
  static forRoot(simgate: Simgate): DynamicModule {
    return {
      module: SyncWorkerModule,
      imports: [ScheduleModule.forRoot()],
      providers: [{ provide: SYNC_SIMGATE, useValue: simgate }, SyncWorkerService],
    };
  }
}
