/**
 * The production backbone: Apache Kafka through KafkaJS.
 *
 * What KafkaJS lacks, and how this module works with it (docs/architecture.md, "Why Kafka"):
 * - No manual assignment, eager rebalances: assignments come from the `GROUP_JOIN` event; partitions are paused
 *   while `onAssign` decides their start offsets, then sought and resumed. Auto-commit is off: offsets belong to
 *   snapshots. A seek issued on `GROUP_JOIN` can race the first fetch (kafkajs#1363), so every partition starts
 *   from the beginning and records below the expected offset are dropped: a lost seek re-reads, never skips.
 * - A sticky assigner keyed by member id keeps a node's partitions (and their in-memory state) across rebalances.
 * - The idempotent producer can wedge on `OUT_OF_ORDER_SEQUENCE_NUMBER` after a broker restart: it is recreated
 *   (a retried batch may then be duplicated, which upserts by id absorb).
 * - Batches are split so no record batch exceeds the broker's message size, and concurrent `produce` calls are
 *   coalesced into one request at a time (one in flight keeps the idempotent producer's sequences simple).
 */
import { randomUUID } from 'node:crypto';
import {
  AssignerProtocol,
  ConfigResourceTypes,
  Kafka,
  ConfigSource,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Assigner,
  type Cluster,
  type Consumer,
  type EachBatchPayload,
  type KafkaConfig,
  type LogEntry,
  type Producer,
  type RecordMetadata,
  type SASLOptions,
} from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { jadeError, isJadeError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import {
  identityOfRecord,
  readerGroup,
  recordSize,
  toOffset,
  configsToAdjust,
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
import { partitionForKey } from './murmur2';
import { assignSticky } from './sticky-assignment';

export interface KafkaBackboneOptions {
  brokers: readonly string[];
  /** @default 'jadevectordb' */
  clientId?: string;
  /** @default 10000 */
  connectionTimeoutMs?: number;
  /** @default 30000 */
  requestTimeoutMs?: number;
  /** Largest record produced; keep at or below the brokers' `message.max.bytes`. @default 1048576 */
  maxRecordBytes?: number;
  /** Consumer session timeout: how fast a dead member’s partitions move (brokers refuse less than their group.min.session.timeout.ms). @default 6000 */
  sessionTimeoutMs?: number;
  /** @default 1000 */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data when idle: bounds pause/seek latency. @default 250 */
  fetchMaxWaitMs?: number;
  /** Prefix used for the private reader groups this backbone creates. @default 'jade' */
  groupPrefix?: string;
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
  logger?: Logger;
}

interface PendingProduce {
  topic: string;
  records: ProduceRecord[];
  partitions: number[];
  acks: (ProduceAck | undefined)[];
  resolve(acks: ProduceAck[]): void;
  reject(error: unknown): void;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** Errors after which KafkaJS's idempotent producer must be replaced, not retried. */
const WEDGED_PRODUCER_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_ID_MAPPING']);

export class KafkaBackbone implements Backbone {
  readonly kind = 'kafka' as const;
  readonly maxRecordBytes: number;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private producer: Producer;
  private producerConnected = false;
  private readonly logger: Logger;
  private readonly topicCache = new Map<string, TopicInfo>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly queue: PendingProduce[] = [];
  private draining = false;
  private readonly consumers = new Set<KafkaMember>();
  private closed = false;

  private constructor(private readonly options: KafkaBackboneOptions & { groupPrefix: string }) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'kafka' });
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    const config: KafkaConfig = {
      clientId: options.clientId ?? 'jadevectordb',
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
      logLevel: KafkaLogLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logKafkaJs(entry),
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
    };
    this.kafka = new Kafka(config);
    this.admin = this.kafka.admin();
    this.producer = this.newProducer();
  }

  /**
   * Connects to the brokers, retrying with backoff until `deadlineMs` passes; then fails with one clear message.
   */
  static async connect(options: KafkaBackboneOptions, deadlineMs = 60_000): Promise<KafkaBackbone> {
    const backbone = new KafkaBackbone({ ...options, groupPrefix: options.groupPrefix ?? 'jade' });
    const deadline = Date.now() + deadlineMs;
    let delay = 250;
    for (;;) {
      try {
        await backbone.admin.connect();
        await backbone.producer.connect();
        backbone.producerConnected = true;
        return backbone;
      } catch (err) {
        if (Date.now() + delay > deadline) {
          await backbone.close().catch(() => undefined);
          throw jadeError('JADE_ERR_LOG_UNAVAILABLE', [`no broker of ${options.brokers.join(',')} answered: ${(err as Error).message}`], { cause: err });
        }
        backbone.logger.warn({ err, retryInMs: delay }, 'Kafka not reachable yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  async ensureTopic(spec: TopicSpec): Promise<TopicInfo> {
    this.assertOpen();
    let existing = await this.describeTopic(spec.name);
    if (existing === undefined) {
      let created = false;
      try {
        created = await this.admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: spec.name,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor,
              configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
            },
          ],
        });
      } catch (err) {
        // KafkaJS's wait for leaders can fail on KRaft with UNKNOWN_TOPIC_OR_PARTITION although the topic was created:
        // go on and describe it; a missing identity is adopted below.
        if (!errorTypes(err).has('UNKNOWN_TOPIC_OR_PARTITION')) throw err;
        this.logger.warn({ err, topic: spec.name }, 'topic created but its leaders were not visible yet');
      }
      // The broker answering the next metadata request may not know the new topic yet.
      await this.describeCreated(spec.name);
      // A candidate, like any starter's that finds none: the first identity record in the log is the identity.
      if (created && spec.withIdentity === true) await this.produce(spec.name, [topicIdentityRecord(randomUUID())]);
      this.topicCache.delete(spec.name);
      this.partitionCounts.delete(spec.name);
      existing = await this.describeCreated(spec.name);
    }
    const diffs = topicDifferences(spec, existing);
    if (diffs.length > 0) throw jadeError('JADE_ERR_CONFIG_TOPIC_MISMATCH', [spec.name, diffs.join('; ')]);
    const adjust = configsToAdjust(spec, existing);
    if (adjust.length > 0) {
      // AlterConfigs (KafkaJS has no incremental form) replaces a topic's dynamic configs as a whole: send the ones it
      // has (an operator's included), with the adjusted ones changed.
      const described = await this.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name }] });
      const dynamic = new Map<string, string>();
      for (const entry of described.resources[0]?.configEntries ?? []) {
        if (entry.configSource === ConfigSource.TOPIC_CONFIG) dynamic.set(entry.configName, entry.configValue);
      }
      for (const name of adjust) dynamic.set(name, spec.configs[name]!);
      await this.admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries: [...dynamic].map(([name, value]) => ({ name, value })) }],
      });
      this.logger.info({ topic: spec.name, configs: Object.fromEntries(adjust.map((n) => [n, spec.configs[n]])) }, 'topic configs adjusted');
      this.topicCache.delete(spec.name);
      existing = (await this.describeTopic(spec.name)) ?? existing;
    }
    if (spec.withIdentity === true && existing.identity === undefined) {
      existing = await this.adoptIdentity(spec.name, existing);
    }
    return existing;
  }

  /** Describes a topic just created, looking again for a while: metadata reaches the brokers one by one. */
  private async describeCreated(topic: string, timeoutMs = 30_000): Promise<TopicInfo> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let failure: unknown;
      try {
        const info = await this.describeTopic(topic);
        if (info !== undefined) return info;
      } catch (err) {
        // e.g. the topic listed by one broker while the one asked for its configs does not know it yet
        failure = err;
      }
      if (Date.now() > deadline) throw failure instanceof Error ? failure : jadeError('JADE_ERR_LOG_UNKNOWN_TOPIC', [topic]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async describeTopic(topic: string): Promise<TopicInfo | undefined> {
    this.assertOpen();
    const cached = this.topicCache.get(topic);
    if (cached !== undefined) return cached;
    let partitions: number;
    try {
      partitions = await this.partitionCount(topic);
    } catch (err) {
      if (isJadeError(err, 'JADE_ERR_LOG_UNKNOWN_TOPIC')) return undefined;
      throw err;
    }
    const described = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    const configs: Record<string, string> = {};
    for (const entry of described.resources[0]?.configEntries ?? []) configs[entry.configName] = entry.configValue;
    const identity = await this.readIdentity(topic);
    const info: TopicInfo = { name: topic, partitions, configs, ...(identity === undefined ? {} : { identity }) };
    // P never changes, so the layout can be cached; a topic without its identity yet is looked up again.
    if (identity !== undefined) this.topicCache.set(topic, info);
    return info;
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<ProduceAck[]> {
    this.assertOpen();
    for (const record of records) {
      const size = recordSize(record);
      if (size > this.maxRecordBytes) {
        throw jadeError('JADE_ERR_LOG_RECORD_TOO_LARGE', [size, this.maxRecordBytes], { context: { topic } });
      }
    }
    if (records.length === 0) return [];
    const partitionCount = await this.partitionCount(topic);
    const partitions = records.map((record) => {
      const partition = record.partition ?? partitionForKey(record.key, partitionCount);
      if (!(Number.isInteger(partition) && partition >= 0 && partition < partitionCount)) {
        throw jadeError('JADE_ERR_LOG_UNKNOWN_TOPIC', [`${topic} partition ${partition}`]);
      }
      return partition;
    });
    return new Promise<ProduceAck[]>((resolve, reject) => {
      this.queue.push({ topic, records, partitions, acks: new Array<ProduceAck | undefined>(records.length), resolve, reject });
      void this.drain();
    });
  }

  /** How many brokers the cluster reports in its metadata (brokers that are down are not counted). */
  async brokerCount(): Promise<number> {
    this.assertOpen();
    return (await this.admin.describeCluster()).brokers.length;
  }

  /** The fewest replicas any partition of an existing topic has. */
  async replicationFactorOf(topic: string): Promise<number> {
    this.assertOpen();
    const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return Math.min(...(metadata.topics[0]?.partitions ?? []).map((p) => p.replicas.length));
  }

  async endOffsets(topic: string): Promise<number[]> {
    this.assertOpen();
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return byPartition(offsets.map((o) => ({ partition: o.partition, offset: toOffset(o.high) })));
  }

  async startOffsets(topic: string): Promise<number[]> {
    this.assertOpen();
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return byPartition(offsets.map((o) => ({ partition: o.partition, offset: toOffset(o.low) })));
  }

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    this.assertOpen();
    await this.partitionCount(options.topic);
    const member = new KafkaMember(this.kafka, options, {
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 6_000,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 1_000,
      fetchMaxWaitMs: this.options.fetchMaxWaitMs ?? 250,
      logger: this.logger,
      onStopped: (m) => this.consumers.delete(m),
    });
    this.consumers.add(member);
    await member.start();
    return member;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const member of [...this.consumers]) await member.stop().catch(() => undefined);
    for (const pending of this.queue.splice(0)) pending.reject(jadeError('JADE_ERR_LOG_CLOSED', ['the Kafka backbone']));
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Partitions are always set explicitly; this only silences KafkaJS's partitioner notice.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded (unlike KafkaJS's idempotent default of forever), yet long enough to outlast a leader failover.
      retry: { initialRetryTime: 100, retries: 20, maxRetryTime: 5_000 },
    });
  }

  /** P of a topic, from metadata; cached, since P never changes for the life of a topic. */
  private async partitionCount(topic: string): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached !== undefined) return cached;
    const names = await this.admin.listTopics();
    if (!names.includes(topic)) throw jadeError('JADE_ERR_LOG_UNKNOWN_TOPIC', [topic], { context: { topic } });
    const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const count = metadata.topics[0]?.partitions.length ?? 0;
    if (count === 0) throw jadeError('JADE_ERR_LOG_UNKNOWN_TOPIC', [topic], { context: { topic } });
    this.partitionCounts.set(topic, count);
    return count;
  }

  /** Sends queued produce calls, coalesced, one request at a time. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.takeBatch();
        try {
          await this.sendCoalesced(batch);
          for (const pending of batch) pending.resolve(pending.acks as ProduceAck[]);
        } catch (err) {
          for (const pending of batch) {
            const acknowledged = pending.acks.filter((a): a is ProduceAck => a !== undefined);
            if (acknowledged.length === pending.records.length) {
              pending.resolve(acknowledged);
              continue;
            }
            pending.reject(
              isJadeError(err)
                ? err
                : jadeError('JADE_ERR_LOG_PRODUCE_FAILED', [(err as Error).message], {
                    cause: err,
                    context: { topic: pending.topic, acknowledged: pending.acks.map((a) => a ?? null) },
                  }),
            );
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Takes queued calls up to about 16 MiB, so one request does not grow without bound. */
  private takeBatch(): PendingProduce[] {
    const batch: PendingProduce[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && (batch.length === 0 || bytes < 16 * 1024 * 1024)) {
      const next = this.queue.shift()!;
      batch.push(next);
      for (const record of next.records) bytes += recordSize(record);
    }
    return batch;
  }

  /**
   * Sends the records of several produce calls in rounds: each round carries at most one chunk per
   * topic-partition, each chunk under `maxRecordBytes`, so order within a partition is the order of the calls.
   */
  private async sendCoalesced(batch: PendingProduce[]): Promise<void> {
    type Item = { pending: PendingProduce; index: number };
    const lanes = new Map<string, { topic: string; partition: number; chunks: Item[][] }>();
    for (const pending of batch) {
      pending.records.forEach((record, index) => {
        const partition = pending.partitions[index]!;
        const laneKey = `${pending.topic}\u0000${partition}`;
        let lane = lanes.get(laneKey);
        if (lane === undefined) {
          lane = { topic: pending.topic, partition, chunks: [[]] };
          lanes.set(laneKey, lane);
        }
        let chunk = lane.chunks[lane.chunks.length - 1]!;
        const chunkBytes = chunk.reduce((sum, item) => sum + recordSize(item.pending.records[item.index]!), 0);
        if (chunk.length > 0 && chunkBytes + recordSize(record) > this.maxRecordBytes) {
          chunk = [];
          lane.chunks.push(chunk);
        }
        chunk.push({ pending, index });
      });
    }
    for (let round = 0; ; round++) {
      const topicMessages = new Map<string, { partition: number; items: Item[] }[]>();
      for (const lane of lanes.values()) {
        const chunk = lane.chunks[round];
        if (chunk === undefined) continue;
        const list = topicMessages.get(lane.topic) ?? [];
        list.push({ partition: lane.partition, items: chunk });
        topicMessages.set(lane.topic, list);
      }
      if (topicMessages.size === 0) return;
      const metadata = await this.sendRound(topicMessages);
      for (const [topic, chunks] of topicMessages) {
        for (const { partition, items } of chunks) {
          const meta = metadata.find((m) => m.topicName === topic && m.partition === partition);
          if (meta?.baseOffset === undefined) {
            throw jadeError('JADE_ERR_LOG_PRODUCE_FAILED', [`no acknowledgement for ${topic}/${partition}`], { context: { topic, partition } });
          }
          const base = toOffset(meta.baseOffset);
          items.forEach((item, i) => (item.pending.acks[item.index] = { partition, offset: base + i }));
        }
      }
    }
  }

  private async sendRound(topicMessages: Map<string, { partition: number; items: { pending: PendingProduce; index: number }[] }[]>): Promise<RecordMetadata[]> {
    const requestFor = (wanted: (topic: string, partition: number) => boolean) => ({
      acks: -1,
      topicMessages: [...topicMessages].map(([topic, chunks]) => ({
        topic,
        messages: chunks.filter(({ partition }) => wanted(topic, partition)).flatMap(({ partition, items }) =>
          items.map(({ pending, index }) => {
            const record = pending.records[index]!;
            return {
              key: record.key,
              value: record.value,
              partition,
              headers: record.headers ?? {},
              timestamp: String(record.timestamp ?? Date.now()),
            };
          }),
        ),
      })).filter((t) => t.messages.length > 0),
    });
    let metadata: RecordMetadata[] = [];
    let request = requestFor(() => true);
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.producerConnected) {
          await this.producer.connect();
          this.producerConnected = true;
        }
        metadata = metadata.concat(await this.producer.sendBatch(request));
      } catch (err) {
        // After a failed send KafkaJS has rolled back the sequence numbers of records that may be in the log: a later
        // batch reusing them would be taken by the broker for a retry and acknowledged without being written.
        await this.recreateProducer(err, 'a send failed');
        if (!isWedged(err) || attempt > 0) throw err;
        continue;
      }
      // KafkaJS's sendBatch can resolve without some partitions (its retries skip brokers that already answered, so a
      // partition whose leadership moved to one of them is never re-sent), with their sequence numbers rolled back.
      const missing = new Set<string>();
      for (const [topic, chunks] of topicMessages) {
        for (const { partition } of chunks) {
          if (!metadata.some((m) => m.topicName === topic && m.partition === partition)) missing.add(`${topic}\u0000${partition}`);
        }
      }
      if (missing.size === 0) return metadata;
      await this.recreateProducer(undefined, `no acknowledgement for ${[...missing].map((m) => m.replace('\u0000', '/')).join(', ')}`);
      if (attempt >= 2) return metadata; // the caller reports the missing partitions
      request = requestFor((topic, partition) => missing.has(`${topic}\u0000${partition}`));
    }
  }

  /** Replaces the producer (a new producer id). Connecting is left to the next send, so a broker outage here
   * cannot leave the backbone holding a producer that never connects. */
  private async recreateProducer(err: unknown, why: string): Promise<void> {
    this.logger.warn({ err }, `recreating the idempotent producer: ${why}`);
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.newProducer();
    this.producerConnected = false;
  }

  /** The identity of a topic: the value of the first identity record in partition 0, if any (see `TOPIC_IDENTITY_KEY`). */
  private async readIdentity(topic: string): Promise<string | undefined> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const p0 = offsets.find((o) => o.partition === 0);
    if (p0 === undefined || toOffset(p0.high) === 0) return undefined;
    const end = toOffset(p0.high);
    let identity: string | undefined;
    let reachedEnd = false;
    const handle = await this.consume({
      topic,
      group: readerGroup(this.options.groupPrefix, 'identity'),
      onAssign: () => new Map(),
      onRevoke: () => undefined,
      onBatch: (batch) => {
        if (batch.partition !== 0) return Promise.resolve();
        for (const record of batch.records) {
          identity ??= identityOfRecord(record);
          if (record.offset >= end - 1) reachedEnd = true;
        }
        if (identity !== undefined) reachedEnd = true;
        return Promise.resolve();
      },
    });
    try {
      const deadline = Date.now() + 30_000;
      while (!reachedEnd && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await handle.stop();
    }
    return identity;
  }

  /**
   * A topic with no identity yet (its creator died before writing one, or another starter's is not visible yet) gets
   * a candidate, and the first identity record in partition 0 is adopted: processes doing this at once agree, and,
   * since every candidate has a key of its own, compaction can never remove the first one (see `TOPIC_IDENTITY_KEY`).
   */
  private async adoptIdentity(topic: string, info: TopicInfo): Promise<TopicInfo> {
    await this.produce(topic, [topicIdentityRecord(randomUUID())]);
    this.topicCache.delete(topic);
    const identity = await this.readIdentity(topic);
    const adopted = { ...info, ...(identity === undefined ? {} : { identity }) };
    if (identity !== undefined) this.topicCache.set(topic, adopted);
    return adopted;
  }

  private assertOpen(): void {
    if (this.closed) throw jadeError('JADE_ERR_LOG_CLOSED', ['the Kafka backbone']);
  }

  /** KafkaJS logs retried conditions (a coordinator loading, a leader moving) as errors: failures that matter
   * reach callers as exceptions, so its messages are warnings here. */
  private logKafkaJs(entry: LogEntry): void {
    const { message, ...extra } = entry.log;
    if (message.startsWith('Limiting retries for the idempotent producer')) return; // bounded on purpose, see newProducer
    const fields = { namespace: entry.namespace, ...extra };
    if (entry.level <= KafkaLogLevel.WARN) this.logger.warn(fields, message);
    else this.logger.debug(fields, message);
  }
}

