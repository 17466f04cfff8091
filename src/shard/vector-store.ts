/**
 * The live store of one shard: ids, values and metadata of every vector of every database incarnation in the
 * partition, and the offset the shard has applied, in one LMDB environment.
 *
 * A batch of records and the offset after it commit in one transaction, so the store is always at an exact
 * offset; a snapshot is a copy of it taken between batches. The store is a cache of the log: after a crash it is
 * rebuilt from a snapshot or a replay, never trusted as it was, so it is written without fsync.
 *
 * Vectors are stored as bytes (lmdb-js's default encoder mangles typed arrays nested in values):
 *   u32 label | u32 dimension | float32 LE values | metadata JSON (UTF-8, empty when none)
 *
 * Beside them, per id: its *version* (the offset of the newest record applied under its key, deletes included), which
 * conditional writes compare against, and the set of *unsettled* ids, whose newest record does not carry their state
 * (see docs/architecture.md, "Read-modify-write on a compacted log"). A store written before versions existed has
 * none: an id without a version is treated as one no conditional write can conflict with, and every id of such a
 * store is unsettled when it opens (see `open`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { jadeError } from '../errors';
import type { JsonObject } from '../log/records';

export interface StoredVector {
  label: number;
  values: Float32Array;
  metadata: JsonObject | null;
}

/** State kept beside the vectors: what the shard has applied and which incarnations it holds. */
export interface ShardMeta {
  /** Next partition offset to apply. */
  nextOffset: number;
  /** Databases whose create marker precedes the applied prefix, by name -> incarnation (only live ones). */
  current: Record<string, number>;
  /** Incarnations whose drop marker was applied, and whether their `erased` marker was seen too. */
  dropped: Record<string, { name: string; erased: boolean; droppedAtOffset: number }>;
}

/**
 * A change to one id, with the offset of the record that caused it (its new version) and whether that record leaves
 * the id unsettled (its newest record then does not carry its state, and replica group 0 writes one that does).
 */
export type StoreOp =
  | { kind: 'put'; incarnation: number; id: string; vector: StoredVector; version: number; unsettled: boolean }
  | { kind: 'delete'; incarnation: number; id: string; version: number; unsettled: boolean }
  | { kind: 'touch'; incarnation: number; id: string; version: number; unsettled: boolean; deleted: boolean };

/** What the store knows of an id's newest record: its offset, and whether it deleted the id. */
export interface IdVersion {
  offset: number;
  deleted: boolean;
}

const EMPTY_META: ShardMeta = { nextOffset: 0, current: {}, dropped: {} };

export class VectorStore {
  private inner: StoreHandles | undefined;

  private constructor(
    readonly dir: string,
    root: RootDatabase,
    private readonly encrypted: boolean,
  ) {
    this.inner = openHandles(root);
  }

  /**
   * Opens (or creates) the store in `dir`. `encryptionKey` is lmdb-js's: 32 ASCII characters (lmdb-js 3.5.6 reads it
   * as a string; see `Keyring.lmdbKey`), and every page on disk is encrypted with it.
   */
  static open(dir: string, options: { encryptionKey?: string } = {}): VectorStore {
    fs.mkdirSync(dir, { recursive: true });
    const root = open({
      path: path.join(dir, 'live.mdb'),
      maxDbs: 8,
      noSync: true,
      ...(options.encryptionKey === undefined ? {} : { encryptionKey: options.encryptionKey }),
    });
    const store = new VectorStore(dir, root, options.encryptionKey !== undefined);
    store.unsettleUnversioned();
    return store;
  }

  /**
   * A store written before versions existed (release 0.1, whose snapshots hold only `vectors` and `meta`) holds
   * vectors and no version at all; every store since records a version with each vector. It does not say which of
   * its ids a metadata-only `vector-patch` wrote last, and compaction keeps only that patch of such an id: every id it
   * holds is unsettled, so replica group 0 rewrites each once as a record that carries its state.
   */
  private unsettleUnversioned(): void {
    const { root, vectors, versions, unsettled } = this.handle();
    if (versions.getKeysCount({ limit: 1 }) > 0 || vectors.getKeysCount({ limit: 1 }) === 0) return;
    let batch: [number, string][] = [];
    const flush = (): void => {
      const keys = batch;
      batch = [];
      root.transactionSync(() => {
        for (const key of keys) unsettled.putSync(key, true);
      });
    };
    for (const key of vectors.getKeys()) {
      batch.push(key);
      if (batch.length >= 10_000) flush();
    }
    flush();
  }

