/**
 * The state of one shard (one partition of the vectors topic), as a function of the prefix of the partition it
 * has applied plus the catalog (docs/architecture.md, invariant 1).
 *
 * For each database incarnation whose create marker precedes the applied prefix: an HNSW index, an id <-> label
 * map, and the vectors with their metadata in the live store. Records are applied strictly in offset order;
 * records that cannot be applied become dead letters (with a stable reason code) and the shard moves on.
 * Markers count only when the catalog confirms them, so every replica and every replay reaches the same state.
 */
import { failureKind, isJadeError, jadeError, type ErrorCode } from '../errors';
import type { CatalogState } from '../catalog/catalog-state';
import type { ConsumedRecord } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import { partitionForKey } from '../log/murmur2';
import { conditionOf, isReservedKey, parseMarkerKey, parseVectorKey, type DatabaseDefinition, type DatabaseMarkerRecord, type JsonObject } from '../log/records';
import { silentLogger, type Logger } from '../logger';
import { openPayload, type Keyring } from '../security/crypto';
import type { CompiledFilter } from './filter';
import { VectorIndex, type ValueSource } from './hnsw-index';
import { storedValuesProblem } from './values';
import { VectorStore, type IdVersion, type ShardMeta, type StoreOp, type StoredVector } from './vector-store';

/**
 * Header that marks the tombstones of an erasure, naming the dropped incarnation (its catalog offset) whose id they
 * delete. Such a tombstone applies only to that incarnation: a live incarnation of the same name is another's, and
 * keeps its state (docs/architecture.md, "Database lifecycle").
 */
export const ERASURE_HEADER = 'jade-erasure';

export interface DeadLetter {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  reasonCode: ErrorCode;
  reason: string;
}

export interface ApplyResult {
  /** How many of the given records were applied (or dead-lettered). Fewer than given when blocked on the catalog. */
  consumed: number;
  /** A drop or erased marker took effect: time for a snapshot that no longer holds the dropped data. */
  lifecycleChanged: boolean;
  /** Dropped incarnations whose `erased` marker this partition has not applied yet. */
  awaitingErasure: DroppedIncarnation[];
  /** The databases held after this batch. */
  databases: HeldDatabaseInfo[];
  deadLetters: DeadLetter[];
  /** Set when a marker names a catalog offset the catalog has not reached: catch up, then apply the rest. */
  waitForCatalogOffset?: number;
  /** Ids whose newest record does not carry their state: replica group 0 settles them once caught up. */
  unsettled: number;
}

/** A database a shard holds: its live vectors, and the graph slots they take (deleted ones included, until reused). */
export interface HeldDatabaseInfo {
  name: string;
  incarnation: number;
  count: number;
  elementCount: number;
  /** Live vectors not linked into the graph yet: searched exactly until the background indexer links them. */
  backlog: number;
}

export interface DroppedIncarnation {
  name: string;
  incarnation: number;
}

/**
 * An unsettled id's state, for replica group 0 to write as a `restore` (docs/architecture.md, "Read-modify-write on a
 * compacted log"): its values and metadata, or null when the id is deleted, as of `version` (-1 when the store knows
 * none: an id of a store from before versions).
 */
export interface PendingRepair {
  database: string;
  id: string;
  version: number;
  state: { values: number[]; metadata: JsonObject | null } | null;
}

export interface SearchRequest {
  vector: Float32Array;
  topK: number;
  efSearch?: number;
  exact?: boolean;
  filter?: CompiledFilter;
  includeValues?: boolean;
  includeMetadata?: boolean;
}

export interface SearchHit {
  id: string;
  score: number;
  metadata?: JsonObject | null;
  values?: number[];
}

export interface ShardVector {
  id: string;
  values: number[];
  metadata: JsonObject | null;
  /**
   * The offset of the newest record applied under the id, when known (a store written before versions existed has
   * none): the base a read-modify-write names. Internal; the REST API does not show it.
   */
  version?: number;
}

/** Changes of a batch not committed yet, by `incarnation/id`. */
interface PendingChanges {
  vectors: Map<string, StoredVector | null>;
  versions: Map<string, IdVersion>;
}

interface HeldDatabase {
  name: string;
  incarnation: number;
  definition: DatabaseDefinition;
  index: VectorIndex;
  /** label -> id, for turning search results back into ids. */
  ids: (string | undefined)[];
}

