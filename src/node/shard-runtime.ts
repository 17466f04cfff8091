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
import { Shard, type ApplyResult, type DroppedIncarnation, type HeldDatabaseInfo, type PendingRepair, type SearchHit, type ShardVector } from '../shard/shard';

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
  /** Ids whose newest record does not carry their state (see `Shard.pendingRepairs`). */
  unsettled: number;
}

export interface ApplyOptions {
  /** The catalog has just caught up with its topic's end, so a marker it cannot confirm is void. */
  catalogComplete: boolean;
  /** The partition is replaying towards the log's end and not serving yet: its backlog may grow larger. */
  catchingUp?: boolean;
}

export interface ShardRuntime {
  /** Applies a catalog record (in offset order) to the runtime's copy of the catalog. */
  applyCatalog(offset: number, event: DatabaseEventRecord | null): Promise<void>;
  open(request: OpenShardRequest): Promise<OpenedShard>;
  apply(partition: number, records: ConsumedRecord[], options: ApplyOptions): Promise<ApplyResult>;
  search(partition: number, database: string, search: ShardSearch): Promise<SearchHit[]>;
  get(partition: number, database: string, ids: string[]): Promise<ShardVector[]>;
  scroll(partition: number, database: string, options: { after?: string; limit: number; filter?: unknown }): Promise<ShardVector[]>;
  count(partition: number, database: string, filter?: unknown): Promise<number>;
  databases(partition: number): Promise<HeldDatabaseInfo[]>;
  /** A page of the ids of a dropped incarnation, for replica group 0 to tombstone (see `Shard.erasureIds`). */
  erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }): Promise<string[]>;
  /** Up to `limit` unsettled ids with their state, for replica group 0 to settle (see `Shard.pendingRepairs`). */
  pendingRepairs(partition: number, limit: number): Promise<PendingRepair[]>;
  snapshotParts(partition: number, storeFile: string, indexDir: string): Promise<{ nextOffset: number; indexFiles: [number, string][] }>;
  close(partition: number): Promise<void>;
  shutdown(): Promise<void>;
}

/** How a runtime links applied vectors into their graphs in the background (see `ShardSet`). */
export interface BacklogOptions {
  /**
   * Most vector values (vectors x dimension) a shard may hold applied but not linked into a graph. Past it, applying
   * waits for the indexer, so the log's consumer slows to the speed of graph building; below it, a write is
   * searchable as soon as it is applied. Every search scans the backlog exactly, so this bounds that cost.
   */
  maxValues: number;
  /**
   * The limit while a partition catches up (it serves no searches before it is ready): a replay then runs at the
   * speed of reading the log, and the graph is built while the partition serves.
   */
  catchUpMaxValues: number;
  /** Longest stretch of linking between two looks at the thread's queue of requests (ms). */
  sliceMs: number;
}

/** 1M values: 7,812 vectors at 128-d (an exact scan of them costs about a millisecond); 64M while catching up. */
export const DEFAULT_BACKLOG: Readonly<BacklogOptions> = Object.freeze({ maxValues: 1_000_000, catchUpMaxValues: 64_000_000, sliceMs: 5 });

/**
 * The shards of one thread, with that thread's copy of the catalog. Both runtimes use it: the in-process one
 * directly, the worker one inside each worker thread.
 *
 * Applying a batch stores its vectors and makes them searchable (the backlog of each index, scanned exactly);
 * linking them into the HNSW graphs happens in slices of `sliceMs` between requests, so a search waits for one
 * slice at most, never for a whole batch of graph insertions, and a shard that replays its log (recovery, a
 * partition taken over) is caught up and serving as soon as it has read it.
 */
