/**
 * The embedded log: Kafka's partition, offset and compaction semantics in one LMDB environment, so that
 * `npm start` runs the whole database in one process with no broker.
 *
 * - Records live under ordered keys `[partition, offset]`, one LMDB database per topic.
 * - A write is acknowledged only after LMDB has flushed it (lmdb-js resolves commits before fsync by default),
 *   and consumers only see flushed records: what they apply can never vanish in a crash.
 * - Compaction keeps the last record per key (offsets keep their holes) and drops tombstones once they are older
 *   than `delete.retention.ms`; `delete` topics drop records older than `retention.ms`. The newest record of a
 *   partition is never removed, so the end offset survives restarts.
 * - Consumer groups are in-process: members of a group share the partitions, assignment is sticky. A member has
 *   one batch in flight per partition, so different partitions are handled at the same time, each in offset order.
 * - One process at a time: an OS lock on the directory's `LOCK` file, which the kernel drops when the process dies
 *   (src/log/directory-lock.ts).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { jadeError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import {
  configsToAdjust,
  recordSize,
  topicDifferences,
  topicIdentityRecord,
  type Backbone,
  type ConsumeOptions,
  type ConsumedRecord,
  type ConsumerHandle,
  type ProduceAck,
  type ProduceRecord,
  type TopicInfo,
  type TopicSpec,
} from './backbone';
import { DirectoryLock } from './directory-lock';
import { partitionForKey } from './murmur2';
import { assignSticky } from './sticky-assignment';
import { decodeFrame, encodeFrame } from './record-frame';

export interface EmbeddedBackboneOptions {
  /** Directory of the log; created if missing, locked while open. */
  dir: string;
  /** Flush to disk before acknowledging. @default true */
  fsync?: boolean;
  /** How often the cleaner looks for compaction and retention work. @default 30000 */
  cleanerIntervalMs?: number;
  /** Records per consumed batch. @default 1000 */
  maxBatchRecords?: number;
  /** @default 1048576 */
  maxRecordBytes?: number;
  /**
   * Encrypts every page of the LMDB file (lmdb-js `encryptionKey`). `lmdbKey(id)` gives the key of a key id (32 ASCII
   * characters: lmdb-js 3.5.6 reads the key as a string, see `Keyring.lmdbKey`). A new log uses `currentId`; an
   * existing one the id recorded beside it (`encryption.json`, with a check value), so a missing or wrong key stops
   * opening with a clear error rather than LMDB failing on (or, without a key, crashing on) encrypted pages.
   */
  encryption?: { readonly currentId: string; lmdbKey(keyId: string): string | undefined };
  logger?: Logger;
}

const ENCRYPTION_FILE = 'encryption.json';

interface TopicState {
  info: TopicInfo;
  db: Database<Buffer, [number, number]>;
  /** Next offset to assign, per partition. */
  nextOffset: number[];
  /** Records flushed and visible to consumers end here, per partition. */
  visibleEnd: number[];
  /** Records written since the partition was last compacted. */
  dirty: number[];
  /** Rough record count per partition, for the dirty ratio. */
  count: number[];
  appended: EventEmitter;
}

interface StoredTopicMeta {
  partitions: number;
  configs: Record<string, string>;
  identity?: string;
  createdAt: number;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export class EmbeddedBackbone implements Backbone {
  readonly kind = 'embedded' as const;
  readonly maxRecordBytes: number;
  private readonly root: RootDatabase;
  private readonly meta: Database<StoredTopicMeta, string>;
  private readonly topics = new Map<string, TopicState>();
  private readonly groups = new Map<string, EmbeddedGroup>();
  private readonly cleaner: NodeJS.Timeout;
  private cleaning: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly options: Required<Omit<EmbeddedBackboneOptions, 'encryption' | 'logger'>>,
    private readonly lock: DirectoryLock,
    readonly logger: Logger,
    encryptionKey: string | undefined,
  ) {
    this.maxRecordBytes = options.maxRecordBytes;
    this.root = open({
      path: path.join(options.dir, 'log.mdb'),
      maxDbs: 256,
      ...(encryptionKey === undefined ? {} : { encryptionKey }),
    });
    this.meta = this.root.openDB<StoredTopicMeta, string>({ name: 'topics', encoding: 'msgpack' });
    for (const { key, value } of this.meta.getRange()) this.openTopic(key, value);
    this.cleaner = setInterval(() => void this.runCleaner(), options.cleanerIntervalMs);
    this.cleaner.unref();
  }

