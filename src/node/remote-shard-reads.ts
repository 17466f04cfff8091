/**
 * Shard reads served by an index node over its internal interface (the gateway's side of it).
 * Errors come back in the common body shape and are rethrown as JadeErrors with the same code.
 */
import { JadeError, jadeError, type ErrorCode } from '../errors';
import type { SearchHit, ShardVector } from '../shard/shard';
import type { PartitionStatus } from './shard-host';
import type { ReadOptions, ShardReads } from './shard-reads';
import type { ShardSearch } from './shard-runtime';

export interface IndexNodeStatus {
  nodeId: string;
  replicaGroup: number;
  ready: boolean;
  partitions: PartitionStatus[];
}

export class RemoteShardReads implements ShardReads {
  constructor(
    /** Base URL of the index node, e.g. `http://127.0.0.1:8081`. */
    readonly baseUrl: string,
    private readonly clusterSecret: string,
    /** Bound on one HTTP exchange (on top of any consistency wait). @default 10000 */
    private readonly requestTimeoutMs = 10_000,
  ) {}

  status(): Promise<IndexNodeStatus> {
    return this.call('GET', '/internal/v1/status');
  }

  async search(partition: number, database: string, search: ShardSearch, options: ReadOptions = {}): Promise<SearchHit[]> {
    const vector = search.vector instanceof Float32Array ? Array.from(search.vector) : search.vector;
    const body = await this.call<{ hits: SearchHit[] }>('POST', `/internal/v1/partitions/${partition}/search`, { database, search: { ...search, vector }, ...options }, options);
    return body.hits;
  }

  async get(partition: number, database: string, ids: string[], options: ReadOptions = {}): Promise<ShardVector[]> {
    const body = await this.call<{ vectors: ShardVector[] }>('POST', `/internal/v1/partitions/${partition}/get`, { database, ids, ...options }, options);
    return body.vectors;
  }

  async scroll(partition: number, database: string, page: { after?: string; limit: number; filter?: unknown }, options: ReadOptions = {}): Promise<ShardVector[]> {
    const body = await this.call<{ vectors: ShardVector[] }>('POST', `/internal/v1/partitions/${partition}/scroll`, { database, ...page, ...options }, options);
    return body.vectors;
  }

  async count(partition: number, database: string, filter: unknown, options: ReadOptions = {}): Promise<number> {
    const body = await this.call<{ count: number }>(
      'POST',
      `/internal/v1/partitions/${partition}/count`,
      { database, ...(filter === undefined ? {} : { filter }), ...options },
      options,
    );
    return body.count;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, options: ReadOptions = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.clusterSecret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.requestTimeoutMs + (options.timeoutMs ?? 0)),
      });
    } catch (err) {
      throw jadeError('JADE_ERR_NODE_UNREACHABLE', [this.baseUrl, (err as Error).message], { cause: err });
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload as T;
    const error = payload as { code?: string; message?: string } | undefined;
    if (error?.code?.startsWith('JADE_ERR_') === true) {
      const rethrown = new JadeError(error.code as ErrorCode, [], { context: { node: this.baseUrl } });
      rethrown.message = error.message ?? rethrown.message;
      throw rethrown;
    }
    throw jadeError('JADE_ERR_NODE_UNREACHABLE', [this.baseUrl, `HTTP ${response.status}`]);
  }
}