export interface ShardOptions {
  partition: number;
  /** P of the vectors topic: a record whose key hashes elsewhere is misplaced. */
  partitionCount: number;
  /** Directory of the live store. */
  dir: string;
  codec: RecordCodec;
  catalog: Pick<CatalogState, 'incarnation' | 'nextOffset'>;
  logger?: Logger;
  /** Encrypts the live store (its LMDB key) and opens encrypted record payloads. */
  keyring?: Keyring;
}

export class Shard {
  readonly partition: number;
  private readonly held = new Map<number, HeldDatabase>();
  private meta: ShardMeta;
  private readonly logger: Logger;
  private closed = false;

  private constructor(
    private readonly options: ShardOptions,
    private readonly store: VectorStore,
  ) {
    this.partition = options.partition;
    this.logger = (options.logger ?? silentLogger).child({ component: 'shard', partition: options.partition });
    this.meta = store.meta();
  }

  /**
   * Opens the shard on the live store in `options.dir`, rebuilding the in-memory indexes from it.
   * `indexFiles` maps incarnations to HNSW files saved at the same offset as the store (a snapshot);
   * incarnations without one are rebuilt by inserting their stored vectors.
   */
  static open(options: ShardOptions, indexFiles: ReadonlyMap<number, string> = new Map()): Shard {
    const store = VectorStore.open(options.dir, options.keyring === undefined ? {} : { encryptionKey: options.keyring.lmdbKey()! });
    const shard = new Shard(options, store);
    for (const [name, incarnation] of Object.entries(shard.meta.current)) {
      const known = options.catalog.incarnation(incarnation);
      if (known === undefined) throw jadeError('JADE_ERR_SHARD_CATALOG_BEHIND', [incarnation]);
      shard.hold(name, incarnation, known.definition, indexFiles.get(incarnation));
    }
    return shard;
  }

  /** Next partition offset to apply. */
  get nextOffset(): number {
    return this.meta.nextOffset;
  }

  /** Databases this shard holds, with their live counts and graph slots. */
  databases(): HeldDatabaseInfo[] {
    return [...this.held.values()].map((h) => ({
      name: h.name,
      incarnation: h.incarnation,
      count: h.index.size(),
      elementCount: h.index.elementCount(),
      backlog: h.index.backlog(),
    }));
  }

  /** Vectors applied but not linked into a graph yet, over every held database. */
  backlog(): number {
    let total = 0;
    for (const held of this.held.values()) total += held.index.backlog();
    return total;
  }

  /** Values (vectors x dimension) of the backlog: what an exact scan of it costs per search. */
  backlogValues(): number {
    let total = 0;
    for (const held of this.held.values()) total += held.index.backlog() * held.definition.dimension;
    return total;
  }

  /**
   * Links backlog vectors into their graphs until none is left or `deadline` (a `performance.now()` time) has
   * passed. Returns how many are still waiting. Called between requests by the shard's runtime.
   */
  indexBacklog(deadline: number): number {
    if (this.closed) return 0;
    let left = 0;
    for (const held of this.held.values()) left += held.index.indexBacklog(deadline);
    return left;
  }

