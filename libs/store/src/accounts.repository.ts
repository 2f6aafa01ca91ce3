import type { Carrier } from '@simgate/core';
import type { Db } from './db';

/** Carrier accounts as stored: never credentials (those stay in the accounts file, in memory). */
export interface StoredAccount {
  id: string;
  platform: string;
  carrier: Carrier;
  baseUrl: string;
}

export class AccountsRepository {
  constructor(private readonly db: Db) {}

  async upsert(accounts: readonly StoredAccount[]): Promise<void> {
    for (const a of accounts) {
      await this.db.query(
        `INSERT INTO carrier_accounts (id, platform, carrier, base_url) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET platform = EXCLUDED.platform, carrier = EXCLUDED.carrier, base_url = EXCLUDED.base_url,
           updated_at = now()
         WHERE (carrier_accounts.platform, carrier_accounts.carrier, carrier_accounts.base_url)
           IS DISTINCT FROM (EXCLUDED.platform, EXCLUDED.carrier, EXCLUDED.base_url)`,
        [a.id, a.platform, a.carrier, a.baseUrl],
      );
    }
  }

  async list(): Promise<StoredAccount[]> {
    const r = await this.db.query<{ id: string; platform: string; carrier: string; base_url: string }>(
      `SELECT id, platform, carrier, base_url FROM carrier_accounts ORDER BY id`,
    );
    return r.rows.map((x) => ({ id: x.id, platform: x.platform, carrier: x.carrier as Carrier, baseUrl: x.base_url }));
  }
}

/** Small key/value settings (e.g. the generated embedded API key). */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async get<T>(key: string): Promise<T | null> {
    const r = await this.db.query<{ value: T }>(`SELECT value FROM settings WHERE key = $1`, [key]);
    return r.rows[0]?.value ?? null;
  }

  /** Stores `value` unless the key exists; returns the value that is stored now. */
  async getOrCreate<T>(key: string, value: T): Promise<T> {
    await this.db.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING`, [key, JSON.stringify(value)]);
    return (await this.get<T>(key)) as T;
  }
}
