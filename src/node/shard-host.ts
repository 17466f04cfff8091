/**
 * The index node's shard host: a member of the consumer group `<prefix>-index-<g>` on the vectors topic.
 *
 * For every partition it is assigned it recovers the shard (newest usable snapshot, else empty), replays the log
 * from there, and reports ready once it has caught up the first time. It applies batches in order, sends
 * rejected records to the dead-letter topic (replica group 0 only), erases dropped databases (group 0 only),
 * and snapshots every N records or T ms, on revocation and on shutdown.
 *
 * Partitions are independent: the log delivers different partitions' batches at the same time (each partition's in
 * order), so everything shared between partitions here is either per partition (`owned`) or serialised
 * (`forwardCatalog`).
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { Counter, Histogram, type Metric } from 'prom-client';
import type { CatalogReader } from '../catalog/catalog-reader';
import { isJadeError, jadeError } from '../errors';
import type { Backbone, ConsumedBatch, ConsumerHandle, ProduceRecord, TopicInfo } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import { conditionalHeaders, deadLetterKey, isReservedKey, markerKey, vectorKey } from '../log/records';
import { indexGroup, type TopicNames } from '../log/topics';
import { silentLogger, type Logger } from '../logger';
import { sealPayloads, type Keyring } from '../security/crypto';
import { ERASURE_HEADER, type DeadLetter, type DroppedIncarnation, type HeldDatabaseInfo } from '../shard/shard';
import { SnapshotStore, type SnapshotEncryption } from '../shard/snapshot';
import type { OpenedShard, ShardRuntime } from './shard-runtime';

export interface ShardHostOptions {
  backbone: Backbone;
  codec: RecordCodec;
  catalog: CatalogReader;
  runtime: ShardRuntime;
  topics: TopicNames;
  /** The vectors topic as it exists (P, identity, delete.retention.ms). */
  vectors: TopicInfo;
  topicPrefix: string;
  dataDir: string;
  nodeId: string;
  replicaGroup: number;
  /** Snapshot after this many applied records. @default 50000 */
  snapshotEveryRecords?: number;
  /** Snapshot after this long with changes. @default 60000 */
  snapshotEveryMs?: number;
  /** Encryption at rest: live stores (LMDB), snapshots (AES-256-GCM via memory-backed temp space), payloads. */
  encryption?: SnapshotEncryption;
  /** Set when record payloads are encrypted (config `payloadEncryption`): the records this node writes are sealed too. */
  payloadKeyring?: Keyring;
  /** Where applies are counted. @default ApplyMetrics.process (the set /metrics exports) */
  metrics?: ApplyMetrics;
  logger?: Logger;
}

/** Restores written per round: bounded, so a log full of old metadata-only patches is settled a slice at a time. */
const REPAIR_BATCH = 1000;

/** Bounds (seconds) of the write-to-visible histogram: from a millisecond (a flush) to minutes (a node far behind). */
export const WRITE_VISIBLE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Events of applying the log, as Prometheus metrics: counted when they happen, so nothing is lost between scrapes
 * (the per-partition gauges are read from `status()` at scrape time instead). Labels stay bounded: a partition
 * number at most, never a database or an id.
 */
export class ApplyMetrics {
  /** One set per process, as prom-client's default registry: every host in the process counts into it. */
  static readonly process = new ApplyMetrics();
  readonly recordsApplied: Counter<'partition'>;
  readonly writeVisible: Histogram;

  constructor() {
    // Registered by whoever exports them (`GatewayMetrics`), so two registries never fight over a name.
    this.recordsApplied = new Counter({
      name: 'jade_partition_records_applied_total',
      help: 'Records applied to each partition’s shard by this process (dead-lettered ones included); rate() of it is the applied ingest rate.',
      labelNames: ['partition'],
      registers: [],
    });
    this.writeVisible = new Histogram({
      name: 'jade_write_visible_seconds',
      help: 'Delay from a record’s log timestamp to its being applied, and so visible to reads, on a partition that has caught up (replays during recovery are not counted).',
      buckets: WRITE_VISIBLE_BUCKETS,
      registers: [],
    });
  }

  get metrics(): Metric[] {
    return [this.recordsApplied, this.writeVisible];
  }
}

