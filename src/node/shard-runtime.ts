/**
 * Where shards run. The index node talks to its shards through this async interface; `WorkerShardRuntime`
 * spreads them over worker threads so HNSW inserts and searches never stall the event loop that serves requests
 * and heartbeats, and `InProcessShardRuntime` runs them inline (tests, tiny deployments).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CatalogState } from '../catalog/catalog-state';
import type { ConsumedRecord } from '../log/backbone';
import { RecordCodec, type RecordCodecOptions } from '../log/codec';
import type { DatabaseEventRecord } from '../log/records';
import { compileFilter } from '../shard/filter';
import { Keyring, type KeyringData } from '../security/crypto';
import { VectorStore } from '../shard/vector-store';
import { Shard, type ApplyResult, type DroppedIncarnation, type HeldDatabaseInfo, type PendingErasure, type SearchHit, type ShardVector } from '../shard/shard';

/** A search as it crosses to a worker: plain data (the filter is compiled on the other side). */
export interface ShardSearch {
  vector: number[] | Float32Array;
  topK: number;
  efSearch?: number;
  exact?: boolean;
  filter?: unknown;
  includeValues?: boolean;
  includeMetadata?: boolean;
}

export interface OpenShardRequest {
  partition: number;
  partitionCount: number;
  /** Live store directory; emptied first. */
  dir: string;
  /** A verified snapshot to start from: its store file is copied into `dir`, its index files loaded. */
  snapshot?: { storeFile: string; indexFiles: [number, string][] };
  /** Encryption keys (plain data: it crosses to worker threads): the live store is encrypted, payloads opened. */
  keyring?: KeyringData;
}

export interface OpenedShard {
  nextOffset: number;
  awaitingErasure: DroppedIncarnation[];
  databases: HeldDatabaseInfo[];
}

export interface ShardRuntime {
  /** Applies a catalog record (in offset order) to the runtime's copy of the catalog. */
  applyCatalog(offset: number, event: DatabaseEventRecord | null): Promise<void>;
  open(request: OpenShardRequest): Promise<OpenedShard>;
  apply(partition: number, records: ConsumedRecord[], options: { catalogComplete: boolean }): Promise<ApplyResult>;
  search(partition: number, database: string, search: ShardSearch): Promise<SearchHit[]>;
  get(partition: number, database: string, ids: string[]): Promise<ShardVector[]>;
  scroll(partition: number, database: string, options: { after?: string; limit: number; filter?: unknown }): Promise<ShardVector[]>;
  count(partition: number, database: string, filter?: unknown): Promise<number>;
  databases(partition: number): Promise<HeldDatabaseInfo[]>;
  pendingErasures(partition: number): Promise<PendingErasure[]>;
  snapshotParts(partition: number, storeFile: string, indexDir: string): Promise<{ nextOffset: number; indexFiles: [number, string][] }>;
  close(partition: number): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The shards of one thread, with that thread's copy of the catalog. Both runtimes use it: the in-process one
 * directly, the worker one inside each worker thread.
 */
export class ShardSet {
  readonly catalog = new CatalogState();
  private readonly shards = new Map<number, Shard>();
  private readonly codec: RecordCodec;

  constructor(codecOptions: RecordCodecOptions = {}) {
    this.codec = RecordCodec.load(codecOptions);
  }

  applyCatalog(offset: number, event: DatabaseEventRecord | null): void {
    if (offset < this.catalog.nextOffset) return;
    if (event === null) this.catalog.advanceTo(offset + 1);
    else this.catalog.apply(offset, event);
  }

  async open(request: OpenShardRequest): Promise<OpenedShard> {
    await this.close(request.partition);
    fs.rmSync(request.dir, { recursive: true, force: true });
    fs.mkdirSync(request.dir, { recursive: true });
    const keyring = request.keyring === undefined ? undefined : Keyring.from(request.keyring);
    if (request.snapshot !== undefined) {
      await VectorStore.restore(request.snapshot.storeFile, request.dir, keyring === undefined ? {} : { encryptionKey: keyring.lmdbKey()! });
    }
    const shard = Shard.open(
      {
        partition: request.partition,
        partitionCount: request.partitionCount,
        dir: request.dir,
        codec: this.codec,
        catalog: this.catalog,
        ...(keyring === undefined ? {} : { keyring }),
      },
      new Map(request.snapshot?.indexFiles ?? []),
    );
    this.shards.set(request.partition, shard);
    return { nextOffset: shard.nextOffset, awaitingErasure: shard.awaitingErasure(), databases: shard.databases() };
  }