  /**
   * Applies records in offset order. Records below `nextOffset` (a replay overlap) are skipped.
   * Returns the dead letters and, if a marker is ahead of the catalog, where it stopped. `catalogComplete` says the
   * catalog has just caught up with its topic's end, so a marker it cannot confirm is void.
   */
  apply(records: readonly ConsumedRecord[], options: { catalogComplete?: boolean } = {}): ApplyResult {
    this.assertOpen();
    const deadLetters: DeadLetter[] = [];
    const ops: StoreOp[] = [];
    const pending: PendingChanges = { vectors: new Map(), versions: new Map() };
    let consumed = 0;
    let lifecycleChanged = false;
    let meta = this.meta;
    const flush = (): void => {
      if (ops.length === 0 && meta.nextOffset === this.meta.nextOffset) return;
      this.store.commit(ops, meta);
      ops.length = 0;
      pending.vectors.clear();
      pending.versions.clear();
      this.meta = meta;
    };

    for (const record of records) {
      if (record.offset < meta.nextOffset) {
        consumed += 1;
        continue;
      }
      if (record.key !== null && isReservedKey(record.key)) {
        const marker = this.decodeMarker(record, deadLetters);
        if (marker !== undefined) {
          // A marker ahead of a complete catalog names a create that never happened: it is void, not awaited.
          if (this.options.catalog.nextOffset <= marker.incarnation && options.catalogComplete !== true) {
            flush();
            return {
              consumed,
              deadLetters,
              lifecycleChanged,
              awaitingErasure: this.awaitingErasure(),
              databases: this.databases(),
              waitForCatalogOffset: marker.incarnation,
              unsettled: this.store.unsettledCount(),
            };
          }
          flush();
          meta = this.applyMarker(marker, record.offset);
          if (marker.kind !== 'create') lifecycleChanged = true;
        }
      } else {
        let rejection: DeadLetter | undefined;
        try {
          rejection = this.applyVector(record, meta, ops, pending);
        } catch (err) {
          flush(); // what was applied before it stays applied, at an exact offset
          throw err;
        }
        if (rejection !== undefined) deadLetters.push(rejection);
      }
      meta = { ...meta, nextOffset: record.offset + 1 };
      consumed += 1;
    }
    flush();
    return { consumed, deadLetters, lifecycleChanged, awaitingErasure: this.awaitingErasure(), databases: this.databases(), unsettled: this.store.unsettledCount() };
  }

  search(database: string, request: SearchRequest): SearchHit[] {
    const held = this.heldByName(database);
    if (request.vector.length !== held.definition.dimension) {
      throw jadeError('JADE_ERR_SHARD_DIMENSION_MISMATCH', [request.vector.length, database, held.definition.dimension]);
    }
    const filter = request.filter;
    const matches =
      filter === undefined
        ? undefined
        : (label: number): boolean => {
            const id = held.ids[label];
            return id !== undefined && filter.matches(this.store.get(held.incarnation, id)?.metadata ?? null);
          };
    const found = held.index.search(request.vector, request.topK, {
      ef: request.efSearch ?? held.definition.efSearch,
      exact: request.exact === true,
      ...(matches === undefined ? {} : { filter: matches }),
    });
    const hits: SearchHit[] = [];
    for (const { label, score } of found) {
      const id = held.ids[label];
      if (id === undefined) continue;
      const hit: SearchHit = { id, score };
      if (request.includeMetadata !== false || request.includeValues === true) {
        const stored = this.store.get(held.incarnation, id);
        if (request.includeMetadata !== false) hit.metadata = stored?.metadata ?? null;
        if (request.includeValues === true && stored !== undefined) hit.values = Array.from(stored.values);
      }
      hits.push(hit);
    }
    return hits;
  }

  /** The stored vectors for these ids (missing ones are left out), values exactly as written. */
  get(database: string, ids: readonly string[]): ShardVector[] {
    const held = this.heldByName(database);
    const out: ShardVector[] = [];
    for (const id of ids) {
      const stored = this.store.get(held.incarnation, id);
      if (stored === undefined) continue;
      const version = this.store.version(held.incarnation, id);
      out.push({ id, values: Array.from(stored.values), metadata: stored.metadata, ...(version === undefined ? {} : { version: version.offset }) });
    }
    return out;
  }

  /**
   * Up to `limit` unsettled ids of live databases with their current state (replica group 0 writes each as a
   * `restore`). Ids of a dropped incarnation are left to its erasure.
   */
  pendingRepairs(limit: number): PendingRepair[] {
    this.assertOpen();
    const out: PendingRepair[] = [];
    for (const { incarnation, id } of this.store.unsettledIds(limit)) {
      const held = this.held.get(incarnation);
      if (held === undefined) continue;
      const stored = this.store.get(incarnation, id);
      out.push({
        database: held.name,
        id,
        // Unknown for the ids of a store from before versions: based on -1, the restore is overtaken only by a record
        // that lands before it, and applying that record gives the id a version.
        version: this.store.version(incarnation, id)?.offset ?? -1,
        state: stored === undefined ? null : { values: Array.from(stored.values), metadata: stored.metadata },
      });
    }
    return out;
  }