export class ShardSet {
  readonly catalog = new CatalogState();
  private readonly shards = new Map<number, Shard>();
  private readonly codec: RecordCodec;
  private readonly backlogOptions: BacklogOptions;
  private indexerScheduled = false;
  /** Applies waiting for their shard's backlog to shrink below the limit. */
  private readonly waiting: { partition: number; shard: Shard; limit: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  /** Rotates the shard the indexer starts with, so one big backlog does not starve the others. */
  private indexerCursor = 0;
  /** When the last slice ended, while a backlog remains (the time since is what requests took). */
  private lastSliceEnd: number | undefined;

  constructor(codecOptions: RecordCodecOptions = {}, backlog: Partial<BacklogOptions> = {}) {
    this.codec = RecordCodec.load(codecOptions);
    this.backlogOptions = { ...DEFAULT_BACKLOG, ...backlog };
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
    this.scheduleIndexer();
    return { nextOffset: shard.nextOffset, awaitingErasure: shard.awaitingErasure(), databases: shard.databases(), unsettled: shard.unsettledCount() };
  }

  /** Applies records; resolves once the shard's backlog is within its limit again (at once, usually). */
  async apply(partition: number, records: ConsumedRecord[], options: ApplyOptions): Promise<ApplyResult> {
    const shard = this.shard(partition);
    const result = shard.apply(records, options);
    this.scheduleIndexer();
    const limit = options.catchingUp === true ? Math.max(this.backlogOptions.maxValues, this.backlogOptions.catchUpMaxValues) : this.backlogOptions.maxValues;
    if (shard.backlogValues() > limit) {
      await new Promise<void>((resolve, reject) => this.waiting.push({ partition, shard, limit, resolve, reject }));
    }
    return result;
  }

  /** Vectors applied but not linked into a graph yet, in this partition's shard. */
  backlog(partition: number): number {
    return this.shard(partition).backlog();
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

  erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }): string[] {
    return this.shard(partition).erasureIds(incarnation, options);
  }

  pendingRepairs(partition: number, limit: number): PendingRepair[] {
    return this.shard(partition).pendingRepairs(limit);
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
    this.releaseWaiting();
  }

  private scheduleIndexer(): void {
    if (this.indexerScheduled) return;
    this.indexerScheduled = true;
    // setImmediate runs after the thread has taken the requests already queued: searches go first.
    setImmediate(() => this.runIndexer());
  }

  private runIndexer(): void {
    this.indexerScheduled = false;
    const shards = [...this.shards.values()];
    // A slice lasts at least sliceMs, and as long as the thread spent on requests since the last one (up to four
    // slices): under a heavy search load the backlog still gets half the thread, so applying never starves.
    const started = performance.now();
    const sinceLast = this.lastSliceEnd === undefined ? 0 : started - this.lastSliceEnd;
    const deadline = started + Math.min(Math.max(this.backlogOptions.sliceMs, sinceLast), 4 * this.backlogOptions.sliceMs);
    let left = 0;
    try {
      for (let i = 0; i < shards.length; i++) {
        const shard = shards[(this.indexerCursor + i) % shards.length]!;
        left += performance.now() < deadline || i === 0 ? shard.indexBacklog(deadline) : shard.backlog();
      }
    } catch (err) {
      // A graph insertion failed (the native index ran out of memory, say): the applies waiting on it fail, and
      // the same vector is retried a second later (it stays searchable in the backlog meanwhile).
      this.failWaiting(err);
      this.indexerScheduled = true;
      setTimeout(() => this.runIndexer(), 1_000).unref();
      return;
    }
    this.indexerCursor += 1;
    this.lastSliceEnd = left > 0 ? performance.now() : undefined;
    this.releaseWaiting();
    if (left > 0) this.scheduleIndexer();
  }

  /** Resolves the applies whose shard is within its backlog limit again, or closed. */
  private releaseWaiting(): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const waiter = this.waiting[i]!;
      const open = this.shards.get(waiter.partition) === waiter.shard;
      if (!open || waiter.shard.backlogValues() <= waiter.limit) {
        this.waiting.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private failWaiting(err: unknown): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(err);
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

  constructor(codecOptions: RecordCodecOptions = {}, backlog: Partial<BacklogOptions> = {}) {
    this.set = new ShardSet(codecOptions, backlog);
  }

  applyCatalog(offset: number, event: DatabaseEventRecord | null): Promise<void> {
    this.set.applyCatalog(offset, event);
    return Promise.resolve();
  }
  open(request: OpenShardRequest): Promise<OpenedShard> {
    return this.set.open(request);
  }
  apply(partition: number, records: ConsumedRecord[], options: ApplyOptions): Promise<ApplyResult> {
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
  erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }): Promise<string[]> {
    return Promise.resolve().then(() => this.set.erasureIds(partition, incarnation, options));
  }
  pendingRepairs(partition: number, limit: number): Promise<PendingRepair[]> {
    return Promise.resolve().then(() => this.set.pendingRepairs(partition, limit));
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
