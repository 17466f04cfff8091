/**
 * The log backbone: the one interface the rest of JadeVectorDB uses to write and read its topics.
 * Two implementations keep the same semantics (keys, murmur2 partitioning, offsets, compaction):
 * `KafkaBackbone` (KafkaJS, production) and `EmbeddedBackbone` (an append-only log in LMDB, for `npm start`).
 * One contract test suite runs unchanged against both.
 *
 * Offsets are JavaScript numbers, converted from Kafka's strings with a safe-integer check (`toOffset`), so they
 * are never silently rounded: a partition would need 2^53 records before the check could fire.
 */
import { jadeError } from '../errors';

/** A record to append. The backbone computes the partition from the key unless `partition` is set. */
export interface ProduceRecord {
  /** Kafka record key. Required: every topic of ours is keyed (compaction and partitioning depend on it). */
  key: Buffer;
  /** `null` is a tombstone (a delete, under compaction). */
  value: Buffer | null;
  headers?: Record<string, Buffer>;
  /**
   * Explicit partition, for system records that must go to every partition (database markers, reserved keys).
   * Everything else is placed by `(murmur2(key) & 0x7fffffff) % P`, as Kafka's default partitioner does.
   */
  partition?: number;
  /** Create time in ms since the epoch. @default Date.now() */
  timestamp?: number;
}

/** Where an acknowledged record landed. */
export interface ProduceAck {
  partition: number;
  offset: number;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  /** Records in offset order, all at or beyond the position the consumer asked for. Never empty. */
  records: ConsumedRecord[];
  /** The partition's end offset (high watermark) when the batch was fetched. */
  highWatermark: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Ignored by the embedded backbone (one copy on local disk). */
  replicationFactor: number;
  /** Kafka topic configs, e.g. `cleanup.policy`, `delete.retention.ms`, `retention.ms`, `segment.ms`. */
  configs: Record<string, string>;
  /**
   * Configs that may change after creation: an existing topic that disagrees is altered to the spec (a release that
   * adds or raises one upgrades its topics) instead of stopping start-up. Every other difference stops it.
   */
  adjustable?: readonly string[];
  /** Configs set when the topic is created but never compared with (or adjusted on) an existing topic. */
  creationOnly?: readonly string[];
  /**
   * Write a topic identity record (a UUID in partition 0, see `TOPIC_IDENTITY_KEY`) when creating the topic.
   * Consistency tokens and snapshots name it, so a token or snapshot from a re-created topic is refused.
   */
  withIdentity?: boolean;
}

export interface TopicInfo {
  name: string;
  partitions: number;
  /** The UUID of the first identity record in partition 0 (see `TOPIC_IDENTITY_KEY`), if the topic has one. */
  identity?: string;
  configs: Record<string, string>;
}

export interface ConsumeHandlers {
  /**
   * Called when partitions are assigned to this member. Returns the offset to start each one from
   * (offsets are owned by snapshots, never by group commits). A partition missing from the map starts at 0.
   */
  onAssign(partitions: number[]): Promise<Map<number, number>> | Map<number, number>;
  /** Called before partitions are taken away (rebalance or stop): the moment to snapshot them. */
  onRevoke(partitions: number[]): Promise<void> | void;
  /** Called with each batch, one at a time per partition, in offset order. A throw stops the consumer. */
  onBatch(batch: ConsumedBatch): Promise<void>;
  /** Called when the consumer fails for good (after retries); the handle is stopped. */
  onCrash?(error: unknown): void;
}

export interface ConsumeOptions extends ConsumeHandlers {
  topic: string;
  /**
   * Consumer group. Members of one group share the partitions; each group sees the whole topic.
   * Use `readerGroup()` for a private reader of every partition.
   */
  group: string;
  /** Identifies this member for sticky assignment (Kafka) and logs. */
  memberId?: string;
}

export interface ConsumerHandle {
  /** Partitions currently assigned to this member. */
  assignment(): number[];
  pause(partitions: number[]): void;
  resume(partitions: number[]): void;
  /** Moves the position of an assigned partition; the next batch starts there. */
  seek(partition: number, offset: number): void;
  /** Leaves the group after `onRevoke` for every assigned partition. Idempotent. */
  stop(): Promise<void>;
}

export interface Backbone {
  readonly kind: 'kafka' | 'embedded';
  /**
   * Creates the topic with exactly this spec, or verifies an existing one: a partition count or a config that
   * disagrees is a `JADE_ERR_CONFIG_TOPIC_MISMATCH` (the program refuses to go on rather than run on a wrong layout).
   */
  ensureTopic(spec: TopicSpec): Promise<TopicInfo>;
  /** The topic as it exists, or `undefined`. */
  describeTopic(topic: string): Promise<TopicInfo | undefined>;
  /**
   * Appends records and resolves once every one is durable (Kafka: idempotent producer, acks=all; embedded: flushed
   * to disk). Records of one partition keep their order. Rejects with a retriable error if the log fails; records
   * acknowledged before the failure are reported in the error's `context.acknowledged`.
   */
  produce(topic: string, records: ProduceRecord[]): Promise<ProduceAck[]>;
  /** The next offset to be written in each partition (the high watermark), indexed by partition. */
  endOffsets(topic: string): Promise<number[]>;
  /** The first offset still stored in each partition (retention may have removed earlier ones). */
  startOffsets(topic: string): Promise<number[]>;
  consume(options: ConsumeOptions): Promise<ConsumerHandle>;
  /** Largest record (key + value + headers) the backbone accepts. */
  readonly maxRecordBytes: number;
  close(): Promise<void>;
}

