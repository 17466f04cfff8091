/**
 * Reads of one partition's shard, as the gateway's router sees them: served in-process (role `all`) or by an
 * index node over its internal interface. `minOffset` makes the read wait (bounded) until the shard has applied
 * everything below it: the basis of `strong` and read-your-writes consistency.
 */
import type { SearchHit, ShardVector } from '../shard/shard';
import type { ShardHost } from './shard-host';
import type { ShardRuntime, ShardSearch } from './shard-runtime';

export interface ReadOptions {
  /** Wait until the shard has applied every offset below this. */
  minOffset?: number;
  /** Bound on that wait. @default 5000 */
  timeoutMs?: number;
}

export interface ShardReads {
  search(partition: number, database: string, search: ShardSearch, options?: ReadOptions): Promise<SearchHit[]>;
  get(partition: number, database: string, ids: string[], options?: ReadOptions): Promise<ShardVector[]>;
  scroll(partition: number, database: string, page: { after?: string; limit: number; filter?: unknown }, options?: ReadOptions): Promise<ShardVector[]>;
  count(partition: number, database: string, filter: unknown, options?: ReadOptions): Promise<number>;
}

/** Reads served by the shard host in this process. */
export class LocalShardReads implements ShardReads {
  constructor(
    private readonly host: ShardHost,
    private readonly runtime: ShardRuntime,
  ) {}

  async search(partition: number, database: string, search: ShardSearch, options: ReadOptions = {}): Promise<SearchHit[]> {
    await this.settle(partition, options);
    return this.runtime.search(partition, database, search);
  }

  async get(partition: number, database: string, ids: string[], options: ReadOptions = {}): Promise<ShardVector[]> {
    await this.settle(partition, options);
    return this.runtime.get(partition, database, ids);
  }

  async scroll(partition: number, database: string, page: { after?: string; limit: number; filter?: unknown }, options: ReadOptions = {}): Promise<ShardVector[]> {
    await this.settle(partition, options);
    return this.runtime.scroll(partition, database, page);
  }

  async count(partition: number, database: string, filter: unknown, options: ReadOptions = {}): Promise<number> {
    await this.settle(partition, options);
    return this.runtime.count(partition, database, filter);
  }

  private settle(partition: number, options: ReadOptions): Promise<void> {
    return this.host.waitForOffset(partition, options.minOffset ?? 0, options.timeoutMs ?? 5_000);
  }
}
