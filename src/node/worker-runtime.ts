/**
 * Shards spread over worker threads (partition p lives in worker p mod N), so HNSW inserts and searches use every
 * core and never block the main thread's event loop. Catalog records are broadcast to every worker.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { JadeError, type ErrorCode } from '../errors';
import type { ConsumedRecord } from '../log/backbone';
import type { RecordCodecOptions } from '../log/codec';
import type { DatabaseEventRecord } from '../log/records';
import type { ApplyResult, HeldDatabaseInfo, PendingRepair, SearchHit, ShardVector } from '../shard/shard';
import type { ApplyOptions, BacklogOptions, OpenedShard, OpenShardRequest, ShardRuntime, ShardSearch } from './shard-runtime';

interface WorkerError {
  code?: ErrorCode;
  message: string;
  retriable?: boolean;
  context?: Record<string, unknown>;
  stack?: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

class ShardThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private exitError: Error | undefined;

  constructor(codecOptions: RecordCodecOptions, backlog: Partial<BacklogOptions>) {
    // From dist the worker is plain JavaScript; from sources (tests, tsx) it is TypeScript, loaded through tsx's
    // require hook (a dev dependency, never needed in production).
    const entry = path.join(__dirname, `shard-worker${path.extname(__filename)}`);
    this.worker = entry.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: { codecOptions, backlog } })
      : new Worker(entry, { workerData: { codecOptions, backlog } });
    this.worker.on('message', (message: { id: number; result?: unknown; error?: WorkerError }) => {
      const call = this.pending.get(message.id);
      if (call === undefined) return;
      this.pending.delete(message.id);
      if (message.error === undefined) call.resolve(message.result);
      else call.reject(reviveError(message.error));
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`shard worker exited with code ${code}`)));
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.exitError !== undefined) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    this.exitError ??= err;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}

function reviveError(error: WorkerError): Error {
  if (error.code !== undefined) {
    const revived = new JadeError(error.code, [], { ...(error.retriable === undefined ? {} : { retriable: error.retriable }), context: error.context ?? {} });
    revived.message = error.message;
    return revived;
  }
  const revived = new Error(error.message);
  if (error.stack !== undefined) revived.stack = error.stack;
  return revived;
}

const asBuffer = (bytes: Uint8Array | null): Buffer | null => (bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

export interface WorkerShardRuntimeOptions {
  /** Worker threads. @default the number of cores (at least 1) */
  threads?: number;
  codecOptions?: RecordCodecOptions;
  /** How each thread links applied vectors into graphs in the background. @default DEFAULT_BACKLOG */
  backlog?: Partial<BacklogOptions>;
}

export class WorkerShardRuntime implements ShardRuntime {
  private readonly threads: ShardThread[];

  constructor(options: WorkerShardRuntimeOptions = {}) {
    const count = Math.max(1, options.threads ?? os.availableParallelism());
    this.threads = Array.from({ length: count }, () => new ShardThread(options.codecOptions ?? {}, options.backlog ?? {}));
  }

  async applyCatalog(offset: number, event: DatabaseEventRecord | null): Promise<void> {
    await Promise.all(this.threads.map((t) => t.call('applyCatalog', offset, event)));
  }
  open(request: OpenShardRequest): Promise<OpenedShard> {
    return this.thread(request.partition).call('open', request);
  }
  async apply(partition: number, records: ConsumedRecord[], options: ApplyOptions): Promise<ApplyResult> {
    const result = await this.thread(partition).call<ApplyResult>('apply', partition, records, options);
    for (const letter of result.deadLetters) {
      letter.key = asBuffer(letter.key);
      letter.value = asBuffer(letter.value);
    }
    return result;
  }
  search(partition: number, database: string, search: ShardSearch): Promise<SearchHit[]> {
    return this.thread(partition).call('search', partition, database, search);
  }
  get(partition: number, database: string, ids: string[]): Promise<ShardVector[]> {
    return this.thread(partition).call('get', partition, database, ids);
  }
  scroll(partition: number, database: string, options: { after?: string; limit: number; filter?: unknown }): Promise<ShardVector[]> {
    return this.thread(partition).call('scroll', partition, database, options);
  }
  count(partition: number, database: string, filter?: unknown): Promise<number> {
    return this.thread(partition).call('count', partition, database, filter);
  }
  databases(partition: number): Promise<HeldDatabaseInfo[]> {
    return this.thread(partition).call('databases', partition);
  }
  erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }): Promise<string[]> {
    return this.thread(partition).call('erasureIds', partition, incarnation, options);
  }
  pendingRepairs(partition: number, limit: number): Promise<PendingRepair[]> {
    return this.thread(partition).call('pendingRepairs', partition, limit);
  }
  snapshotParts(partition: number, storeFile: string, indexDir: string): Promise<{ nextOffset: number; indexFiles: [number, string][] }> {
    return this.thread(partition).call('snapshotParts', partition, storeFile, indexDir);
  }
  close(partition: number): Promise<void> {
    return this.thread(partition).call('close', partition);
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.call('shutdown').catch(() => undefined)));
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private thread(partition: number): ShardThread {
    return this.threads[partition % this.threads.length]!;
  }
}