  apply(partition: number, records: ConsumedRecord[], options: { catalogComplete: boolean }): ApplyResult {
    return this.shard(partition).apply(records, options);
  }

  search(partition: number, database: string, search: ShardSearch): SearchHit[] {
    return this.shard(partition).search(database, {
      vector: search.vector instanceof Float32Array ? search.vector : Float32Array.from(search.vector),
      topK: search.topK,
      ...(search.efSearch === undefined ? {} : { efSearch: search.efSearch }),
      ...(search.exact === undefined ? {} : { exact: search.exact }),
      ...(search.filter === undefined ? {} : { filter: compileFilter(search.filter) }),
      ...(search.includeValues === undefined ? {} : { includeValues: search.includeValues }),
      ...(search.includeMetadata === undefined ? {} : { includeMetadata: search.includeMetadata }),
    });
  }

  get(partition: number, database: string, ids: string[]): ShardVector[] {
    return this.shard(partition).get(database, ids);
  }

  scroll(partition: number, database: string, options: { after?: string; limit: number; filter?: unknown }): ShardVector[] {
    return this.shard(partition).scroll(database, {
      limit: options.limit,
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.filter === undefined ? {} : { filter: compileFilter(options.filter) }),
    });
  }

  count(partition: number, database: string, filter?: unknown): number {
    return this.shard(partition).count(database, filter === undefined ? undefined : compileFilter(filter));
  }

  databases(partition: number): HeldDatabaseInfo[] {
    return this.shard(partition).databases();
  }

  pendingErasures(partition: number): PendingErasure[] {
    return this.shard(partition).pendingErasures();
  }

  async snapshotParts(partition: number, storeFile: string, indexDir: string): Promise<{ nextOffset: number; indexFiles: [number, string][] }> {
    const shard = this.shard(partition);
    const files = await shard.writeSnapshotParts(storeFile, (incarnation) => path.join(indexDir, `index-${incarnation}.hnsw`));
    return { nextOffset: shard.nextOffset, indexFiles: [...files] };
  }

  async close(partition: number): Promise<void> {
    const shard = this.shards.get(partition);
    this.shards.delete(partition);
    await shard?.close();
  }

  async closeAll(): Promise<void> {
    for (const partition of [...this.shards.keys()]) await this.close(partition);
  }

  private shard(partition: number): Shard {
    const shard = this.shards.get(partition);
    if (shard === undefined) throw new Error(`partition ${partition} is not open in this runtime`);
    return shard;
  }
}

/** Runs every shard on the calling thread. */
export class InProcessShardRuntime implements ShardRuntime {
  private readonly set: ShardSet;

  constructor(codecOptions: RecordCodecOptions = {}) {
    this.set = new ShardSet(codecOptions);
  }

  applyCatalog(offset: number, event: DatabaseEventRecord | null): Promise<void> {
    this.set.applyCatalog(offset, event);
    return Promise.resolve();
  }
  open(request: OpenShardRequest): Promise<OpenedShard> {
    return this.set.open(request);
  }
  apply(partition: number, records: ConsumedRecord[], options: { catalogComplete: boolean }): Promise<ApplyResult> {
    return Promise.resolve().then(() => this.set.apply(partition, records, options));
  }
  search(partition: number, database: string, search: ShardSearch): Promise<SearchHit[]> {
    return Promise.resolve().then(() => this.set.search(partition, database, search));
  }
  get(partition: number, database: string, ids: string[]): Promise<ShardVector[]> {
    return Promise.resolve().then(() => this.set.get(partition, database, ids));
  }
  scroll(partition: number, database: string, options: { after?: string; limit: number; filter?: unknown }): Promise<ShardVector[]> {
    return Promise.resolve().then(() => this.set.scroll(partition, database, options));
  }
  count(partition: number, database: string, filter?: unknown): Promise<number> {
    return Promise.resolve().then(() => this.set.count(partition, database, filter));
  }
  databases(partition: number): Promise<HeldDatabaseInfo[]> {
    return Promise.resolve().then(() => this.set.databases(partition));
  }
  pendingErasures(partition: number): Promise<PendingErasure[]> {
    return Promise.resolve().then(() => this.set.pendingErasures(partition));
  }
  snapshotParts(partition: number, storeFile: string, indexDir: string): Promise<{ nextOffset: number; indexFiles: [number, string][] }> {
    return this.set.snapshotParts(partition, storeFile, indexDir);
  }
  close(partition: number): Promise<void> {
    return this.set.close(partition);
  }
  shutdown(): Promise<void> {
    return this.set.closeAll();
  }
}