/**
 * Prefix of the keys of topic identity records: reserved keys start with a NUL byte and can never be user ids.
 *
 * The rule every reader applies (docs/architecture.md, "Topic identity"): **the identity of a topic is the value of
 * the identity record with the lowest offset in partition 0.** It holds under compaction and concurrent starters
 * because no identity record is ever superseded: each is written once, under a key of its own
 * (`topicIdentityRecord`: this prefix, '/', the UUID it carries), and compaction removes only records that a later
 * record of the same key supersedes. So the first identity record stays the first for the life of the topic, and
 * every reader, before and after compaction, finds the same one.
 *
 * A starter that finds no identity (it created the topic, or the creator died before writing one) writes a candidate
 * and then adopts whichever identity record is first in the log, its own or one a concurrent starter wrote before
 * it. Candidates that lost stay in the log, unused: a few records at most, written only while a topic has none.
 *
 * Releases before 0.2 wrote the record under this prefix alone. Such a record is read by the same rule; nothing writes
 * that key any more, so it is never superseded either. (Older starters that raced on one topic, with each other or
 * with a newer one, may have left more than one record under it; the first is then lost to compaction, which is the
 * defect this rule ends: such a topic's identity changes once, when the cleaner removes it.)
 */
export const TOPIC_IDENTITY_KEY = Buffer.from('\0topic-identity', 'utf8');

/** Whether `key` is the key of a topic identity record (see `TOPIC_IDENTITY_KEY`). */
export function isTopicIdentityKey(key: Uint8Array | null): boolean {
  if (key === null || key.length < TOPIC_IDENTITY_KEY.length) return false;
  if (!TOPIC_IDENTITY_KEY.equals(key.subarray(0, TOPIC_IDENTITY_KEY.length))) return false;
  return key.length === TOPIC_IDENTITY_KEY.length || key[TOPIC_IDENTITY_KEY.length] === 0x2f; /* '/' */
}

/** A topic identity record carrying `identity`, under a key no other record has (see `TOPIC_IDENTITY_KEY`). */
export function topicIdentityRecord(identity: string): ProduceRecord {
  return { key: Buffer.concat([TOPIC_IDENTITY_KEY, Buffer.from(`/${identity}`, 'utf8')]), value: Buffer.from(identity, 'utf8'), partition: 0 };
}

/** The identity a record of partition 0 states, if it is an identity record (readers take the first in offset order). */
export function identityOfRecord(record: { key: Uint8Array | null; value: Uint8Array | null }): string | undefined {
  if (!isTopicIdentityKey(record.key) || record.value === null || record.value.length === 0) return undefined;
  return Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength).toString('utf8');
}

/** A consumer group name private to one reader, for topics every process reads whole (catalog, security, cluster). */
export function readerGroup(prefix: string, purpose: string): string {
  return `${prefix}-reader-${purpose}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Converts a Kafka offset string to a number, refusing anything that would lose precision. */
export function toOffset(value: string | number | bigint): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < -1) {
    throw jadeError('JADE_ERR_LOG_OFFSET_OUT_OF_RANGE', [String(value), 'a safe integer offset']);
  }
  return n;
}

/** Bytes a record takes against the size limit: Kafka counts key, value and headers plus a small overhead. */
export function recordSize(record: ProduceRecord): number {
  let size = 70 + record.key.length + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers ?? {})) size += Buffer.byteLength(name) + value.length + 10;
  return size;
}

/** Compares a spec with what exists; returns the differences as text (empty when they agree), adjustable and creation-only ones aside. */
export function topicDifferences(spec: TopicSpec, existing: TopicInfo): string[] {
  const diffs: string[] = [];
  if (existing.partitions !== spec.partitions) diffs.push(`partitions is ${existing.partitions}, expected ${spec.partitions}`);
  for (const [name, value] of Object.entries(spec.configs)) {
    if ((spec.creationOnly ?? []).includes(name)) continue;
    const actual = existing.configs[name];
    if (actual !== undefined && actual !== value && !(spec.adjustable ?? []).includes(name)) diffs.push(`${name} is ${actual}, expected ${value}`);
  }
  return diffs;
}

/** The adjustable configs of `spec` that an existing topic lacks or holds another value of. */
export function configsToAdjust(spec: TopicSpec, existing: TopicInfo): string[] {
  return (spec.adjustable ?? []).filter((name) => spec.configs[name] !== undefined && existing.configs[name] !== spec.configs[name] && !(spec.creationOnly ?? []).includes(name));
}
