import * as path from 'node:path';
import { AccountsRepository, SettingsRepository } from './accounts.repository';
import { CardsRepository } from './cards.repository';
import { CheckpointsRepository } from './checkpoints.repository';
import { openDatabase, type Db, type DbOptions } from './db';
import { EventsRepository } from './events.repository';
import { ImportsRepository } from './imports.repository';
import { migrate } from './migrations';
import { OperationsRepository } from './operations.repository';
import { PoolsRepository } from './pools.repository';
import { UsageRepository } from './usage.repository';
import { WebhooksRepository } from './webhooks.repository';

/** The store: one database, migrated, with its repositories. */
export class Store {
  readonly cards: CardsRepository;
  readonly usage: UsageRepository;
  readonly pools: PoolsRepository;
  readonly operations: OperationsRepository;
  readonly checkpoints: CheckpointsRepository;
  readonly accounts: AccountsRepository;
  readonly settings: SettingsRepository;
  readonly events: EventsRepository;
  readonly webhooks: WebhooksRepository;
  readonly imports: ImportsRepository;

  private constructor(readonly db: Db) {
    this.events = new EventsRepository(db);
    this.cards = new CardsRepository(db, this.events);
    this.usage = new UsageRepository(db, this.events);
    this.pools = new PoolsRepository(db, this.events);
    this.operations = new OperationsRepository(db, this.events);
    this.checkpoints = new CheckpointsRepository(db);
    this.accounts = new AccountsRepository(db);
    this.settings = new SettingsRepository(db);
    this.webhooks = new WebhooksRepository(db, this.events);
    this.imports = new ImportsRepository(db, this.cards, this.events);
  }

  /** Opens the database (PostgreSQL when `databaseUrl` is set, else embedded PGlite) and migrates it. */
  static async open(options: DbOptions): Promise<Store> {
    const db = await openDatabase(options);
    try {
      await migrate(db);
    } catch (e) {
      await db.close();
      throw e;
    }
    return new Store(db);
  }

  /** From the environment: DATABASE_URL, else PGlite under SIMGATE_DATA_DIR (default ./data). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
    return Store.open({
      databaseUrl: env.DATABASE_URL || null,
      dataDir: path.join(env.SIMGATE_DATA_DIR || './data', 'pglite'),
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