/** The KafkaJS error types of an error, its causes and the errors it wraps (retriers wrap the original). */
function errorTypes(err: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (err === null || err === undefined || typeof err !== 'object' || depth > 8) return found;
  const e = err as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.type === 'string') found.add(e.type);
  errorTypes(e.cause, found, depth + 1);
  errorTypes(e.originalError, found, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) errorTypes(inner, found, depth + 1);
  return found;
}

function isWedged(err: unknown): boolean {
  return [...errorTypes(err)].some((type) => WEDGED_PRODUCER_ERRORS.has(type));
}

function byPartition(entries: { partition: number; offset: number }[]): number[] {
  const out: number[] = new Array<number>(entries.length).fill(0);
  for (const { partition, offset } of entries) out[partition] = offset;
  return out;
}

/** Partitions whose batches one member handles at once (more than P is harmless). */
const PARTITIONS_CONSUMED_CONCURRENTLY = 64;

interface MemberSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  fetchMaxWaitMs: number;
  logger: Logger;
  onStopped(member: KafkaMember): void;
}

/** One consumer-group member: turns KafkaJS's eager rebalances into onAssign/onRevoke calls with start offsets. */
class KafkaMember implements ConsumerHandle {
  private readonly consumer: Consumer;
  private readonly memberKey: string;
  /**
   * Next offset expected per assigned partition; anything below is a replay of a lost seek and is dropped.
   * Insertion order is the order of assignment (the sticky assigner's preference).
   */
  private readonly expected = new Map<number, number>();
  /** Partitions whose onAssign has not finished: their batches are dropped and re-read after the seek. */
  private readonly initialising = new Set<number>();
  private readonly userPaused = new Set<number>();
  private rebalance: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly logger: Logger;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly settings: MemberSettings,
  ) {
    this.memberKey = options.memberId ?? randomUUID();
    this.logger = settings.logger.child({ group: options.group, topic: options.topic, member: this.memberKey });
    this.consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(30_000, settings.sessionTimeoutMs),
      maxWaitTimeInMs: settings.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
      partitionAssigners: [({ cluster }) => this.stickyAssigner(cluster)],
      retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    });
  }

  async start(): Promise<void> {
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => {
      const assigned = (event.payload.memberAssignment[this.options.topic] ?? []).slice().sort((a, b) => a - b);
      this.onGroupJoin(assigned);
    });
    this.consumer.on(CRASH, (event) => {
      if (event.payload.restart) return;
      this.logger.error({ err: event.payload.error }, 'consumer crashed');
      this.options.onCrash?.(event.payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      // Batches of different partitions are handled at once (KafkaJS keeps each partition's in order): their shards
      // apply in different worker threads instead of waiting for each other.
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: (payload) => this.onKafkaBatch(payload),
    });
  }

  assignment(): number[] {
    return [...this.expected.keys()].sort((a, b) => a - b);
  }

  pause(partitions: number[]): void {
    for (const p of partitions) this.userPaused.add(p);
    this.consumer.pause([{ topic: this.options.topic, partitions }]);
  }

  resume(partitions: number[]): void {
    for (const p of partitions) this.userPaused.delete(p);
    const ready = partitions.filter((p) => !this.initialising.has(p));
    if (ready.length > 0) this.consumer.resume([{ topic: this.options.topic, partitions: ready }]);
  }

  seek(partition: number, offset: number): void {
    if (!this.expected.has(partition)) throw jadeError('JADE_ERR_LOG_NOT_ASSIGNED', [partition]);
    this.expected.set(partition, offset);
    this.consumer.seek({ topic: this.options.topic, partition, offset: String(offset) });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.rebalance.catch(() => undefined);
    const owned = this.assignment();
    try {
      if (owned.length > 0) await this.options.onRevoke(owned);
    } finally {
      this.expected.clear();
      await this.consumer.disconnect().catch(() => undefined);
      this.settings.onStopped(this);
    }
  }

  private onGroupJoin(assigned: number[]): void {
    // KafkaJS restarts every partition from its (absent) committed offset after a rebalance: pause the ones not yet
    // settled until their start offsets are known, and put the settled ones back where they were.
    const settled = new Set(this.expected.keys());
    const unsettled = assigned.filter((p) => !settled.has(p));
    for (const p of unsettled) this.initialising.add(p);
    if (unsettled.length > 0) this.consumer.pause([{ topic: this.options.topic, partitions: unsettled }]);
    for (const p of assigned) if (settled.has(p)) this.consumer.seek({ topic: this.options.topic, partition: p, offset: String(this.expected.get(p)) });
    this.rebalance = this.rebalance.then(async () => {
      if (this.stopped) return;
      // What to revoke and add is decided against the ownership the previous rebalance left, not the one at the
      // event: a rebalance that arrives while the previous onAssign still runs would otherwise assign its partitions
      // a second time and never revoke those it lost.
      const current = new Set(this.expected.keys());
      const next = new Set(assigned);
      const revoked = [...current].filter((p) => !next.has(p));
      const added = assigned.filter((p) => !current.has(p));
      try {
        if (revoked.length > 0) {
          await this.options.onRevoke(revoked);
          for (const p of revoked) this.expected.delete(p);
        }
        // Settled by the previous rebalance after this event: back to where they were (their pause was lifted then).
        for (const p of assigned) {
          if (current.has(p) && !settled.has(p)) this.consumer.seek({ topic: this.options.topic, partition: p, offset: String(this.expected.get(p)) });
        }
        if (added.length === 0) return;
        const starts = await this.options.onAssign(added);
        for (const p of added) {
          const start = starts.get(p) ?? 0;
          this.expected.set(p, start);
          this.initialising.delete(p);
          this.consumer.seek({ topic: this.options.topic, partition: p, offset: String(start) });
        }
        const resumable = added.filter((p) => !this.userPaused.has(p));
        if (resumable.length > 0) this.consumer.resume([{ topic: this.options.topic, partitions: resumable }]);
      } catch (err) {
        this.logger.error({ err }, 'rebalance handler failed; stopping the consumer');
        this.options.onCrash?.(err);
        void this.stop();
      }
    });
  }

  private async onKafkaBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    if (!payload.isRunning() || payload.isStale() || this.initialising.has(partition) || this.userPaused.has(partition)) return;
    const expected = this.expected.get(partition);
    if (expected === undefined) return;
    const records: ConsumedRecord[] = [];
    for (const message of batch.messages) {
      const offset = toOffset(message.offset);
      if (offset < expected) continue;
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        if (Buffer.isBuffer(value)) headers[name] = value;
        else if (typeof value === 'string') headers[name] = Buffer.from(value);
      }
      records.push({
        topic: batch.topic,
        partition,
        offset,
        key: message.key ?? null,
        value: message.value ?? null,
        headers,
        timestamp: Number(message.timestamp),
      });
    }
    if (records.length === 0) return;
    // KafkaJS heartbeats between batches: keep heartbeating while a slow batch is applied, so the member is not
    // evicted (and its partitions moved) when one takes longer than the session timeout.
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch((err: unknown) => this.logger.debug({ err, partition }, 'heartbeat during a batch failed'));
    }, this.settings.heartbeatIntervalMs);
    try {
      await this.options.onBatch({ topic: batch.topic, partition, records, highWatermark: toOffset(batch.highWatermark) });
    } finally {
      clearInterval(heartbeats);
    }
    // A seek during onBatch already set the next position; otherwise continue after this batch.
    if (this.expected.get(partition) === expected) this.expected.set(partition, records[records.length - 1]!.offset + 1);
    await payload.heartbeat();
  }

  /** Balanced assignment that keeps each member's partitions; members advertise what they own in userData. */
  private stickyAssigner(cluster: Cluster): Assigner {
    const topic = this.options.topic;
    return {
      name: 'JadeStickyAssigner',
      version: 1,
      protocol: ({ topics }) => ({
        name: 'JadeStickyAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          // Oldest first: when a member must give some up, it keeps those it has held longest (whole, in memory),
          // not those it took over a moment ago and may still be replaying.
          userData: Buffer.from(JSON.stringify({ member: this.memberKey, owned: [...this.expected.keys()] })),
        }),
      }),
      assign: async ({ members }) => {
        let partitionCount = cluster.findTopicPartitionMetadata(topic).length;
        if (partitionCount === 0) {
          await cluster.refreshMetadata();
          partitionCount = cluster.findTopicPartitionMetadata(topic).length;
        }
        const claims = members.map((m) => {
          const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          let owned: number[] = [];
          try {
            const data = JSON.parse(meta?.userData.toString() ?? '{}') as { owned?: unknown };
            if (Array.isArray(data.owned)) owned = data.owned.filter((p): p is number => Number.isInteger(p));
          } catch {
            // A member that advertises nothing (another version): it claims no partitions.
          }
          return { id: m.memberId, owned };
        });
        const plan = assignSticky(partitionCount, claims);
        return claims.map((c) => ({
          memberId: c.id,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: { [topic]: plan.get(c.id) ?? [] },
            userData: Buffer.alloc(0),
          }),
        }));
      },
    };
  }
}
