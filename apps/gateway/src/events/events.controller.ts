import { Controller, Get, Inject, Query, type OnModuleDestroy } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPES, isEventType, type SimgateEvent } from '@simgate/core';
import { Cursor, CursorExpired, InvalidCursor, type Position } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import { knownAccount } from '../common/filters';
import { ApiRoute } from '../common/openapi';
import { Problem } from '../common/problem';
import { parse } from '../common/validation';
import { SIMGATE } from '../tokens';
import { listEvents } from './events.schemas';

export { MAX_WAIT_SECONDS } from './events.schemas';

/** An event as the API and webhooks carry it. */
export function eventJson(e: SimgateEvent) {
  return {
    id: e.id,
    type: e.type,
    position: e.position,
    timestamp: e.occurredAt.toISOString(),
    accountId: e.accountId,
    subject: e.subject,
    data: e.data,
  };
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController implements OnModuleDestroy {
  /** Waiting long-polls: woken when this process commits events (others' commits are seen by polling). */
  private readonly waiters = new Set<() => void>();

  private readonly unsubscribe: () => void;

  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {
    this.unsubscribe = sg.store.events.onCommitted(() => {
      for (const w of [...this.waiters]) w();
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
    for (const w of [...this.waiters]) w();
  }

  @Get()
  @ApiRoute(listEvents)
  async list(@Query() query: unknown) {
    const q = parse(listEvents.query, query, 'query');
    let after: Position | null = null;
    if (q.after) {
      try {
        after = Cursor.decode(q.after);
      } catch (e) {
        if (e instanceof InvalidCursor) throw new Problem(400, 'INVALID_CURSOR', e.message, { field: 'query.after' });
        throw e;
      }
    }
    const types = q.types ? q.types.split(',').map((t) => t.trim()) : null;
    const unknown = types?.find((t) => !isEventType(t));
    if (unknown !== undefined) {
      throw new Problem(400, 'UNKNOWN_EVENT_TYPE', `'${unknown.slice(0, 64)}' is not an event type (${EVENT_TYPES.join(', ')})`, { field: 'query.types' });
    }
    knownAccount(this.sg, q.account);
    const deadline = Date.now() + q.waitSeconds * 1000;
    for (;;) {
      let page;
      try {
        page = await this.sg.store.events.read({ after, types, accountId: q.account ?? null, limit: q.limit });
      } catch (e) {
        if (e instanceof CursorExpired) throw new Problem(410, 'CURSOR_EXPIRED', e.message, { field: 'query.after' });
        throw e;
      }
      const left = deadline - Date.now();
      if (page.events.length || left <= 0) return { items: page.events.map(eventJson), next: page.next };
      // Nothing yet: resume from the horizon read (never skips) once woken or after a short poll.
      after = Cursor.decode(page.next);
      await this.wake(Math.min(left, 250));
    }
  }

  private wake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}
