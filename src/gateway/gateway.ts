/**
 * The gateway's operations, independent of HTTP: validates against the catalog, produces to the log (acknowledged
 * only once durable, with a consistency token), and answers reads by scatter-gather over the partitions' owners,
 * merging top-k. Every read takes a consistency level; waits are bounded.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CatalogReader } from '../catalog/catalog-reader';
import type { DatabaseIncarnation } from '../catalog/catalog-state';
import { jadeError, isJadeError } from '../errors';
import { recordSize, type Backbone, type ProduceAck, type ProduceRecord, type TopicInfo } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import { partitionForKey } from '../log/murmur2';
import { conditionalHeaders, invalidIdReason, isValidDatabaseName, vectorKey, type DatabaseDefinition, type JsonObject, type Metric } from '../log/records';
import type { TopicNames } from '../log/topics';
import type { ReadOptions, ShardReads } from '../node/shard-reads';
import { payloadOverheadBytes, sealPayloads, type Keyring } from '../security/crypto';
import { compileFilter } from '../shard/filter';
import type { SearchHit, ShardVector } from '../shard/shard';
import { storedValuesProblem } from '../shard/values';
import { advanceOffsets, decodeToken, encodeToken, tokenForAcks, type Consistency } from './consistency';
import type { DatabaseLifecycle } from './database-lifecycle';
import { IdempotencyCache } from './idempotency';
import type { ShardRouter } from './router';

export interface GatewayLimits {
  maxBatchSize: number;
  maxMetadataBytes: number;
  maxRecordBytes: number;
  consistencyTimeoutMs: number;
  writeLagLimit: number;
}

export interface GatewayOptions {
  backbone: Backbone;
  codec: RecordCodec;
  catalog: CatalogReader;
  lifecycle: DatabaseLifecycle;
  router: ShardRouter;
  topics: { names: TopicNames; vectors: TopicInfo };
  limits: GatewayLimits;
  /** Set (config `payloadEncryption`): record values are encrypted with it before they reach the log. */
  payloadKeyring?: Keyring;
}

export interface DatabaseInput {
  name: string;
  dimension: number;
  metric: Metric;
  index?: { m?: number; efConstruction?: number; efSearch?: number };
  description?: string | null;
}

/** A database as the API shows it. */
export interface DatabaseView {
  name: string;
  dimension: number;
  metric: Metric;
  index: { m: number; efConstruction: number; efSearch: number };
  description: string | null;
  createdAt: string;
  vectorCount?: number;
}

export interface VectorInput {
  id?: string;
  values: number[];
  metadata?: JsonObject | null;
}

export interface SearchInput {
  vector: number[];
  topK?: number;
  filter?: unknown;
  efSearch?: number;
  exact?: boolean;
  includeValues?: boolean;
  includeMetadata?: boolean;
  consistency?: Consistency;
}

export interface WriteResult {
  ids: string[];
  token: string;
}

const INDEX_DEFAULTS = { m: 16, efConstruction: 200, efSearch: 64 };
/** Most ids a delete by filter reads and deletes at a time. */
const DELETE_PAGE = 1000;

export class Gateway {
  readonly idempotency = new IdempotencyCache();

  constructor(private readonly options: GatewayOptions) {}

  get partitions(): number {
    return this.options.topics.vectors.partitions;
  }

  // ---- databases ----

  async createDatabase(input: DatabaseInput): Promise<DatabaseView> {
    if (!isValidDatabaseName(input.name)) throw jadeError('JADE_ERR_DB_INVALID', [`name must match [a-z0-9][a-z0-9_-]{0,62}, got ${JSON.stringify(input.name)}`]);
    const definition: DatabaseDefinition = {
      name: input.name,
      dimension: input.dimension,
      metric: input.metric,
      m: input.index?.m ?? INDEX_DEFAULTS.m,
      efConstruction: input.index?.efConstruction ?? INDEX_DEFAULTS.efConstruction,
      efSearch: input.index?.efSearch ?? INDEX_DEFAULTS.efSearch,
      description: input.description ?? null,
      createdAtMs: Date.now(),
    };
    const created = await this.options.lifecycle.create(definition);
    return view(created);
  }

  listDatabases(): DatabaseView[] {
    return this.options.catalog.state.list().map(view);
  }

  async getDatabase(name: string, withCount = true): Promise<DatabaseView> {
    const live = this.live(name);
    if (!withCount) return view(live);
    return { ...view(live), vectorCount: await this.count(name, undefined, 'eventual') };
  }