  /** Opens (or creates) the log in `options.dir`, taking the directory lock. */
  static open(options: EmbeddedBackboneOptions): EmbeddedBackbone {
    fs.mkdirSync(options.dir, { recursive: true });
    const lock = DirectoryLock.acquire(options.dir);
    try {
      return new EmbeddedBackbone(
        {
          dir: options.dir,
          fsync: options.fsync ?? true,
          cleanerIntervalMs: options.cleanerIntervalMs ?? 30_000,
          maxBatchRecords: options.maxBatchRecords ?? 1000,
          maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
        },
        lock,
        (options.logger ?? silentLogger).child({ component: 'embedded-log' }),
        resolveEncryptionKey(options.dir, options.encryption),
      );
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  async ensureTopic(spec: TopicSpec): Promise<TopicInfo> {
    this.assertOpen();
    const existing = this.topics.get(spec.name);
    if (existing !== undefined) {
      const diffs = topicDifferences(spec, existing.info);
      if (diffs.length > 0) throw jadeError('JADE_ERR_CONFIG_TOPIC_MISMATCH', [spec.name, diffs.join('; ')]);
      const adjust = configsToAdjust(spec, existing.info);
      if (adjust.length > 0) {
        for (const name of adjust) existing.info.configs[name] = spec.configs[name]!;
        const stored = this.meta.get(spec.name)!;
        await this.meta.put(spec.name, { ...stored, configs: { ...existing.info.configs } });
        this.logger.info({ topic: spec.name, configs: Object.fromEntries(adjust.map((n) => [n, spec.configs[n]])) }, 'topic configs adjusted');
      }
      return existing.info;
    }
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw jadeError('JADE_ERR_CONFIG_INVALID', [`topic ${spec.name} needs at least one partition`]);
    }
    const meta: StoredTopicMeta = {
      partitions: spec.partitions,
      configs: { ...spec.configs },
      createdAt: Date.now(),
      ...(spec.withIdentity === true ? { identity: randomUUID() } : {}),
    };
    await this.meta.put(spec.name, meta);
    const state = this.openTopic(spec.name, meta);
    if (meta.identity !== undefined) {
      // One process owns the log (its directory lock), so the identity kept with the topic is the only one written;
      // the record in partition 0 follows the rule of `TOPIC_IDENTITY_KEY`, as a Kafka topic's does.
      await this.produce(spec.name, [topicIdentityRecord(meta.identity)]);
    } else if (this.options.fsync) {
      await this.root.flushed;
    }
    return state.info;
  }

  describeTopic(topic: string): Promise<TopicInfo | undefined> {
    this.assertOpen();
    return Promise.resolve(this.topics.get(topic)?.info);
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<ProduceAck[]> {
    this.assertOpen();
    const state = this.topicState(topic);
    const partitions = state.info.partitions;
    for (const record of records) {
      const size = recordSize(record);
      if (size > this.maxRecordBytes) {
        throw jadeError('JADE_ERR_LOG_RECORD_TOO_LARGE', [size, this.maxRecordBytes], { context: { topic } });
      }
      if (record.partition !== undefined && !(Number.isInteger(record.partition) && record.partition >= 0 && record.partition < partitions)) {
        throw jadeError('JADE_ERR_LOG_UNKNOWN_TOPIC', [`${topic} partition ${record.partition}`]);
      }
    }
    if (records.length === 0) return [];

    const appendTime = Date.now();
    const acks: ProduceAck[] = [];
    let last: Promise<boolean> | undefined;
    // Offsets are assigned synchronously, in call order; lmdb-js commits puts in the order they were issued.
    for (const record of records) {
      const partition = record.partition ?? partitionForKey(record.key, partitions);
      const offset = state.nextOffset[partition]!;
      state.nextOffset[partition] = offset + 1;
      state.dirty[partition]! += 1;
      state.count[partition]! += 1;
      const frame = encodeFrame({
        key: record.key,
        value: record.value,
        headers: record.headers ?? {},
        timestamp: record.timestamp ?? appendTime,
        appendTime,
      });
      last = state.db.put([partition, offset], frame);
      acks.push({ partition, offset });
    }
    try {
      await last;
      if (this.options.fsync) await this.root.flushed;
    } catch (err) {
      throw jadeError('JADE_ERR_LOG_PRODUCE_FAILED', [(err as Error).message], { cause: err, context: { topic, acknowledged: [] } });
    }
    const touched = new Set<number>();
    for (const ack of acks) {
      if (ack.offset + 1 > state.visibleEnd[ack.partition]!) state.visibleEnd[ack.partition] = ack.offset + 1;
      touched.add(ack.partition);
    }
    for (const partition of touched) state.appended.emit('append', partition);
    return acks;
  }

  endOffsets(topic: string): Promise<number[]> {
    this.assertOpen();
    return Promise.resolve([...this.topicState(topic).visibleEnd]);
  }

  startOffsets(topic: string): Promise<number[]> {
    this.assertOpen();
    const state = this.topicState(topic);
    return Promise.resolve(
      state.visibleEnd.map((end, partition) => {
        for (const key of state.db.getKeys({ start: [partition, 0], end: [partition, Number.MAX_SAFE_INTEGER], limit: 1 })) {
          return key[1];
        }
        return end;
      }),
    );
  }

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    this.assertOpen();
    const state = this.topicState(options.topic);
    let group = this.groups.get(options.group);
    if (group === undefined) {
      group = new EmbeddedGroup(options.group, state, this.options.maxBatchRecords, this.logger);
      this.groups.set(options.group, group);
    } else if (group.topic !== state) {
      throw jadeError('JADE_ERR_LOG_INVALID_STATE', [`group ${options.group}`, `already consumes ${group.topic.info.name}`]);
    }
    return group.join(options);
  }

  /** Runs compaction and retention now (the cleaner also runs on its interval). Resolves when done. */
  compactNow(): Promise<void> {
    return this.runCleaner(true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.cleaner);
    for (const group of this.groups.values()) await group.stopAll();
    await this.cleaning;
    await this.root.flushed;
    await this.root.close();
    this.lock.release();
  }

  private openTopic(name: string, meta: StoredTopicMeta): TopicState {
    const db = this.root.openDB<Buffer, [number, number]>({ name: `log:${name}`, encoding: 'binary' });
    const nextOffset: number[] = [];
    const count: number[] = [];
    for (let partition = 0; partition < meta.partitions; partition++) {
      let next = 0;
      for (const key of db.getKeys({ start: [partition, Number.MAX_SAFE_INTEGER], end: [partition, -1], reverse: true, limit: 1 })) {
        next = key[1] + 1;
      }
      nextOffset.push(next);
      count.push(db.getKeysCount({ start: [partition, 0], end: [partition, Number.MAX_SAFE_INTEGER] }));
    }
    const appended = new EventEmitter();
    appended.setMaxListeners(0);
    const state: TopicState = {
      info: { name, partitions: meta.partitions, configs: meta.configs, ...(meta.identity === undefined ? {} : { identity: meta.identity }) },
      db,
      nextOffset,
      visibleEnd: [...nextOffset],
      dirty: [...count],
      count,
      appended,
    };
    this.topics.set(name, state);
    return state;
  }

  private topicState(topic: string): TopicState {
    const state = this.topics.get(topic);
    if (state === undefined) throw jadeError('JADE_ERR_LOG_UNKNOWN_TOPIC', [topic], { context: { topic } });
    return state;
  }

  private assertOpen(): void {
    if (this.closed) throw jadeError('JADE_ERR_LOG_CLOSED', ['the embedded log']);
  }

  private runCleaner(force = false): Promise<void> {
    this.cleaning = this.cleaning.then(async () => {
      for (const state of this.topics.values()) {
        if (this.closed) return;
        try {
          await this.cleanTopic(state, force);
        } catch (err) {
          this.logger.error({ err, topic: state.info.name }, 'log cleaner failed; will retry');
        }
      }
    });
    return this.cleaning;
  }

  private async cleanTopic(state: TopicState, force: boolean): Promise<void> {
    const policy = state.info.configs['cleanup.policy'] ?? 'delete';
    const now = Date.now();
    for (let partition = 0; partition < state.info.partitions; partition++) {
      const end = state.visibleEnd[partition]!;
      if (end === 0) continue;
      const doomed: number[] = [];
      if (policy.includes('compact')) {
        const ratio = Number(state.info.configs['min.cleanable.dirty.ratio'] ?? '0.5');
        const deleteRetentionMs = Number(state.info.configs['delete.retention.ms'] ?? String(24 * 3600 * 1000));
        const lagMs = Number(state.info.configs['min.compaction.lag.ms'] ?? '0');
        const dirty = state.dirty[partition]!;
        if (!force && dirty === 0) continue;
        if (!force && dirty < ratio * state.count[partition]! && !this.hasExpiredTombstones(state, partition, end, now, deleteRetentionMs)) continue;
        doomed.push(...this.compactionVictims(state, partition, this.cleanableEnd(state, partition, end, now, lagMs), now, deleteRetentionMs));
      }
      if (policy.includes('delete')) {
        const retentionMs = Number(state.info.configs['retention.ms'] ?? String(7 * 24 * 3600 * 1000));
        if (retentionMs >= 0) doomed.push(...this.expiredRecords(state, partition, end, now, retentionMs));
      }
      state.dirty[partition] = 0;
      if (doomed.length === 0) continue;
      await state.db.transaction(() => {
        for (const offset of doomed) state.db.removeSync([partition, offset]);
      });
      if (this.options.fsync) await this.root.flushed;
      state.count[partition] = Math.max(0, state.count[partition]! - doomed.length);
      this.logger.debug({ topic: state.info.name, partition, removed: doomed.length }, 'cleaned partition');
    }
  }

  /**
   * Where compaction stops, as Kafka's cleaner does: records younger than `min.compaction.lag.ms` are neither removed
   * nor used to supersede older ones, so a record stays readable for at least that long.
   */
  private cleanableEnd(state: TopicState, partition: number, end: number, now: number, lagMs: number): number {
    if (lagMs <= 0) return end;
    for (const { key, value } of state.db.getRange({ start: [partition, 0], end: [partition, end] })) {
      if (now - decodeFrame(value).appendTime < lagMs) return key[1];
    }
    return end;
  }

  /** Offsets superseded by a later record of the same key, and tombstones past their retention. */
  private compactionVictims(state: TopicState, partition: number, end: number, now: number, deleteRetentionMs: number): number[] {
    const lastByKey = new Map<string, number>();
    for (const { key, value } of state.db.getRange({ start: [partition, 0], end: [partition, end] })) {
      lastByKey.set(decodeFrame(value).key.toString('latin1'), key[1]);
    }
    const victims: number[] = [];
    for (const { key, value } of state.db.getRange({ start: [partition, 0], end: [partition, end] })) {
      const offset = key[1];
      if (offset === end - 1) continue; // the newest record keeps the end offset
      const record = decodeFrame(value);
      if (lastByKey.get(record.key.toString('latin1')) !== offset) victims.push(offset);
      else if (record.value === null && now - record.appendTime > deleteRetentionMs) victims.push(offset);
    }
    return victims;
  }

  private hasExpiredTombstones(state: TopicState, partition: number, end: number, now: number, deleteRetentionMs: number): boolean {
    for (const { value } of state.db.getRange({ start: [partition, 0], end: [partition, end] })) {
      const record = decodeFrame(value);
      if (record.value === null && now - record.appendTime > deleteRetentionMs) return true;
    }
    return false;
  }

  private expiredRecords(state: TopicState, partition: number, end: number, now: number, retentionMs: number): number[] {
    const expired: number[] = [];
    // Appends are in time order, so the expired records are a prefix.
    for (const { key, value } of state.db.getRange({ start: [partition, 0], end: [partition, end - 1] })) {
      if (now - decodeFrame(value).appendTime <= retentionMs) break;
      expired.push(key[1]);
    }
    return expired;
  }

  /** Reads up to `limit` visible records of a partition from `offset` (skipping compacted holes). */
  static readRange(state: TopicState, partition: number, offset: number, limit: number): ConsumedRecord[] {
    const end = state.visibleEnd[partition]!;
    const out: ConsumedRecord[] = [];
    if (offset >= end) return out;
    for (const { key, value } of state.db.getRange({ start: [partition, offset], end: [partition, end], limit })) {
      const record = decodeFrame(value);
      out.push({
        topic: state.info.name,
        partition,
        offset: key[1],
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestamp: record.timestamp,
      });
    }
    return out;
  }
}

/** One in-process consumer group: sticky assignment of a topic's partitions over its members. */
class EmbeddedGroup {
  private readonly members: EmbeddedMember[] = [];
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly topic: TopicState,
    private readonly maxBatchRecords: number,
    private readonly logger: Logger,
  ) {}