/** What the host knows of one owned partition. */
export interface PartitionStatus {
  partition: number;
  nextOffset: number;
  /** End offset last seen (batch high watermark or a poll). */
  endOffset: number;
  lag: number;
  /** Caught up at least once since assignment. */
  ready: boolean;
  lastSnapshotOffset: number | undefined;
  lastSnapshotAtMs: number | undefined;
  lastSnapshotDurationMs: number | undefined;
  deadLetters: number;
  /** Dropped databases whose erasure has not reached this partition yet: re-creating one waits for this. */
  awaitingErasure: DroppedIncarnation[];
  /**
   * Ids whose newest record does not carry their state, as of the last applied batch (replica group 0 settles them).
   * Unknown (absent) in a gateway's view, which heartbeats build.
   */
  unsettled?: number;
  /**
   * Set while a local failure (src/errors.ts, FailureKind `local`: a native index error, a full disk, a missing key)
   * has stopped applying the partition: the host reopens it with backoff, and writes to it are refused meanwhile.
   */
  failure?: PartitionFailure;
  /** The databases the shard holds, as of the last applied batch: live counts and graph slots (memory). */
  databases: HeldDatabaseInfo[];
  /** Where the shard started at its assignment: a snapshot (and the tail after it) or a replay from offset 0. */
  recoverySource?: 'snapshot' | 'replay';
  /** From assignment to caught up; unset until then. */
  recoveryDurationMs?: number;
}

export interface PartitionFailure {
  code: string;
  message: string;
  sinceMs: number;
  /** Failures in a row, the last reopen's included; the backoff doubles with each. */
  attempts: number;
}

interface OwnedPartition extends PartitionStatus {
  unsettled: number;
  /** A drop or erased marker was applied: snapshot, so no copy of the dropped data outlives its erasure. */
  lifecycleSnapshotDue: boolean;
  /** A maintenance run (snapshot, erasure, restores) is scheduled or running; the partition is paused meanwhile. */
  maintaining: boolean;
  snapshots: SnapshotStore;
  /** The end offset at assignment: ready once applied past it. */
  readyAt: number;
  appliedSinceSnapshot: number;
  changedAtMs: number | undefined;
  caughtUpAtMs: number;
  /** Incarnations whose tombstones and erased marker the log has acknowledged, written by this node (group 0). */
  erasuresWritten: Set<number>;
  /** Erasures begun and not written yet, by incarnation: how far they got, and when to try again after a failure. */
  erasures: Map<number, ErasureProgress>;
  /** The offset after the last restores this node wrote: the next round waits until they are applied (group 0). */
  repairsAppliedAt: number;
  /** Serialises batches, snapshots and revocation of this partition. */
  work: Promise<void>;
  assignedAtMs: number;
  /** `partition` as a metric label. */
  label: { partition: string };
}

/** An erasure begun: the ids tombstoned so far, and, after a failure, not before when it is tried again. */
interface ErasureProgress {
  /** The last id of the last page of tombstones the log acknowledged: the next page starts after it. */
  after?: string;
  tombstoned: number;
  /** Failures in a row. */
  failures: number;
  /** 0 to go on at once; Infinity after an error that retrying cannot mend (tried again on the next assignment). */
  retryAtMs: number;
}

/** Ids listed and tombstoned at a time: an erasure holds one page in memory, whatever the database's size. */
const ERASURE_PAGE = 1000;

/** Backoff of a failed erasure: 1 s, doubling up to 30 s (the end-offset poll, every second, tries it again). */
const ERASURE_RETRY_MIN_MS = 1_000;
const ERASURE_RETRY_MAX_MS = 30_000;

export class ShardHost {
  private readonly owned = new Map<number, OwnedPartition>();
  private readonly events = new EventEmitter();
  private readonly logger: Logger;
  private readonly metrics: ApplyMetrics;
  private consumer: ConsumerHandle | undefined;
  private poller: NodeJS.Timeout | undefined;
  private stopping = false;
  private catalogUnsubscribe: (() => void) | undefined;
  private catalogForwarded = 0;
  private catalogForwarding: Promise<void> = Promise.resolve();