  async updateDatabase(name: string, change: { description?: string | null; index?: { efSearch?: number } }): Promise<DatabaseView> {
    const updated = await this.options.lifecycle.update(name, {
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.index?.efSearch === undefined ? {} : { efSearch: change.index.efSearch }),
    });
    return view(updated);
  }

  async dropDatabase(name: string): Promise<void> {
    await this.options.lifecycle.drop(name);
  }

  // ---- writes ----

  /** Validates the whole batch first: any invalid item rejects it and nothing is produced. */
  async upsert(database: string, vectors: VectorInput[]): Promise<WriteResult> {
    const live = await this.options.lifecycle.writable(database);
    if (vectors.length > this.options.limits.maxBatchSize) {
      throw jadeError('JADE_ERR_BATCH_INVALID', [`${vectors.length} vectors exceed the batch limit of ${this.options.limits.maxBatchSize}`]);
    }
    const problems: string[] = [];
    const seen = new Map<string, number>();
    const records: ProduceRecord[] = [];
    const ids: string[] = [];
    // One float32 buffer for the whole batch, where valuesProblem leaves each vector's values rounded as validated:
    // the codec copies them into each record it encodes.
    const values = new Float32Array(live.definition.dimension);
    vectors.forEach((vector, item) => {
      const id = vector.id ?? randomUUID();
      const problem =
        invalidIdReason(id) ??
        (seen.has(id) ? `duplicate id ${JSON.stringify(id)} (also item ${seen.get(id)})` : undefined) ??
        valuesProblem(vector.values, live.definition, values) ??
        this.metadataProblem(vector.metadata);
      seen.set(id, item);
      if (problem !== undefined && problem !== null) {
        problems.push(`item ${item}: ${problem}`);
        return;
      }
      const value = this.options.codec.encode({
        type: 'vector-upsert',
        database,
        id,
        values,
        metadata: vector.metadata ?? null,
      });
      const record: ProduceRecord = { key: Buffer.from(vectorKey(database, id)), value };
      this.checkRecordSize(record, database, item);
      records.push(record);
      ids.push(id);
    });
    if (problems.length > 0) {
      const shown = problems.slice(0, 20).join('; ');
      throw jadeError(vectors.length === 1 ? 'JADE_ERR_VECTOR_INVALID' : 'JADE_ERR_BATCH_INVALID', [problems.length > 20 ? `${shown}; and ${problems.length - 20} more` : shown]);
    }
    return this.produce(ids, records);
  }

  /**
   * Replaces a vector's metadata, keeping its values. 404 when the id is absent.
   *
   * The vectors topic is compacted, so the record written must carry the whole state (values and metadata), never the
   * metadata alone. It is the state read at `strong` consistency with the new metadata, written as a conditional
   * `patch` on the version read: if another write of the id lands in between, the shard keeps that write's values
   * (or its delete) and sets only the metadata, and replica group 0 then writes the resulting state
   * (docs/architecture.md, "Read-modify-write on a compacted log").
   */
  async patchMetadata(database: string, id: string, metadata: JsonObject | null): Promise<WriteResult> {
    await this.options.lifecycle.writable(database);
    const problem = invalidIdReason(id) ?? this.metadataProblem(metadata);
    if (problem !== null && problem !== undefined) throw jadeError('JADE_ERR_VECTOR_INVALID', [problem]);
    const [existing] = await this.get(database, [id], 'strong');
    if (existing === undefined) throw jadeError('JADE_ERR_VECTOR_NOT_FOUND', [id, database]);
    const key = Buffer.from(vectorKey(database, id));
    const value = this.options.codec.encode({ type: 'vector-upsert', database, id, values: Float32Array.from(existing.values), metadata });
    const record: ProduceRecord = { key, value, headers: conditionalHeaders('patch', existing.version ?? -1) };
    this.checkRecordSize(record, database, 0);
    return this.produce([id], [record]);
  }

  async deleteIds(database: string, ids: string[]): Promise<WriteResult> {
    const unique = [...new Set(ids)];
    const acks = await this.produceDeletes(database, ids, unique);
    return { ids: unique, token: tokenForAcks(this.identity, this.partitions, acks) };
  }

  /**
   * Deletes every vector matching `filter`, as of strong reads; returns how many were deleted. It goes a page at a
   * time: a page of matching ids read at `strong` consistency (at most DELETE_PAGE, and at most a batch), deleted, then
   * the next page after it, so the gateway holds one page whatever the count. The token names, per partition, one past
   * the highest offset any page's deletes were written at: a read after it sees every delete.
   */
  async deleteByFilter(database: string, filter: unknown): Promise<{ count: number; token: string }> {
    compileFilter(filter);
    const pageSize = Math.min(DELETE_PAGE, this.options.limits.maxBatchSize);
    const offsets = new Array<number>(this.partitions).fill(0);
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.scroll(database, { limit: pageSize, filter, includeValues: false, consistency: 'strong', ...(cursor === undefined ? {} : { cursor }) });
      if (page.vectors.length > 0) {
        const ids = page.vectors.map((v) => v.id);
        advanceOffsets(offsets, await this.produceDeletes(database, ids, ids));
        count += ids.length;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return { count, token: encodeToken({ identity: this.identity, partitions: this.partitions, offsets }) };
  }

  // ---- reads ----

  async get(database: string, ids: string[], consistency: Consistency = 'eventual'): Promise<ShardVector[]> {
    const live = this.live(database);
    // An id no vector can have is the client's error (400), not a record-key failure deep in the log layer.
    const problems = ids.map((id, i) => [i, invalidIdReason(id)] as const).filter(([, p]) => p !== null);
    if (problems.length > 0) throw jadeError('JADE_ERR_VECTOR_INVALID', [problems.slice(0, 20).map(([i, p]) => `item ${i}: ${p}`).join('; ')]);
    const minOffsets = await this.minOffsets(consistency);
    const byPartition = idsByPartition(live.name, ids, this.partitions);
    const found = new Map<string, ShardVector>();
    await Promise.all(
      [...byPartition].map(async ([partition, partIds]) => {
        const vectors = await this.readPartition(partition, database, [], (reads) => reads.get(partition, database, partIds, this.readOptions(minOffsets, partition)));
        for (const v of vectors) found.set(v.id, v);
      }),
    );
    // Answer in the order asked, without repeats.
    const out: ShardVector[] = [];
    for (const id of new Set(ids)) {
      const v = found.get(id);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  async search(database: string, input: SearchInput): Promise<{ results: SearchHit[]; tookMs: number }> {
    const started = performance.now();
    const live = this.live(database);
    const problem = valuesProblem(input.vector, live.definition);
    if (problem !== undefined) throw jadeError('JADE_ERR_VECTOR_INVALID', [`query ${problem}`]);
    if (input.filter !== undefined) compileFilter(input.filter);
    const topK = input.topK ?? 10;
    const minOffsets = await this.minOffsets(input.consistency ?? 'eventual');
    const search = {
      vector: input.vector,
      topK,
      ...(input.efSearch === undefined ? {} : { efSearch: input.efSearch }),
      ...(input.exact === undefined ? {} : { exact: input.exact }),
      ...(input.filter === undefined ? {} : { filter: input.filter }),
      ...(input.includeValues === undefined ? {} : { includeValues: input.includeValues }),
      ...(input.includeMetadata === undefined ? {} : { includeMetadata: input.includeMetadata }),
    };
    const perShard = await Promise.all(
      Array.from({ length: this.partitions }, (_, partition) =>
        this.readPartition(partition, database, [], (reads) => reads.search(partition, database, search, this.readOptions(minOffsets, partition))),
      ),
    );
    const better = live.definition.metric === 'euclidean' ? (a: SearchHit, b: SearchHit) => a.score - b.score : (a: SearchHit, b: SearchHit) => b.score - a.score;
    const results = perShard.flat().sort((a, b) => better(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, topK);
    return { results, tookMs: Math.round((performance.now() - started) * 1000) / 1000 };
  }

  /** A page of vectors in id order. The cursor is opaque and names the database incarnation. */
  async scroll(
    database: string,
    page: { limit: number; cursor?: string; filter?: unknown; includeValues?: boolean; consistency?: Consistency },
  ): Promise<{ vectors: ShardVector[]; nextCursor: string | null }> {
    const live = this.live(database);
    if (page.filter !== undefined) compileFilter(page.filter);
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, live);
    const minOffsets = await this.minOffsets(page.consistency ?? 'eventual');
    const parts = await Promise.all(
      Array.from({ length: this.partitions }, (_, partition) =>
        this.readPartition(partition, database, [], (reads) =>
          reads.scroll(
            partition,
            database,
            { limit: page.limit + 1, ...(after === undefined ? {} : { after }), ...(page.filter === undefined ? {} : { filter: page.filter }) },
            this.readOptions(minOffsets, partition),
          ),
        ),
      ),
    );
    const merged = parts.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const vectors = merged.slice(0, page.limit).map((v) => (page.includeValues === false ? { id: v.id, metadata: v.metadata, values: [] } : v));
    const more = merged.length > page.limit;
    return { vectors, nextCursor: more && vectors.length > 0 ? encodeCursor(live, vectors[vectors.length - 1]!.id) : null };
  }

  async count(database: string, filter: unknown, consistency: Consistency = 'eventual'): Promise<number> {
    this.live(database);
    if (filter !== undefined) compileFilter(filter);
    const minOffsets = await this.minOffsets(consistency);
    const counts = await Promise.all(
      Array.from({ length: this.partitions }, (_, partition) =>
        this.readPartition(partition, database, 0, (reads) => reads.count(partition, database, filter, this.readOptions(minOffsets, partition))),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Request fingerprint for Idempotency-Key checks. */
  static fingerprint(method: string, url: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
  }

  // ---- internals ----

  private get identity(): string {
    return this.options.topics.vectors.identity ?? '';
  }

  private live(name: string): DatabaseIncarnation {
    const live = this.options.catalog.state.live(name);
    if (live === undefined) throw jadeError('JADE_ERR_DB_NOT_FOUND', [name]);
    return live;
  }

  private metadataProblem(metadata: JsonObject | null | undefined): string | undefined {
    if (metadata === undefined || metadata === null) return undefined;
    const bytes = Buffer.byteLength(JSON.stringify(metadata));
    if (bytes > this.options.limits.maxMetadataBytes) return `metadata is ${bytes} bytes, over the limit of ${this.options.limits.maxMetadataBytes}`;
    return undefined;
  }

  /** A record that cannot fit the log's size limit (with encryption's overhead) is a 413 before anything is produced. */
  private checkRecordSize(record: ProduceRecord, database: string, item: number): void {
    const size = recordSize(record) + (this.options.payloadKeyring === undefined ? 0 : payloadOverheadBytes(this.options.payloadKeyring));
    if (size > this.options.limits.maxRecordBytes) {
      throw jadeError('JADE_ERR_LOG_RECORD_TOO_LARGE', [size, this.options.limits.maxRecordBytes], { context: { database, item } });
    }
  }

  /** Checks a batch of ids to delete (`ids` as given, `unique` without repeats) and writes a tombstone for each. */
  private async produceDeletes(database: string, ids: string[], unique: string[]): Promise<ProduceAck[]> {
    await this.options.lifecycle.writable(database);
    if (ids.length > this.options.limits.maxBatchSize) throw jadeError('JADE_ERR_BATCH_INVALID', [`${ids.length} ids exceed the batch limit of ${this.options.limits.maxBatchSize}`]);
    const problems = ids.map((id, i) => [i, invalidIdReason(id)] as const).filter(([, p]) => p !== null);
    // As for upserts: one id is a vector problem, several a batch problem.
    if (problems.length > 0) throw jadeError(ids.length === 1 ? 'JADE_ERR_VECTOR_INVALID' : 'JADE_ERR_BATCH_INVALID', [problems.slice(0, 20).map(([i, p]) => `item ${i}: ${p}`).join('; ')]);
    return this.produceAcks(unique, unique.map((id) => ({ key: Buffer.from(vectorKey(database, id)), value: null })));
  }

  private async produce(ids: string[], records: ProduceRecord[]): Promise<WriteResult> {
    return { ids, token: tokenForAcks(this.identity, this.partitions, await this.produceAcks(ids, records)) };
  }

  /** Writes records (one per id, in order), refusing while a partition they go to lags too far; resolves with the acks. */
  private async produceAcks(ids: string[], records: ProduceRecord[]): Promise<ProduceAck[]> {
    const partitions = new Set(records.map((r) => partitionForKey(r.key, this.partitions)));
    for (const partition of partitions) {
      const stalled = this.options.router.stalled(partition);
      if (stalled !== undefined) throw jadeError('JADE_ERR_PARTITION_STALLED', [partition, stalled, 1], { context: { partition, retryAfterSeconds: 1 } });
      const lag = this.options.router.lag(partition);
      if (lag > this.options.limits.writeLagLimit) {
        throw jadeError('JADE_ERR_BACKPRESSURE', [lag, this.options.limits.writeLagLimit, 1], { context: { partition, retryAfterSeconds: 1 } });
      }
    }
    let acks: ProduceAck[];
    try {
      const keyring = this.options.payloadKeyring;
      acks = await this.options.backbone.produce(this.options.topics.names.vectors, keyring === undefined ? records : sealPayloads(keyring, records));
    } catch (err) {
      if (isJadeError(err) && Array.isArray(err.context.acknowledged)) {
        const acknowledged = ids.filter((_, i) => (err.context.acknowledged as unknown[])[i] !== null && (err.context.acknowledged as unknown[])[i] !== undefined);
        err.context.acknowledgedIds = acknowledged;
      }
      throw err;
    }
    return acks;
  }

  private async minOffsets(consistency: Consistency): Promise<number[] | undefined> {
    if (consistency === 'eventual') return undefined;
    const ends = await this.options.backbone.endOffsets(this.options.topics.names.vectors);
    if (consistency === 'strong') return ends;
    return decodeToken(consistency.after, { identity: this.identity, partitions: this.partitions, ends }).offsets;
  }

  /**
   * Reads one partition. A shard that does not hold a database the catalog says is live has not applied its create
   * marker yet: as of that shard the database is empty, which is what an `eventual` read may answer. (Strong and
   * read-your-writes reads wait past the marker, so they never get here.)
   */
  private async readPartition<T>(partition: number, database: string, empty: T, read: (reads: ShardReads) => Promise<T>): Promise<T> {
    try {
      return await this.options.router.route(partition, read);
    } catch (err) {
      if (isJadeError(err, 'JADE_ERR_SHARD_DATABASE_NOT_HELD') && this.options.catalog.state.live(database) !== undefined) return empty;
      throw err;
    }
  }

  private readOptions(minOffsets: number[] | undefined, partition: number): ReadOptions {
    return minOffsets === undefined ? {} : { minOffset: minOffsets[partition] ?? 0, timeoutMs: this.options.limits.consistencyTimeoutMs };
  }
}

/** Distinct ids grouped by the partition of their key, in linear time (a batch-get may name 100,000 ids). */
export function idsByPartition(database: string, ids: readonly string[], partitions: number): Map<number, string[]> {
  const byPartition = new Map<number, string[]>();
  for (const id of new Set(ids)) {
    const p = partitionForKey(vectorKey(database, id), partitions);
    const group = byPartition.get(p);
    if (group === undefined) byPartition.set(p, [id]);
    else group.push(id);
  }
  return byPartition;
}

function view(db: DatabaseIncarnation): DatabaseView {
  const d = db.definition;
  return {
    name: d.name,
    dimension: d.dimension,
    metric: d.metric,
    index: { m: d.m, efConstruction: d.efConstruction, efSearch: d.efSearch },
    description: d.description,
    createdAt: new Date(d.createdAtMs).toISOString(),
  };
}

/**
 * Why a vector's values cannot be stored in this database, or undefined when they can. The values are judged as
 * stored: rounded to float32 (into `rounded`, which then holds them) and checked as the shard checks them on apply
 * (src/shard/values.ts). So 1e-46 is a zero (it rounds to 0: no direction under cosine), 3.5e38 is not finite (it
 * rounds to Infinity), while 1e-40 (a float32 subnormal) and 3.4028235e38 (the largest float32) are stored.
 */
export function valuesProblem(values: readonly number[], definition: DatabaseDefinition, rounded = new Float32Array(values.length)): string | undefined {
  if (values.length !== definition.dimension) return `has ${values.length} values but database ${definition.name} has dimension ${definition.dimension}`;
  // Rounding converts anything to a number ('1' to 1): only numbers are values.
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') return `value at index ${i} is not a finite float32`;
  }
  rounded.set(values);
  const problem = storedValuesProblem(rounded, definition.metric);
  if (problem === undefined) return undefined;
  if (problem.kind === 'zero') return 'is a zero vector once rounded to float32, which has no direction under cosine';
  return `value at index ${problem.index} is not a finite float32`;
}

function encodeCursor(db: DatabaseIncarnation, lastId: string): string {
  return Buffer.from(JSON.stringify([db.name, db.incarnation, lastId])).toString('base64url');
}

function decodeCursor(cursor: string, db: DatabaseIncarnation): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw jadeError('JADE_ERR_CURSOR_INVALID', ['it does not decode']);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[2] !== 'string') throw jadeError('JADE_ERR_CURSOR_INVALID', ['it does not decode']);
  if (parsed[0] !== db.name || parsed[1] !== db.incarnation) throw jadeError('JADE_ERR_CURSOR_INVALID', ['it belongs to another database or to a dropped one']);
  return parsed[2];
}