  async join(options: ConsumeOptions): Promise<ConsumerHandle> {
    const member = new EmbeddedMember(this.topic, options, this.maxBatchRecords, this.logger, (m) => this.leave(m));
    this.members.push(member);
    await this.rebalance();
    member.startLoop();
    return member;
  }

  async stopAll(): Promise<void> {
    for (const member of [...this.members]) await member.stop();
  }

  private async leave(member: EmbeddedMember): Promise<void> {
    const index = this.members.indexOf(member);
    if (index < 0) return;
    this.members.splice(index, 1);
    await member.revoke(member.assignment());
    await this.rebalance();
  }

  private rebalance(): Promise<void> {
    this.rebalancing = this.rebalancing.then(async () => {
      const members = this.members;
      if (members.length === 0) return;
      const ids = new Map(members.map((m, i) => [m, String(i).padStart(6, '0')]));
      const plan = assignSticky(this.topic.info.partitions, members.map((m) => ({ id: ids.get(m)!, owned: m.assignment() })));
      const target = new Map(members.map((m) => [m, plan.get(ids.get(m)!)!]));
      for (const m of members) {
        const current = new Set(m.assignment());
        const next = new Set(target.get(m));
        const revoked = [...current].filter((p) => !next.has(p));
        if (revoked.length > 0) await m.revoke(revoked);
      }
      for (const m of members) {
        const current = new Set(m.assignment());
        const added = target.get(m)!.filter((p) => !current.has(p));
        if (added.length > 0) await m.assign(added);
      }
    });
    return this.rebalancing;
  }
}