  /** Vectors in id order after `after`, optionally filtered, up to `limit`. */
  scroll(database: string, options: { after?: string; limit: number; filter?: CompiledFilter }): ShardVector[] {
    const held = this.heldByName(database);
    const out: ShardVector[] = [];
    let after = options.after;
    // Read in pages so a selective filter does not load the whole database at once.
    for (;;) {
      let seen = 0;
      for (const { id, vector } of this.store.entries(held.incarnation, { ...(after === undefined ? {} : { after }), limit: 1000 })) {
        seen += 1;
        after = id;
        if (options.filter !== undefined && !options.filter.matches(vector.metadata)) continue;
        out.push({ id, values: Array.from(vector.values), metadata: vector.metadata });
        if (out.length >= options.limit) return out;
      }
      if (seen < 1000) return out;
    }
  }

  count(database: string, filter?: CompiledFilter): number {
    const held = this.heldByName(database);
    if (filter === undefined) return held.index.size();
    let n = 0;
    for (const { vector } of this.store.entries(held.incarnation)) if (filter.matches(vector.metadata)) n += 1;
    return n;
  }

  /** Ids whose newest record does not carry their state: what `pendingRepairs` lists. */
  unsettledCount(): number {
    this.assertOpen();
    return this.store.unsettledCount();
  }

  /** Dropped incarnations whose `erased` marker this partition has not applied yet (cheap: no ids). */
  awaitingErasure(): DroppedIncarnation[] {
    return Object.entries(this.meta.dropped)
      .filter(([, d]) => !d.erased)
      .map(([incarnation, d]) => ({ name: d.name, incarnation: Number(incarnation) }));
  }

  /**
   * A page of the ids replica group 0 tombstones to erase a dropped incarnation (one of `awaitingErasure`): up to
   * `limit`, in id order, after `after`. Its rows do not change until its `erased` marker, so pages resumed after the
   * last id of the one before list each id once. Ids only: the values and metadata are never read. Empty for an
   * incarnation that is live, unknown or erased already.
   */
  erasureIds(incarnation: number, options: { after?: string; limit: number }): string[] {
    this.assertOpen();
    const dropped = this.meta.dropped[incarnation];
    if (dropped === undefined || dropped.erased) return [];
    return this.store.ids(incarnation, options);
  }