  /**
   * Makes `dir` hold the store copied to `file` by `copyTo`: the file itself for a plain store; for an encrypted one,
   * a new encrypted store filled from the plain copy (which the caller keeps in memory-backed temp space).
   */
  static async restore(file: string, dir: string, options: { encryptionKey?: string } = {}): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    if (options.encryptionKey === undefined) {
      fs.copyFileSync(file, path.join(dir, 'live.mdb'));
      return;
    }
    const source = open({ path: file, maxDbs: 8, readOnly: true });
    const store = VectorStore.open(dir, options);
    try {
      await copyDatabases(source, store.handle());
    } finally {
      await store.close();
      await source.close();
    }
  }

  meta(): ShardMeta {
    return structuredClone(this.handle().meta.get('state') ?? EMPTY_META);
  }

  get(incarnation: number, id: string): StoredVector | undefined {
    const bytes = this.handle().vectors.get([incarnation, id]);
    return bytes === undefined ? undefined : decodeVector(bytes);
  }

  /** The offset of the newest record applied under an id (deletes included), if the store knows it. */
  version(incarnation: number, id: string): IdVersion | undefined {
    const value = this.handle().versions.get([incarnation, id]);
    return value === undefined ? undefined : { offset: Math.abs(value) - 1, deleted: value < 0 };
  }

  /** How many ids await a record that carries their state. */
  unsettledCount(): number {
    return this.handle().unsettled.getCount();
  }

  /** Up to `limit` unsettled ids, in key order. */
  unsettledIds(limit: number): { incarnation: number; id: string }[] {
    const out: { incarnation: number; id: string }[] = [];
    for (const key of this.handle().unsettled.getKeys({ limit })) out.push({ incarnation: key[0], id: key[1] });
    return out;
  }

  /** The label of an id, without decoding its values. */
  labelOf(incarnation: number, id: string): number | undefined {
    const bytes = this.handle().vectors.get([incarnation, id]);
    return bytes === undefined ? undefined : bytes.readUInt32LE(0);
  }

  /**
   * Copies an id's values into `into` (which must hold exactly the stored dimension) without decoding its metadata or
   * allocating; returns its label, or undefined when the id is absent. For scoring from the store instead of a copy
   * kept in memory: the store's pages are a file mapping, shared with the page cache, not the process's own memory.
   */
  readValues(incarnation: number, id: string, into: Float32Array): number | undefined {
    const bytes = this.handle().vectors.getBinaryFast([incarnation, id]);
    return bytes === undefined ? undefined : copyValues(bytes, into, id);
  }

  /**
   * Visits every vector of an incarnation (in id order) with its label and values, the values in one reused buffer
   * that holds them only during the call: an exact scan over the store without an allocation per vector.
   */
  scanValues(incarnation: number, dimension: number, visit: (label: number, values: Float32Array) => void): void {
    const into = new Float32Array(dimension);
    for (const { key, value } of this.handle().vectors.getRange({ start: [incarnation, ''], end: [incarnation + 1, ''] })) {
      visit(copyValues(value, into, key[1]), into);
    }
  }

  /** Ids of an incarnation with their labels, in id order, without decoding values or metadata. */
  *labels(incarnation: number): Generator<{ id: string; label: number }> {
    for (const { key, value } of this.handle().vectors.getRange({ start: [incarnation, ''], end: [incarnation + 1, ''] })) {
      yield { id: key[1], label: Buffer.from(value.buffer, value.byteOffset, value.byteLength).readUInt32LE(0) };
    }
  }

  /** Up to `limit` ids of an incarnation in id order, after `after` (exclusive): keys only, no value is read. */
  ids(incarnation: number, options: { after?: string; limit: number }): string[] {
    const out: string[] = [];
    const keys = this.handle().vectors.getKeys({
      start: [incarnation, options.after ?? ''],
      end: [incarnation + 1, ''],
      limit: options.limit + 1,
    });
    for (const key of keys) {
      if (options.after !== undefined && key[1] === options.after) continue;
      if (out.length >= options.limit) break;
      out.push(key[1]);
    }
    return out;
  }

  /** Ids in order, after `after` (exclusive), up to `limit`. */
  *entries(incarnation: number, options: { after?: string; limit?: number } = {}): Generator<{ id: string; vector: StoredVector }> {
    const range = this.handle().vectors.getRange({
      start: options.after === undefined ? [incarnation, ''] : [incarnation, options.after],
      end: [incarnation + 1, ''],
      ...(options.limit === undefined ? {} : { limit: options.limit + 1 }),
    });
    let yielded = 0;
    for (const { key, value } of range) {
      if (options.after !== undefined && key[1] === options.after) continue;
      if (options.limit !== undefined && yielded >= options.limit) return;
      yielded += 1;
      yield { id: key[1], vector: decodeVector(value) };
    }
  }

  count(incarnation: number): number {
    return this.handle().vectors.getKeysCount({ start: [incarnation, ''], end: [incarnation + 1, ''] });
  }

  /** Commits a batch's changes together with the state after it: the store is always at an exact offset. */
  commit(ops: readonly StoreOp[], meta: ShardMeta): void {
    const { root, vectors, versions, unsettled, meta: metaDb } = this.handle();
    root.transactionSync(() => {
      for (const op of ops) {
        const key: [number, string] = [op.incarnation, op.id];
        if (op.kind === 'put') vectors.putSync(key, encodeVector(op.vector));
        else if (op.kind === 'delete') vectors.removeSync(key);
        // Offsets are stored plus one, negated for a delete, so that offset 0 keeps its sign.
        versions.putSync(key, op.kind === 'delete' || (op.kind === 'touch' && op.deleted) ? -(op.version + 1) : op.version + 1);
        if (op.unsettled) unsettled.putSync(key, true);
        else unsettled.removeSync(key);
      }
      metaDb.putSync('state', meta);
    });
  }

  /** Removes every vector of an incarnation (after its drop marker), in the same transaction as the new state. */
  dropIncarnation(incarnation: number, meta: ShardMeta): void {
    const { root, vectors, versions, unsettled, meta: metaDb } = this.handle();
    const range = { start: [incarnation, ''], end: [incarnation + 1, ''] };
    root.transactionSync(() => {
      for (const db of [vectors, versions, unsettled] as Database<unknown, [number, string]>[]) {
        for (const key of db.getKeys(range)) db.removeSync(key);
      }
      metaDb.putSync('state', meta);
    });
  }

  /**
   * Copies the store, as of now, into `file`, flushed to disk. An encrypted store is copied record by record into a
   * plain LMDB file instead (lmdb-js 3.5.6 writes unreadable backups of encrypted environments): the caller puts it in
   * memory-backed temp space and encrypts it from there.
   */
  async copyTo(file: string): Promise<void> {
    if (this.encrypted) {
      const target = open({ path: file, maxDbs: 8, noSync: true });
      try {
        await copyDatabases(this.handle().root, openHandles(target));
        await target.flushed;
      } finally {
        await target.close();
        fs.rmSync(`${file}-lock`, { force: true });
      }
      return;
    }
    // Not compacted: lmdb-js 3.5 compacting copies can fail an assertion in mdb_page_alloc once written to again.
    await this.handle().root.backup(file, false);
    const fd = fs.openSync(file, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async close(): Promise<void> {
    const inner = this.inner;
    this.inner = undefined;
    await inner?.root.close();
  }

  /** Closes the store and deletes its files (the shard is being rebuilt from a snapshot or a replay). */
  async destroy(): Promise<void> {
    await this.close();
    fs.rmSync(path.join(this.dir, 'live.mdb'), { force: true });
    fs.rmSync(path.join(this.dir, 'live.mdb-lock'), { force: true });
  }

  private handle(): StoreHandles {
    if (this.inner === undefined) throw jadeError('JADE_ERR_SHARD_CLOSED', [`vector store in ${this.dir}`]);
    return this.inner;
  }
}

interface StoreHandles {
  root: RootDatabase;
  vectors: Database<Buffer, [number, string]>;
  /** Offset + 1 of each id's newest record, negated when it was a delete (see `commit`). */
  versions: Database<number, [number, string]>;
  /** Ids whose newest record does not carry their state. */
  unsettled: Database<boolean, [number, string]>;
  meta: Database<ShardMeta, string>;
}

function openHandles(root: RootDatabase): StoreHandles {
  return {
    root,
    vectors: root.openDB<Buffer, [number, string]>({ name: 'vectors', encoding: 'binary' }),
    versions: root.openDB<number, [number, string]>({ name: 'versions', encoding: 'msgpack' }),
    unsettled: root.openDB<boolean, [number, string]>({ name: 'unsettled', encoding: 'msgpack' }),
    meta: root.openDB<ShardMeta, string>({ name: 'meta', encoding: 'msgpack' }),
  };
}

/** Copies every database and the state of one environment into another's (empty) ones, in bounded transactions. */
async function copyDatabases(source: RootDatabase, target: StoreHandles): Promise<void> {
  const from = openHandles(source);
  const copy = <V>(db: Database<V, [number, string]> | undefined, into: Database<V, [number, string]>, clone: (value: V) => V): void => {
    // A store written before versions existed has no `versions` or `unsettled` database, and lmdb-js opens none of a
    // read-only environment (openDB returns undefined): nothing to copy.
    if (db === undefined) return;
    let batch: { key: [number, string]; value: V }[] = [];
    const flush = (): void => {
      const rows = batch;
      batch = [];
      target.root.transactionSync(() => {
        for (const { key, value } of rows) into.putSync(key, value);
      });
    };
    for (const { key, value } of db.getRange()) {
      batch.push({ key, value: clone(value) });
      if (batch.length >= 10_000) flush();
    }
    flush();
  };
  // LMDB reuses the memory of a range's binary values: copy before holding on to one.
  copy(from.vectors, target.vectors, (value) => Buffer.from(value));
  copy(from.versions, target.versions, (value) => value);
  copy(from.unsettled, target.unsettled, (value) => value);
  const meta = from.meta;
  const state = meta.get('state');
  if (state !== undefined) target.meta.putSync('state', state);
  await target.root.flushed;
}

export function encodeVector(vector: StoredVector): Buffer {
  const metadata = vector.metadata === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(vector.metadata), 'utf8');
  const out = Buffer.allocUnsafe(8 + vector.values.byteLength + metadata.length);
  out.writeUInt32LE(vector.label, 0);
  out.writeUInt32LE(vector.values.length, 4);
  Buffer.from(vector.values.buffer, vector.values.byteOffset, vector.values.byteLength).copy(out, 8);
  metadata.copy(out, 8 + vector.values.byteLength);
  return out;
}

/** Copies a stored vector's values into `into` (as decodeVector does, without allocating); returns its label. */
function copyValues(bytes: Uint8Array, into: Float32Array, id: string): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimension = buf.readUInt32LE(4);
  if (dimension !== into.length) throw new RangeError(`stored vector ${JSON.stringify(id)} has ${dimension} values, the buffer holds ${into.length}`);
  Buffer.from(into.buffer, into.byteOffset, into.byteLength).set(buf.subarray(8, 8 + dimension * 4));
  return buf.readUInt32LE(0);
}

export function decodeVector(bytes: Uint8Array): StoredVector {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const label = buf.readUInt32LE(0);
  const dimension = buf.readUInt32LE(4);
  // Copy into a fresh, aligned buffer: LMDB's memory may be unaligned and reused.
  const values = new Float32Array(dimension);
  Buffer.from(values.buffer).set(buf.subarray(8, 8 + dimension * 4));
  const rest = buf.subarray(8 + dimension * 4);
  const metadata = rest.length === 0 ? null : (JSON.parse(rest.toString('utf8')) as JsonObject);
  return { label, values, metadata };
}