/**
 * One member of a group. Each assigned partition has at most one batch in flight, so a partition is applied strictly
 * in offset order, while different partitions' batches run at the same time (as a handler with one worker thread per
 * shard needs to keep every core busy). Assignment changes wait for every batch in flight and hold new ones back, so
 * a partition is never assigned or revoked mid-batch.
 */
class EmbeddedMember implements ConsumerHandle {
  private readonly positions = new Map<number, number>();
  private readonly paused = new Set<number>();
  /** Seeks per partition, so that a seek made during a batch wins over the position after it. */
  private readonly seekCounts = new Map<number, number>();
  /** The batch in flight per partition. */
  private readonly inFlight = new Map<number, Promise<void>>();
  private stopped = false;
  /** The first error a batch threw: it stops the member. */
  private failure: { error: unknown } | undefined;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  /** Serialises assignment changes with each other. */
  private exclusive: Promise<void> = Promise.resolve();
  /** Assignment changes waiting for (or running after) the batches in flight: no batch starts meanwhile. */
  private exclusiveWaiting = 0;

  constructor(
    private readonly topic: TopicState,
    private readonly handlers: ConsumeOptions,
    private readonly maxBatchRecords: number,
    private readonly logger: Logger,
    private readonly onLeave: (m: EmbeddedMember) => Promise<void>,
  ) {
    this.topic.appended.on('append', this.notify);
  }