  constructor(private readonly options: ShardHostOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'index-node', node: options.nodeId, group: options.replicaGroup });
    this.events.setMaxListeners(0);
    this.metrics = options.metrics ?? ApplyMetrics.process;
  }

  get partitionCount(): number {
    return this.options.vectors.partitions;
  }

  async start(): Promise<void> {
    await this.options.catalog.catchUp();
    await this.forwardCatalog();
    this.catalogUnsubscribe = this.options.catalog.onChange(() => void this.forwardCatalog());
    this.consumer = await this.options.backbone.consume({
      topic: this.options.topics.vectors,
      group: indexGroup(this.options.topicPrefix, this.options.replicaGroup),
      memberId: this.options.nodeId,
      onAssign: (partitions) => this.assign(partitions),
      onRevoke: (partitions) => this.revoke(partitions),
      onBatch: (batch) => this.onBatch(batch),
      onCrash: (err) => this.logger.error({ err }, 'vectors consumer failed'),
    });
    this.poller = setInterval(() => void this.pollEnds(), 1_000);
    this.poller.unref();
  }

  /** Status of every owned partition. */
  status(): PartitionStatus[] {
    return [...this.owned.values()]
      .map(({ partition, nextOffset, endOffset, lag, ready, lastSnapshotOffset, lastSnapshotAtMs, lastSnapshotDurationMs, deadLetters, awaitingErasure, unsettled, failure, databases, recoverySource, recoveryDurationMs }) => ({
        partition,
        nextOffset,
        endOffset,
        lag,
        ready,
        lastSnapshotOffset,
        lastSnapshotAtMs,
        lastSnapshotDurationMs,
        deadLetters,
        awaitingErasure,
        unsettled,
        databases,
        ...(failure === undefined ? {} : { failure: { ...failure } }),
        ...(recoverySource === undefined ? {} : { recoverySource }),
        ...(recoveryDurationMs === undefined ? {} : { recoveryDurationMs }),
      }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** True once every owned partition has caught up once (and something is owned). */
  ready(): boolean {
    return this.owned.size > 0 && [...this.owned.values()].every((p) => p.ready);
  }

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  /** Resolves when `partition` has applied every offset below `offset`; rejects after `timeoutMs`. */
  waitForOffset(partition: number, offset: number, timeoutMs: number): Promise<void> {
    const owned = this.owned.get(partition);
    if (owned === undefined) return Promise.reject(jadeError('JADE_ERR_LOG_NOT_ASSIGNED', [partition]));
    if (owned.nextOffset >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('applied', check);
        reject(jadeError('JADE_ERR_CONSISTENCY_TIMEOUT', [partition, offset, timeoutMs]));
      }, timeoutMs);
      const check = (p: number, next: number): void => {
        if (p !== partition || next < offset) return;
        clearTimeout(timer);
        this.events.off('applied', check);
        resolve();
      };
      this.events.on('applied', check);
    });
  }

  /** Stops consuming: snapshots every owned partition and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.poller !== undefined) clearInterval(this.poller);
    this.catalogUnsubscribe?.();
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private forwardCatalog(): Promise<void> {
    this.catalogForwarding = this.catalogForwarding.then(async () => {
      const state = this.options.catalog.state;
      const target = state.nextOffset;
      if (target <= this.catalogForwarded) return;
      // Workers keep their own copy: replay the reader's incarnations and events they have not seen.
      for (const event of this.options.catalog.eventsFrom(this.catalogForwarded)) {
        await this.options.runtime.applyCatalog(event.offset, event.record);
      }
      await this.options.runtime.applyCatalog(target - 1, null);
      this.catalogForwarded = target;
    });
    return this.catalogForwarding;
  }

  private async assign(partitions: number[]): Promise<Map<number, number>> {
    const assignedAtMs = Date.now();
    await this.options.catalog.catchUp();
    await this.forwardCatalog();
    const ends = await this.options.backbone.endOffsets(this.options.topics.vectors);
    // Partitions open side by side: their shards load in different worker threads. Every open settles before a
    // failure is reported, so none is left half-open behind it.
    const opened = await Promise.allSettled(partitions.map((partition) => this.open(partition, ends[partition] ?? 0, assignedAtMs)));
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return new Map(partitions.map((partition, i) => [partition, (opened[i] as PromiseFulfilledResult<number>).value]));
  }

  /** Restores one partition's shard (its newest usable snapshot, else empty) and starts owning it; returns its start. */
  private async open(partition: number, end: number, assignedAtMs: number): Promise<number> {
    const encryption = this.options.encryption;
    const snapshots = new SnapshotStore(path.join(this.options.dataDir, 'snapshots', `p${partition}`), partition, this.logger, encryption);
    const maxAgeMs = Number(this.options.vectors.configs['delete.retention.ms'] ?? String(24 * 3600 * 1000));
    let usable = await snapshots.newestUsable({ topicIdentity: this.options.vectors.identity ?? '', maxAgeMs });
    const started = Date.now();
    const keyring = encryption === undefined ? {} : { keyring: encryption.keyring.toData() };
    let opened: OpenedShard;
    try {
      opened = await this.options.runtime.open({
        partition,
        partitionCount: this.partitionCount,
        dir: path.join(this.options.dataDir, 'shards', `p${partition}`),
        ...(usable === undefined ? {} : { snapshot: { storeFile: usable.storeFile, indexFiles: [...usable.indexFiles] } }),
        ...keyring,
      });
    } catch (err) {
      if (usable === undefined) throw err;
      // A snapshot that verifies but will not load (another layout or version): replay from the start instead.
      this.logger.warn({ err, partition, snapshot: usable.dir }, 'snapshot failed to load; replaying the partition from offset 0');
      snapshots.removeAll();
      // Nothing of it is used: status and logs must not report it as the start.
      usable.release();
      usable = undefined;
      opened = await this.options.runtime.open({
        partition,
        partitionCount: this.partitionCount,
        dir: path.join(this.options.dataDir, 'shards', `p${partition}`),
        ...keyring,
      });
    } finally {
      // Loaded (or given up): decrypted copies leave temp space now.
      usable?.release();
    }
    const nextOffset = opened.nextOffset;
    if (usable === undefined) snapshots.removeAll();
    const owned: OwnedPartition = {
      partition,
      nextOffset,
      endOffset: end,
      lag: Math.max(0, end - nextOffset),
      ready: nextOffset >= end,
      lastSnapshotOffset: usable?.manifest.nextOffset,
      lastSnapshotAtMs: usable?.manifest.createdAtMs,
      lastSnapshotDurationMs: undefined,
      deadLetters: 0,
      awaitingErasure: opened.awaitingErasure,
      unsettled: opened.unsettled,
      databases: opened.databases,
      snapshots,
      readyAt: end,
      appliedSinceSnapshot: 0,
      changedAtMs: undefined,
      caughtUpAtMs: usable?.manifest.caughtUpAtMs ?? Date.now(),
      erasuresWritten: new Set(),
      erasures: new Map(),
      repairsAppliedAt: 0,
      lifecycleSnapshotDue: false,
      maintaining: false,
      work: Promise.resolve(),
      recoverySource: usable === undefined ? 'replay' : 'snapshot',
      assignedAtMs,
      label: { partition: String(partition) },
    };
    if (owned.ready) {
      owned.caughtUpAtMs = Date.now();
      owned.recoveryDurationMs = owned.caughtUpAtMs - assignedAtMs;
    }
    this.owned.set(partition, owned);
    this.logger.info(
      { partition, from: usable === undefined ? 'offset 0' : `snapshot at ${nextOffset}`, end, openMs: Date.now() - started },
      'partition assigned',
    );
    this.events.emit('applied', partition, nextOffset);
    return nextOffset;
  }

  private async revoke(partitions: number[]): Promise<void> {
    for (const partition of partitions) {
      const owned = this.owned.get(partition);
      if (owned === undefined) continue;
      await this.serialise(owned, async () => {
        if (owned.appliedSinceSnapshot > 0 || owned.changedAtMs !== undefined) await this.snapshot(owned);
        await this.options.runtime.close(partition);
      });
      this.owned.delete(partition);
      this.logger.info({ partition, nextOffset: owned.nextOffset }, 'partition revoked');
    }
  }

  private onBatch(batch: ConsumedBatch): Promise<void> {
    const owned = this.owned.get(batch.partition);
    // A stopped partition ignores what the consumer still delivers: its reopen seeks back to what it has applied.
    if (owned === undefined || owned.failure !== undefined) return Promise.resolve();
    return this.serialise(owned, () => (owned.failure === undefined ? this.applyBatch(owned, batch) : Promise.resolve())).catch((err: unknown) => this.stall(owned, err));
  }

  /**
   * A local failure stopped applying `owned`: record it for status, readiness and writes, and reopen the partition
   * after a backoff (0.5 s doubling to 30 s). The failing record is never skipped: the reopened shard resumes from
   * its store or snapshot and the consumer is sought back to it.
   */
  private stall(owned: OwnedPartition, err: unknown): void {
    if (this.stopping || this.owned.get(owned.partition) !== owned) return;
    const attempts = (owned.failure?.attempts ?? 0) + 1;
    owned.failure = {
      code: isJadeError(err) ? err.code : 'JADE_ERR_INTERNAL',
      message: err instanceof Error ? err.message : String(err),
      sinceMs: owned.failure?.sinceMs ?? Date.now(),
      attempts,
    };
    const delayMs = Math.min(30_000, 500 * 2 ** (attempts - 1));
    this.logger.error({ err, partition: owned.partition, attempts, retryInMs: delayMs }, 'partition stopped by a local failure; reopening it');
    setTimeout(() => void this.reopen(owned), delayMs).unref();
  }

  private async reopen(stalled: OwnedPartition): Promise<void> {
    if (this.stopping || this.owned.get(stalled.partition) !== stalled) return;
    const { partition } = stalled;
    try {
      await this.serialise(stalled, async () => {
        await this.options.runtime.close(partition);
        const ends = await this.options.backbone.endOffsets(this.options.topics.vectors);
        const next = await this.open(partition, ends[partition] ?? 0, Date.now());
        const reopened = this.owned.get(partition)!;
        // It was ready before the failure: readiness is not lost, only the failure is cleared once applying again.
        reopened.ready ||= stalled.ready;
        this.consumer?.seek(partition, next);
        this.logger.info({ partition, nextOffset: next, attempts: stalled.failure?.attempts }, 'partition reopened after a local failure');
      });
    } catch (err) {
      this.stall(stalled, err);
    }
  }

  private serialise(owned: OwnedPartition, work: () => Promise<void>): Promise<void> {
    const run = owned.work.then(work);
    owned.work = run.catch(() => undefined);
    return run;
  }

  private async applyBatch(owned: OwnedPartition, batch: ConsumedBatch): Promise<void> {
    let records = batch.records.filter((r) => r.offset >= owned.nextOffset);
    if (records.length === 0) return;
    const hasMarkers = records.some((r) => r.key !== null && isReservedKey(r.key));
    let catalogComplete = false;
    if (hasMarkers) {
      await this.options.catalog.catchUp();
      await this.forwardCatalog();
      catalogComplete = true;
    }
    let lifecycleChanged = false;
    while (records.length > 0) {
      // Only live writes measure freshness: a replay's records are as old as the log.
      const live = owned.ready;
      const result = await this.options.runtime.apply(owned.partition, records, { catalogComplete, catchingUp: !live });
      if (result.consumed > 0) this.countApplied(owned, records, result.consumed, live);
      if (result.deadLetters.length > 0) await this.deadLetter(owned, result.deadLetters);
      lifecycleChanged ||= result.lifecycleChanged;
      owned.awaitingErasure = result.awaitingErasure;
      owned.unsettled = result.unsettled;
      owned.databases = result.databases;
      const appliedUpTo = result.consumed > 0 ? records[result.consumed - 1]!.offset + 1 : owned.nextOffset;
      this.advance(owned, appliedUpTo, batch.highWatermark, result.consumed);
      records = records.slice(result.consumed);
      if (result.waitForCatalogOffset !== undefined) {
        await this.options.catalog.catchUp();
        await this.forwardCatalog();
        catalogComplete = true;
      }
    }
    // No copy of a dropped database may outlive its erasure: snapshot now and remove the older ones.
    if (lifecycleChanged) owned.lifecycleSnapshotDue = true;
    if (this.maintenanceDue(owned)) this.scheduleMaintenance(owned);
  }

  /** Whether a snapshot, an erasure or restores are due for `owned` (see `maintain`). */
  private maintenanceDue(owned: OwnedPartition): boolean {
    return owned.lifecycleSnapshotDue || this.erasureDue(owned) || this.repairDue(owned) || this.snapshotDue(owned);
  }


  /**
   * Runs `maintain` after the batch handler has returned, with the partition paused: a long snapshot must not hold
   * up the consumer (on Kafka, its heartbeats and the other partitions' batches), while the partition's own applies
   * wait for it, since a snapshot copies the shard at one offset. One run at a time per partition; it checks what is
   * due when it runs.
   */
  private scheduleMaintenance(owned: OwnedPartition): void {
    if (owned.maintaining || this.stopping) return;
    owned.maintaining = true;
    this.consumer?.pause([owned.partition]);
    void this.serialise(owned, () => this.maintain(owned))
      .catch((err: unknown) => this.logger.warn({ err, partition: owned.partition }, 'partition maintenance failed; will retry'))
      .finally(() => {
        owned.maintaining = false;
        if (this.owned.get(owned.partition) === owned && !this.stopping) this.consumer?.resume([owned.partition]);
      });
  }

  private async maintain(owned: OwnedPartition): Promise<void> {
    if (this.owned.get(owned.partition) !== owned || owned.failure !== undefined) return;
    if (owned.lifecycleSnapshotDue) {
      owned.lifecycleSnapshotDue = false;
      await this.snapshot(owned);
    }
    // Only a dropped database awaiting its erasure needs the shard asked for ids: not one round trip per batch.
    if (this.erasureDue(owned)) await this.erase(owned);
    if (this.repairDue(owned)) await this.repair(owned);
    if (this.snapshotDue(owned)) await this.snapshot(owned);
  }

  /**
   * Group 0's owner, caught up, with a dropped incarnation to erase: neither written already (it awaits its marker's
   * turn in the log) nor failed too recently to try again.
   */
  private erasureDue(owned: OwnedPartition): boolean {
    if (this.options.replicaGroup !== 0 || owned.nextOffset < owned.endOffset) return false;
    const now = Date.now();
    return owned.awaitingErasure.some((d) => !owned.erasuresWritten.has(d.incarnation) && (owned.erasures.get(d.incarnation)?.retryAtMs ?? 0) <= now);
  }

  /** Group 0's owner, caught up, with unsettled ids and none of its own restores still on their way through the log. */
  private repairDue(owned: OwnedPartition): boolean {
    return this.options.replicaGroup === 0 && owned.unsettled > 0 && owned.nextOffset >= owned.endOffset && owned.nextOffset >= owned.repairsAppliedAt;
  }

  /**
   * Writes a `restore` for each unsettled id: its whole current state (or a tombstone), conditional on its version, so
   * that compaction, which keeps only a key's newest record, keeps the state (docs/architecture.md, "Read-modify-write
   * on a compacted log"). A restore overtaken by a newer write changes nothing and is followed by another round.
   */
  private async repair(owned: OwnedPartition): Promise<void> {
    const repairs = await this.options.runtime.pendingRepairs(owned.partition, REPAIR_BATCH);
    if (repairs.length === 0) return;
    const records: ProduceRecord[] = repairs.map((r) => ({
      key: Buffer.from(vectorKey(r.database, r.id)),
      value: r.state === null ? null : this.options.codec.encode({ type: 'vector-upsert', database: r.database, id: r.id, values: Float32Array.from(r.state.values), metadata: r.state.metadata }),
      headers: conditionalHeaders('restore', r.version),
    }));
    const keyring = this.options.payloadKeyring;
    const acks = await this.options.backbone.produce(this.options.topics.vectors, keyring === undefined ? records : sealPayloads(keyring, records));
    owned.repairsAppliedAt = Math.max(owned.repairsAppliedAt, ...acks.map((a) => a.offset + 1));
    this.logger.debug({ partition: owned.partition, ids: repairs.length }, 'unsettled ids restored');
  }

  private advance(owned: OwnedPartition, nextOffset: number, highWatermark: number, applied: number): void {
    owned.nextOffset = Math.max(owned.nextOffset, nextOffset);
    owned.endOffset = Math.max(owned.endOffset, highWatermark);
    owned.lag = Math.max(0, owned.endOffset - owned.nextOffset);
    owned.appliedSinceSnapshot += applied;
    if (applied > 0) owned.changedAtMs ??= Date.now();
    if (owned.nextOffset >= owned.endOffset) owned.caughtUpAtMs = Date.now();
    if (!owned.ready && owned.nextOffset >= owned.readyAt) {
      owned.ready = true;
      owned.recoveryDurationMs = Date.now() - owned.assignedAtMs;
      this.logger.info(
        { partition: owned.partition, nextOffset: owned.nextOffset, from: owned.recoverySource, recoveryMs: owned.recoveryDurationMs },
        'partition caught up: ready',
      );
    }
    this.events.emit('applied', owned.partition, owned.nextOffset);
  }

  private countApplied(owned: OwnedPartition, records: ConsumedBatch['records'], consumed: number, live: boolean): void {
    this.metrics.recordsApplied.inc(owned.label, consumed);
    if (!live) return;
    const now = Date.now();
    // A producer's clock may run ahead of ours: a negative delay counts as none.
    for (let i = 0; i < consumed; i++) this.metrics.writeVisible.observe(Math.max(0, now - records[i]!.timestamp) / 1000);
  }

  private async deadLetter(owned: OwnedPartition, letters: DeadLetter[]): Promise<void> {
    owned.deadLetters += letters.length;
    // Replicas build the same state from the same log; only group 0 reports, so each bad record is reported once.
    if (this.options.replicaGroup !== 0) return;
    const records: ProduceRecord[] = letters.map((letter) => ({
      key: Buffer.from(deadLetterKey(owned.partition, letter.offset)),
      value: this.options.codec.encode({
        type: 'dead-letter',
        sourceTopic: this.options.topics.vectors,
        sourcePartition: owned.partition,
        sourceOffset: letter.offset,
        reasonCode: letter.reasonCode,
        reason: letter.reason,
        key: letter.key,
        value: letter.value,
        timestampMs: Date.now(),
        nodeId: this.options.nodeId,
      }),
    }));
    await this.options.backbone.produce(this.options.topics.deadLetters, records);
    this.logger.warn({ partition: owned.partition, count: letters.length, reasons: [...new Set(letters.map((l) => l.reasonCode))] }, 'records dead-lettered');
  }

  /**
   * Tombstones every id of each dropped incarnation in this partition, a page at a time, then writes its `erased`
   * marker (group 0). An erasure counts as written once the log has acknowledged all of it; one that fails is logged
   * and, if its error is retriable, goes on after a backoff from the page after the last one acknowledged (the
   * end-offset poll calls this while the partition is caught up). Never rejects: a batch handler that throws would stop
   * the partition's consumer.
   */
  private async erase(owned: OwnedPartition): Promise<void> {
    for (const erasure of owned.awaitingErasure) {
      if (owned.erasuresWritten.has(erasure.incarnation)) continue;
      const progress = owned.erasures.get(erasure.incarnation) ?? { tombstoned: 0, failures: 0, retryAtMs: 0 };
      if (Date.now() < progress.retryAtMs) continue;
      owned.erasures.set(erasure.incarnation, progress);
      try {
        await this.writeErasure(owned, erasure, progress);
      } catch (err) {
        progress.failures += 1;
        const where = { err, partition: owned.partition, database: erasure.name, incarnation: erasure.incarnation, failures: progress.failures, tombstoned: progress.tombstoned };
        if (isJadeError(err) && err.retriable) {
          const delayMs = Math.min(ERASURE_RETRY_MAX_MS, ERASURE_RETRY_MIN_MS * 2 ** (progress.failures - 1));
          progress.retryAtMs = Date.now() + delayMs;
          this.logger.warn({ ...where, retryInMs: delayMs }, 'erasure failed; will retry');
        } else {
          progress.retryAtMs = Number.POSITIVE_INFINITY;
          this.logger.error(where, 'erasure failed with an error retrying cannot mend; tried again when the partition is next assigned');
        }
        continue;
      }
      owned.erasuresWritten.add(erasure.incarnation);
      owned.erasures.delete(erasure.incarnation);
    }
  }

  /**
   * Writes one erasure from where `progress` left it: a page of ids from the shard, their tombstones, acknowledged
   * before the next page is listed; after the last page, the `erased` marker.
   */
  private async writeErasure(owned: OwnedPartition, erasure: DroppedIncarnation, progress: ErasureProgress): Promise<void> {
    const headers = { [ERASURE_HEADER]: Buffer.from(String(erasure.incarnation)) };
    for (;;) {
      const ids = await this.options.runtime.erasureIds(owned.partition, erasure.incarnation, { ...(progress.after === undefined ? {} : { after: progress.after }), limit: ERASURE_PAGE });
      if (ids.length > 0) {
        await this.options.backbone.produce(
          this.options.topics.vectors,
          ids.map((id) => ({ key: Buffer.from(vectorKey(erasure.name, id)), value: null, headers })),
        );
        progress.after = ids[ids.length - 1]!;
        progress.tombstoned += ids.length;
      }
      if (ids.length < ERASURE_PAGE) break;
    }
    const known = this.options.catalog.state.incarnation(erasure.incarnation);
    await this.options.backbone.produce(this.options.topics.vectors, [
      {
        key: Buffer.from(markerKey(erasure.name, erasure.incarnation, 'erased')),
        value: this.options.codec.encode({
          type: 'database-marker',
          kind: 'erased',
          database: erasure.name,
          incarnation: erasure.incarnation,
          definition: known?.definition ?? null,
        }),
        partition: owned.partition,
      },
    ]);
    this.logger.info({ partition: owned.partition, database: erasure.name, incarnation: erasure.incarnation, ids: progress.tombstoned }, 'erasure written');
  }

  /**
   * Every snapshot rewrites the whole shard, so one is due after `snapshotEveryRecords` applied records or half the
   * shard's size, whichever is more: the bytes written stay proportional to the writes (a fixed interval would make
   * them grow with the shard, and stall its applies for ever longer), and a crash replays at most half a shard. A
   * shard that stopped changing snapshots after `snapshotEveryMs` if the changes are 1% of it or more, or if its
   * newest snapshot is half way to `delete.retention.ms`, past which recovery could not use it.
   */
  private snapshotDue(owned: OwnedPartition): boolean {
    const size = owned.databases.reduce((sum, db) => sum + db.count, 0);
    if (owned.appliedSinceSnapshot >= Math.max(this.options.snapshotEveryRecords ?? 50_000, size / 2)) return true;
    if (owned.changedAtMs === undefined || Date.now() - owned.changedAtMs < (this.options.snapshotEveryMs ?? 60_000)) return false;
    const retentionMs = Number(this.options.vectors.configs['delete.retention.ms'] ?? String(24 * 3600 * 1000));
    const ageMs = owned.lastSnapshotAtMs === undefined ? Number.POSITIVE_INFINITY : Date.now() - owned.lastSnapshotAtMs;
    return owned.appliedSinceSnapshot >= size / 100 || ageMs >= retentionMs / 2;
  }

  private async snapshot(owned: OwnedPartition): Promise<void> {
    const started = Date.now();
    try {
      const manifest = await owned.snapshots.write(
        { catalogOffset: this.options.catalog.state.nextOffset, topicIdentity: this.options.vectors.identity ?? '', caughtUpAtMs: owned.caughtUpAtMs },
        (storeFile, indexDir) => this.options.runtime.snapshotParts(owned.partition, storeFile, indexDir),
      );
      // Prune only once the new one reads back whole.
      await owned.snapshots.verify(path.join(owned.snapshots.dir, `${String(manifest.nextOffset).padStart(16, '0')}-${manifest.createdAtMs}`));
      owned.snapshots.prune(1);
      owned.lastSnapshotOffset = manifest.nextOffset;
      owned.lastSnapshotAtMs = manifest.createdAtMs;
      owned.lastSnapshotDurationMs = Date.now() - started;
      owned.appliedSinceSnapshot = 0;
      owned.changedAtMs = undefined;
    } catch (err) {
      this.logger.error({ err, partition: owned.partition }, 'snapshot failed; will retry');
    }
  }

  /** Keeps lag current for partitions that receive nothing, and takes time-based snapshots when idle. */
  private async pollEnds(): Promise<void> {
    if (this.stopping || this.owned.size === 0) return;
    try {
      const ends = await this.options.backbone.endOffsets(this.options.topics.vectors);
      for (const owned of this.owned.values()) {
        const end = ends[owned.partition] ?? 0;
        owned.endOffset = Math.max(owned.endOffset, end);
        owned.lag = Math.max(0, owned.endOffset - owned.nextOffset);
        if (owned.lag === 0) owned.caughtUpAtMs = Date.now();
        // The indexing backlog drains between batches: keep what status and metrics report of it current.
        if (owned.databases.some((d) => d.backlog > 0)) {
          void this.options.runtime.databases(owned.partition).then(
            (databases) => {
              if (this.owned.get(owned.partition) === owned) owned.databases = databases;
            },
            () => undefined, // closed meanwhile (revoked): nothing to report
          );
        }
        // Time-based snapshots, and work no batch will start: a partition restored at the log's end (say, from the
        // snapshot taken at a drop, before a crash) with a pending erasure, ids left unsettled before a restart, or
        // restores or an erasure that failed.
        if (this.maintenanceDue(owned)) this.scheduleMaintenance(owned);
      }
    } catch (err) {
      this.logger.debug({ err }, 'end offset poll failed');
    }
  }
}