  /** Writes each held index to `dirFor(incarnation)` and copies the store: the parts of a snapshot at `nextOffset`. */
  async writeSnapshotParts(storeFile: string, indexFile: (incarnation: number) => string): Promise<Map<number, string>> {
    this.assertOpen();
    const files = new Map<number, string>();
    for (const held of this.held.values()) {
      const file = indexFile(held.incarnation);
      await held.index.writeTo(file);
      files.set(held.incarnation, file);
    }
    await this.store.copyTo(storeFile);
    return files;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const held of this.held.values()) held.index.close();
    this.held.clear();
    await this.store.close();
  }

  private assertOpen(): void {
    if (this.closed) throw jadeError('JADE_ERR_SHARD_CLOSED', [`shard ${this.partition}`]);
  }

  private heldByName(database: string): HeldDatabase {
    this.assertOpen();
    const incarnation = this.meta.current[database];
    const held = incarnation === undefined ? undefined : this.held.get(incarnation);
    if (held === undefined) throw jadeError('JADE_ERR_SHARD_DATABASE_NOT_HELD', [database], { context: { database, partition: this.partition } });
    return held;
  }

  private hold(name: string, incarnation: number, definition: DatabaseDefinition, indexFile?: string): HeldDatabase {
    const params = { metric: definition.metric, dimension: definition.dimension, m: definition.m, efConstruction: definition.efConstruction, efSearch: definition.efSearch };
    // Streamed: labels alone, then (for a rebuild) values through one reused buffer, never every row at once.
    const ids: (string | undefined)[] = [];
    let count = 0;
    for (const { id, label } of this.store.labels(incarnation)) {
      ids[label] = id;
      count += 1;
    }
    // The index scores linked vectors with the values in the live store (a file mapping, shared with the page
    // cache) instead of a second copy in memory; it keeps only its backlog's values until it links them.
    const values: ValueSource = {
      read: (label, into) => {
        const id = ids[label];
        return id !== undefined && this.store.readValues(incarnation, id, into) !== undefined;
      },
      scan: (visit) => this.store.scanValues(incarnation, definition.dimension, visit),
    };
    let index: VectorIndex;
    if (indexFile !== undefined) {
      index = VectorIndex.load(indexFile, params, { values });
    } else {
      index = VectorIndex.create({ ...params, initialCapacity: Math.max(1024, count) }, { values });
      // Searchable at once; the runtime links them into the graph in the background.
      const rebuilt = index;
      this.store.scanValues(incarnation, definition.dimension, (label, vector) => rebuilt.upsert(label, vector, { defer: true }));
    }
    const held: HeldDatabase = { name, incarnation, definition, index, ids };
    this.held.set(incarnation, held);
    return held;
  }

  private decodeMarker(record: ConsumedRecord, deadLetters: DeadLetter[]): DatabaseMarkerRecord | undefined {
    const key = record.key!;
    // Other reserved records (the topic identity) are not the shard's business.
    if (key.length < 3 || key[1] !== 0x6d /* m */ || key[2] !== 0x2f /* / */) return undefined;
    try {
      const fromKey = parseMarkerKey(key);
      if (record.value === null) throw jadeError('JADE_ERR_CODEC_INVALID_FIELD', ['value', 'a marker cannot be a tombstone']);
      const decoded = this.options.codec.decode(record.value);
      if (decoded.type !== 'database-marker') throw jadeError('JADE_ERR_SHARD_UNEXPECTED_RECORD', [decoded.type]);
      if (decoded.database !== fromKey.database || decoded.incarnation !== fromKey.incarnation || decoded.kind !== fromKey.kind) {
        throw jadeError('JADE_ERR_SHARD_KEY_MISMATCH', [`${decoded.database}/${decoded.incarnation}/${decoded.kind}`, key.toString('utf8', 1)]);
      }
      return decoded;
    } catch (err) {
      if (failureKind(err) !== 'bad-record') throw err; // this node's trouble, not the record's (see applyVector)
      deadLetters.push(this.deadLetter(record, err));
      return undefined;
    }
  }

  /** Honours a marker the catalog confirms; a marker it does not confirm is void (logged, not dead-lettered). */
  private applyMarker(marker: DatabaseMarkerRecord, offset: number): ShardMeta {
    const known = this.options.catalog.incarnation(marker.incarnation);
    const meta: ShardMeta = { nextOffset: offset + 1, current: { ...this.meta.current }, dropped: { ...this.meta.dropped } };
    const confirmed = known !== undefined && known.name === marker.database && (marker.kind === 'create' || known.droppedAt !== undefined);
    if (!confirmed) {
      this.logger.warn({ marker, offset }, 'marker not confirmed by the catalog; ignored');
      this.store.commit([], meta);
      return meta;
    }
    switch (marker.kind) {
      case 'create': {
        const previous = meta.current[marker.database];
        if (previous === marker.incarnation || meta.dropped[marker.incarnation] !== undefined) break; // re-emitted marker
        if (previous !== undefined) this.release(previous, meta, marker.database, offset); // a drop marker was lost
        meta.current[marker.database] = marker.incarnation;
        this.store.commit([], meta);
        this.hold(marker.database, marker.incarnation, (known).definition);
        return meta;
      }
      case 'drop': {
        if (meta.current[marker.database] !== marker.incarnation) break;
        this.release(marker.incarnation, meta, marker.database, offset);
        break;
      }
      case 'erased': {
        const dropped = meta.dropped[marker.incarnation];
        if (dropped === undefined || dropped.erased) break;
        meta.dropped[marker.incarnation] = { ...dropped, erased: true };
        this.store.dropIncarnation(marker.incarnation, meta);
        return meta;
      }
      default: {
        const unknown: never = marker.kind;
        throw new Error(`unknown marker kind ${String(unknown)}`);
      }
    }
    this.store.commit([], meta);
    return meta;
  }

  /** Stops serving an incarnation at once; its rows stay until erased, so the erasure knows which ids to delete. */
  private release(incarnation: number, meta: ShardMeta, name: string, offset: number): void {
    delete meta.current[name];
    meta.dropped[incarnation] = { name, erased: false, droppedAtOffset: offset };
    const held = this.held.get(incarnation);
    held?.index.close();
    this.held.delete(incarnation);
  }

  private applyVector(record: ConsumedRecord, meta: ShardMeta, ops: StoreOp[], pending: PendingChanges): DeadLetter | undefined {
    try {
      if (record.key === null) throw jadeError('JADE_ERR_KEY_INVALID', ['a vector record needs a key <database>/<id>']);
      const { database, id } = parseVectorKey(record.key);
      const expectedPartition = partitionForKey(record.key, this.options.partitionCount);
      if (expectedPartition !== this.partition) {
        throw jadeError('JADE_ERR_SHARD_WRONG_PARTITION', [record.key.toString('utf8'), expectedPartition, this.partition]);
      }
      const incarnation = meta.current[database];
      const condition = conditionOf(record.headers);
      if (record.value === null) {
        const erasing = erasureOf(record.headers);
        if (erasing !== undefined && erasing !== incarnation) {
          // The erasure of a dropped incarnation: the rows it deletes go with its `erased` marker. A live incarnation of
          // the same name (re-created after a drop marker that was never written, or by a gateway whose catalog was
          // behind) keeps its state; only if it holds the id is the id unsettled, since this tombstone is now the
          // newest record under its key and compaction would keep it alone (see "Read-modify-write on a compacted log").
          if (incarnation !== undefined && this.holds(incarnation, id, pending)) this.touch(incarnation, id, record.offset, ops, pending);
          return undefined;
        }
        if (incarnation === undefined) throw jadeError('JADE_ERR_SHARD_DATABASE_NOT_LIVE', [database]);
        const held = this.held.get(incarnation)!;
        if (condition !== undefined && this.conflicts(incarnation, id, condition.baseVersion, pending)) {
          this.touch(incarnation, id, record.offset, ops, pending);
          return undefined;
        }
        this.remove(held, id, record.offset, ops, pending);
        return undefined;
      }
      const decoded = this.options.codec.decode(openPayload(this.options.keyring, { key: record.key, value: record.value, headers: record.headers }));
      if (decoded.type !== 'vector-upsert' && decoded.type !== 'vector-patch') throw jadeError('JADE_ERR_SHARD_UNEXPECTED_RECORD', [decoded.type]);
      if (decoded.database !== database || decoded.id !== id) {
        throw jadeError('JADE_ERR_SHARD_KEY_MISMATCH', [`${decoded.database}/${decoded.id}`, `${database}/${id}`]);
      }
      if (incarnation === undefined) throw jadeError('JADE_ERR_SHARD_DATABASE_NOT_LIVE', [database]);
      const held = this.held.get(incarnation)!;
      const key = `${incarnation}/${id}`;
      const existing = pending.vectors.has(key) ? pending.vectors.get(key) ?? undefined : this.store.get(incarnation, id);
      if (decoded.type === 'vector-patch') {
        // Written by releases before 0.2 (metadata only). Patching an absent id is a no-op: its upsert may have been
        // deleted since, and replays must agree. A patched id is unsettled: its newest record lacks its values.
        if (existing === undefined) {
          this.touch(incarnation, id, record.offset, ops, pending, false);
          return undefined;
        }
        this.put(incarnation, id, { ...existing, metadata: decoded.metadata }, record.offset, true, ops, pending);
        return undefined;
      }
      validateValues(decoded.values, held.definition);
      if (condition !== undefined && this.conflicts(incarnation, id, condition.baseVersion, pending)) {
        // Another write landed after the state this one was computed from: a patch keeps that write's values and
        // sets its metadata; a restore is out of date and changes nothing.
        if (condition.kind === 'patch' && existing !== undefined) this.put(incarnation, id, { ...existing, metadata: decoded.metadata }, record.offset, true, ops, pending);
        else this.touch(incarnation, id, record.offset, ops, pending);
        return undefined;
      }
      const label = existing?.label ?? held.index.allocateLabel();
      // Visible to searches as soon as the batch commits; linked into the graph by the background indexer.
      held.index.upsert(label, decoded.values, { defer: true });
      held.ids[label] = id;
      this.put(incarnation, id, { label, values: decoded.values, metadata: decoded.metadata }, record.offset, false, ops, pending);
      return undefined;
    } catch (err) {
      // Only a record no replica could ever apply is a dead letter. This node's own trouble (a native index failure,
      // a full disk, a missing key) stops the partition instead: skipping the record here while another replica
      // applies it would make replicas disagree (src/errors.ts, FailureKind).
      if (failureKind(err) !== 'bad-record') throw err;
      return this.deadLetter(record, err);
    }
  }

  /**
   * Whether a record of the id landed after `baseVersion`. An id whose version the store does not know (its records
   * compacted away, or a store from before versions) cannot conflict: the conditional record is then its newest.
   */
  private conflicts(incarnation: number, id: string, baseVersion: number, pending: PendingChanges): boolean {
    const key = `${incarnation}/${id}`;
    const version = pending.versions.get(key) ?? this.store.version(incarnation, id);
    return version !== undefined && version.offset > baseVersion;
  }

  /** Whether the id has a live vector in the incarnation, counting this batch's changes (values are not decoded). */
  private holds(incarnation: number, id: string, pending: PendingChanges): boolean {
    const key = `${incarnation}/${id}`;
    return pending.vectors.has(key) ? pending.vectors.get(key) !== null : this.store.labelOf(incarnation, id) !== undefined;
  }

  private put(incarnation: number, id: string, vector: StoredVector, offset: number, unsettled: boolean, ops: StoreOp[], pending: PendingChanges): void {
    const key = `${incarnation}/${id}`;
    ops.push({ kind: 'put', incarnation, id, vector, version: offset, unsettled });
    pending.vectors.set(key, vector);
    pending.versions.set(key, { offset, deleted: false });
  }

  /** Records that a record landed under the id without changing its state (unsettled unless said otherwise). */
  private touch(incarnation: number, id: string, offset: number, ops: StoreOp[], pending: PendingChanges, unsettled = true): void {
    const key = `${incarnation}/${id}`;
    const deleted = (pending.vectors.has(key) ? pending.vectors.get(key) ?? undefined : this.store.get(incarnation, id)) === undefined;
    ops.push({ kind: 'touch', incarnation, id, version: offset, unsettled, deleted });
    pending.versions.set(key, { offset, deleted });
  }

  private remove(held: HeldDatabase, id: string, offset: number, ops: StoreOp[], pending: PendingChanges): void {
    const key = `${held.incarnation}/${id}`;
    const existing = pending.vectors.has(key) ? pending.vectors.get(key) ?? undefined : this.store.get(held.incarnation, id);
    if (existing !== undefined) {
      held.index.remove(existing.label);
      held.ids[existing.label] = undefined;
    }
    // A delete of an absent id still records its version: a conditional write based on an older state conflicts.
    ops.push({ kind: 'delete', incarnation: held.incarnation, id, version: offset, unsettled: false });
    pending.vectors.set(key, null);
    pending.versions.set(key, { offset, deleted: true });
  }

  private deadLetter(record: ConsumedRecord, err: unknown): DeadLetter {
    const reasonCode: ErrorCode = isJadeError(err) ? err.code : 'JADE_ERR_CODEC_DECODE_FAILED';
    const reason = err instanceof Error ? err.message : String(err);
    this.logger.debug({ offset: record.offset, reasonCode }, 'record dead-lettered');
    return { offset: record.offset, key: record.key, value: record.value, reasonCode, reason };
  }
}

/** The incarnation an erasure tombstone names, or undefined for another record; a malformed one is a dead letter. */
function erasureOf(headers: Readonly<Record<string, Buffer | undefined>>): number | undefined {
  const header = headers[ERASURE_HEADER];
  if (header === undefined) return undefined;
  const text = header.toString('latin1');
  const incarnation = /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(incarnation)) throw jadeError('JADE_ERR_CODEC_INVALID_FIELD', ['headers', `${ERASURE_HEADER} must name a database incarnation (a catalog offset)`]);
  return incarnation;
}

/** Refuses what src/shard/values.ts finds wrong: the gateway refuses the same before acknowledging a write. */
function validateValues(values: Float32Array, definition: DatabaseDefinition): void {
  if (values.length !== definition.dimension) {
    throw jadeError('JADE_ERR_SHARD_DIMENSION_MISMATCH', [values.length, definition.name, definition.dimension]);
  }
  const problem = storedValuesProblem(values, definition.metric);
  if (problem?.kind === 'non-finite') throw jadeError('JADE_ERR_SHARD_NON_FINITE', [problem.index]);
  if (problem?.kind === 'zero') throw jadeError('JADE_ERR_SHARD_ZERO_VECTOR', [definition.name]);
}