  assignment(): number[] {
    return [...this.positions.keys()].sort((a, b) => a - b);
  }

  pause(partitions: number[]): void {
    for (const p of partitions) this.paused.add(p);
  }

  resume(partitions: number[]): void {
    for (const p of partitions) this.paused.delete(p);
    this.notify();
  }

  seek(partition: number, offset: number): void {
    if (!this.positions.has(partition)) throw jadeError('JADE_ERR_LOG_NOT_ASSIGNED', [partition]);
    this.positions.set(partition, offset);
    this.seekCounts.set(partition, (this.seekCounts.get(partition) ?? 0) + 1);
    this.notify();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.topic.appended.off('append', this.notify);
    this.notify();
    await this.loop;
    await this.onLeave(this);
  }

  assign(partitions: number[]): Promise<void> {
    return this.runExclusive(async () => {
      const starts = await this.handlers.onAssign(partitions);
      for (const p of partitions) this.positions.set(p, starts.get(p) ?? 0);
    });
  }

  revoke(partitions: number[]): Promise<void> {
    return this.runExclusive(async () => {
      const mine = partitions.filter((p) => this.positions.has(p));
      if (mine.length === 0) return;
      await this.handlers.onRevoke(mine);
      for (const p of mine) {
        this.positions.delete(p);
        this.paused.delete(p);
        this.seekCounts.delete(p);
      }
    });
  }

  startLoop(): void {
    this.loop = this.run().catch((err: unknown) => {
      this.logger.error({ err, topic: this.topic.info.name, group: this.handlers.group }, 'consumer stopped by an error');
      this.stopped = true;
      this.topic.appended.off('append', this.notify);
      this.handlers.onCrash?.(err);
      void this.onLeave(this);
    });
  }

  private readonly notify = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  /** Runs `fn` once no batch is in flight, holding new batches back until it is done. */
  private runExclusive(fn: () => Promise<void>): Promise<void> {
    this.exclusiveWaiting += 1;
    const run = this.exclusive.then(async () => {
      try {
        // No batch starts while exclusiveWaiting > 0, so this set only shrinks.
        while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
        await fn();
      } finally {
        this.exclusiveWaiting -= 1;
        this.notify();
      }
    });
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.failure === undefined) {
      const sleep = new Promise<void>((resolve) => (this.wake = resolve));
      if (this.exclusiveWaiting === 0) {
        for (const partition of this.assignment()) {
          if (this.inFlight.has(partition) || this.paused.has(partition)) continue;
          const position = this.positions.get(partition)!;
          const records = EmbeddedBackbone.readRange(this.topic, partition, position, this.maxBatchRecords);
          if (records.length === 0) continue;
          const batch = this.deliver(partition, records).finally(() => {
            this.inFlight.delete(partition);
            this.notify();
          });
          this.inFlight.set(partition, batch);
        }
      }
      await sleep;
    }
    // Drain: every batch in flight finishes (or fails) before the member leaves or reports a failure.
    await Promise.all(this.inFlight.values());
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** Hands one batch to the handler and moves the partition past it. Never rejects: a failure stops the member. */
  private async deliver(partition: number, records: ConsumedRecord[]): Promise<void> {
    const seeksBefore = this.seekCounts.get(partition) ?? 0;
    try {
      await this.handlers.onBatch({
        topic: this.topic.info.name,
        partition,
        records,
        highWatermark: this.topic.visibleEnd[partition]!,
      });
    } catch (error) {
      this.failure ??= { error };
      return;
    }
    if ((this.seekCounts.get(partition) ?? 0) === seeksBefore && this.positions.has(partition)) {
      this.positions.set(partition, records[records.length - 1]!.offset + 1);
    }
  }
}

/** The LMDB key to open the log in `dir` with, checked against the key id and check value recorded at creation. */
function resolveEncryptionKey(dir: string, encryption: EmbeddedBackboneOptions['encryption']): string | undefined {
  const file = path.join(dir, ENCRYPTION_FILE);
  const invalid = (message: string): Error => jadeError('JADE_ERR_CONFIG_INVALID', [message]);
  let recorded: { keyId: string; check: string } | undefined;
  try {
    recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as { keyId: string; check: string };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw jadeError('JADE_ERR_LOG_CORRUPT', [file, (err as Error).message], { cause: err });
  }
  if (recorded === undefined) {
    if (encryption === undefined) return undefined;
    if (fs.existsSync(path.join(dir, 'log.mdb'))) {
      throw invalid(`encryptionKey (JADE_ENCRYPTION_KEY) is set, but the embedded log in ${dir} has no ${ENCRYPTION_FILE}: it was written without encryption, and cannot be encrypted in place`);
    }
    const key = encryption.lmdbKey(encryption.currentId)!;
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify({ keyId: encryption.currentId, check: keyCheck(key) }));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return key;
  }
  if (encryption === undefined) throw invalid(`the embedded log in ${dir} is encrypted (key id ${recorded.keyId}): set encryptionKey (JADE_ENCRYPTION_KEY)`);
  const key = encryption.lmdbKey(recorded.keyId);
  if (key === undefined) {
    throw invalid(`the embedded log in ${dir} is encrypted with key id ${recorded.keyId}, which is neither encryptionKeyId (JADE_ENCRYPTION_KEY_ID) nor in encryptionPreviousKeys (JADE_ENCRYPTION_PREVIOUS_KEYS)`);
  }
  if (keyCheck(key) !== recorded.check) throw invalid(`the key configured as ${recorded.keyId} is not the one the embedded log in ${dir} was encrypted with`);
  return key;
}

/** Tells keys apart without revealing them. */
function keyCheck(key: string): string {
  return createHmac('sha256', key).update('jadevectordb key check').digest('hex').slice(0, 32);
}
