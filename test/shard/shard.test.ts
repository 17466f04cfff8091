import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogState } from '../../src/catalog/catalog-state';
import type { ConsumedRecord } from '../../src/log/backbone';
import { RecordCodec } from '../../src/log/codec';
import { partitionForKey } from '../../src/log/murmur2';
import { conditionalHeaders, markerKey, vectorKey, type ConditionalKind, type DatabaseDefinition, type JsonObject, type MarkerKind } from '../../src/log/records';
import { ERASURE_HEADER, Shard } from '../../src/shard/shard';

const codec = RecordCodec.load();
const P = 4;
const PARTITION = 1;

const definition = (name: string, extra: Partial<DatabaseDefinition> = {}): DatabaseDefinition => ({
  name,
  dimension: 3,
  metric: 'euclidean',
  m: 16,
  efConstruction: 100,
  efSearch: 64,
  description: null,
  createdAtMs: 0,
  ...extra,
});

/** Ids of `db` that land in PARTITION, so records are placed where their key says. */
function idsInPartition(db: string, count: number, prefix = 'v'): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) if (partitionForKey(vectorKey(db, `${prefix}${i}`), P) === PARTITION) ids.push(`${prefix}${i}`);
  return ids;
}

class Log {
  records: ConsumedRecord[] = [];
  private next = 0;
  private push(key: Buffer | null, value: Buffer | null, headers: Record<string, Buffer> = {}): ConsumedRecord {
    const record = { topic: 'v', partition: PARTITION, offset: this.next++, key, value, headers, timestamp: 0 };
    this.records.push(record);
    return record;
  }
  marker(kind: MarkerKind, db: string, incarnation: number, def: DatabaseDefinition | null = null): ConsumedRecord {
    return this.push(Buffer.from(markerKey(db, incarnation, kind)), codec.encode({ type: 'database-marker', kind, database: db, incarnation, definition: def }));
  }
  upsert(db: string, id: string, values: number[], metadata: JsonObject | null = null, headers: Record<string, Buffer> = {}): ConsumedRecord {
    return this.push(Buffer.from(vectorKey(db, id)), codec.encode({ type: 'vector-upsert', database: db, id, values: Float32Array.from(values), metadata }), headers);
  }
  /** A conditional full-state write, as the gateway's PATCH (or group 0's restore) writes it. */
  conditional(kind: ConditionalKind, base: number, db: string, id: string, state: { values: number[]; metadata: JsonObject | null } | null): ConsumedRecord {
    const headers = conditionalHeaders(kind, base);
    return state === null ? this.tombstone(db, id, headers) : this.upsert(db, id, state.values, state.metadata, headers);
  }
  /** What Kafka's cleaner leaves: the newest record of each key, in offset order (markers have unique keys). */
  compacted(): ConsumedRecord[] {
    const newest = new Map<string, number>();
    for (const r of this.records) newest.set(r.key!.toString('latin1'), r.offset);
    return this.records.filter((r) => newest.get(r.key!.toString('latin1')) === r.offset);
  }
  patch(db: string, id: string, metadata: JsonObject | null): ConsumedRecord {
    return this.push(Buffer.from(vectorKey(db, id)), codec.encode({ type: 'vector-patch', database: db, id, metadata }));
  }
  tombstone(db: string, id: string, headers: Record<string, Buffer> = {}): ConsumedRecord {
    return this.push(Buffer.from(vectorKey(db, id)), null, headers);
  }
  raw(key: string, value: Buffer | null): ConsumedRecord {
    return this.push(Buffer.from(key), value);
  }
}

describe('Shard', () => {
  let dir: string;
  let catalog: CatalogState;
  const open = (): Shard => Shard.open({ partition: PARTITION, partitionCount: P, dir, codec, catalog });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-shard-'));
    catalog = new CatalogState();
    catalog.apply(0, { type: 'database-event', eventType: 'create', name: 'docs', definition: definition('docs'), requestId: null, timestampMs: 0 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies upserts, replacements, patches and deletes after a create marker', async () => {
    const shard = open();
    const log = new Log();
    const [a, b] = idsInPartition('docs', 2);
    log.marker('create', 'docs', 0, definition('docs'));
    log.upsert('docs', a!, [0, 0, 1], { color: 'red' });
    log.upsert('docs', b!, [5, 5, 5]);
    log.upsert('docs', a!, [1, 0, 0], { color: 'blue' });
    log.patch('docs', b!, { tag: 'x' });
    const result = shard.apply(log.records);
    expect(result.deadLetters).toEqual([]);
    expect(result.consumed).toBe(5);
    expect(shard.nextOffset).toBe(5);
    expect(shard.get('docs', [a!, b!])).toEqual([
      { id: a, values: [1, 0, 0], metadata: { color: 'blue' }, version: 3 },
      { id: b, values: [5, 5, 5], metadata: { tag: 'x' }, version: 4 },
    ]);
    // A metadata-only patch (written by releases before 0.2) leaves its id unsettled: its newest record lacks values.
    expect(result.unsettled).toBe(1);
    expect(shard.pendingRepairs(10)).toEqual([{ database: 'docs', id: b, version: 4, state: { values: [5, 5, 5], metadata: { tag: 'x' } } }]);
    const hits = shard.search('docs', { vector: Float32Array.from([1, 0, 0]), topK: 5 });
    expect(hits.map((h) => h.id)).toEqual([a, b]);
    expect(hits[0]!.score).toBeCloseTo(0);

    log.tombstone('docs', a!);
    shard.apply(log.records);
    expect(shard.search('docs', { vector: Float32Array.from([1, 0, 0]), topK: 5 }).map((h) => h.id)).toEqual([b]);
    log.upsert('docs', a!, [2, 0, 0]);
    shard.apply(log.records);
    expect(shard.count('docs')).toBe(2);
    await shard.close();
  });

  it('dead-letters exactly the bad records, with stable reasons, and applies the rest', async () => {
    const shard = open();
    const log = new Log();
    const [good1, good2, nan, dim, mismatch, garbage] = idsInPartition('docs', 6);
    const wrongPartitionId = (() => {
      for (let i = 0; ; i++) if (partitionForKey(vectorKey('docs', `w${i}`), P) !== PARTITION) return `w${i}`;
    })();
    log.marker('create', 'docs', 0, definition('docs'));
    log.upsert('docs', good1!, [1, 2, 3]);
    log.raw(vectorKey('docs', garbage!), Buffer.from('not avro at all'));
    log.upsert('docs', dim!, [1, 2]);
    log.upsert('docs', nan!, [1, Number.NaN, 3]);
    log.upsert('docs', wrongPartitionId, [1, 1, 1]);
    log.upsert('ghost', 'x', [1, 1, 1]);
    const mismatched = codec.encode({ type: 'vector-upsert', database: 'docs', id: 'other', values: Float32Array.from([1, 1, 1]), metadata: null });
    log.raw(vectorKey('docs', mismatch!), mismatched);
    log.upsert('docs', good2!, [3, 2, 1]);
    const result = shard.apply(log.records);
    const reasons = Object.fromEntries(result.deadLetters.map((d) => [d.offset, d.reasonCode]));
    // Records for other partitions are dead-lettered only when they really sit in the wrong one.
    const ghostInPartition = partitionForKey(vectorKey('ghost', 'x'), P) === PARTITION;
    expect(reasons[2]).toMatch(/^JADE_ERR_CODEC_/);
    delete reasons[2];
    expect(reasons).toEqual({
      3: 'JADE_ERR_SHARD_DIMENSION_MISMATCH',
      4: 'JADE_ERR_SHARD_NON_FINITE',
      5: 'JADE_ERR_SHARD_WRONG_PARTITION',
      6: ghostInPartition ? 'JADE_ERR_SHARD_DATABASE_NOT_LIVE' : 'JADE_ERR_SHARD_WRONG_PARTITION',
      7: 'JADE_ERR_SHARD_KEY_MISMATCH',
    });
    expect(shard.get('docs', [good1!, good2!]).map((v) => v.id)).toEqual([good1, good2]);
    expect(shard.count('docs')).toBe(2);
    await shard.close();
  });

  it('refuses a zero vector under cosine', async () => {
    catalog.apply(1, { type: 'database-event', eventType: 'create', name: 'cos', definition: definition('cos', { metric: 'cosine' }), requestId: null, timestampMs: 0 });
    const shard = open();
    const log = new Log();
    const [id] = idsInPartition('cos', 1);
    log.marker('create', 'cos', 1);
    log.upsert('cos', id!, [0, 0, 0]);
    expect(shard.apply(log.records).deadLetters.map((d) => d.reasonCode)).toEqual(['JADE_ERR_SHARD_ZERO_VECTOR']);
    await shard.close();
  });

  it('waits for the catalog before honouring a marker, and voids one a complete catalog does not confirm', async () => {
    const shard = open();
    const log = new Log();
    log.marker('create', 'later', 5, definition('later'));
    const [id] = idsInPartition('later', 1);
    log.upsert('later', id!, [1, 1, 1]);
    const blocked = shard.apply(log.records);
    expect(blocked).toMatchObject({ consumed: 0, waitForCatalogOffset: 5 });
    const voided = shard.apply(log.records, { catalogComplete: true });
    expect(voided.consumed).toBe(2);
    expect(voided.deadLetters.map((d) => d.reasonCode)).toEqual(['JADE_ERR_SHARD_DATABASE_NOT_LIVE']);
    expect(() => shard.search('later', { vector: Float32Array.from([1, 1, 1]), topK: 1 })).toThrow(expect.objectContaining({ code: 'JADE_ERR_SHARD_DATABASE_NOT_HELD' }) as Error);
    await shard.close();
  });

  it('drops a database at its drop marker, keeps its ids for erasure, and forgets them at the erased marker', async () => {
    const shard = open();
    const log = new Log();
    const ids = idsInPartition('docs', 3);
    log.marker('create', 'docs', 0, definition('docs'));
    for (const id of ids) log.upsert('docs', id, [1, 2, 3]);
    shard.apply(log.records);
    catalog.apply(1, { type: 'database-event', eventType: 'drop', name: 'docs', definition: null, requestId: null, timestampMs: 0 });
    log.marker('drop', 'docs', 0);
    expect(shard.apply(log.records).lifecycleChanged).toBe(true);
    expect(() => shard.get('docs', ids)).toThrow(expect.objectContaining({ code: 'JADE_ERR_SHARD_DATABASE_NOT_HELD' }) as Error);
    // The ids to erase come in pages, each after the last id of the one before, without their values.
    const sorted = [...ids].sort();
    expect(shard.awaitingErasure()).toEqual([{ name: 'docs', incarnation: 0 }]);
    expect(shard.erasureIds(0, { limit: 2 })).toEqual(sorted.slice(0, 2));
    expect(shard.erasureIds(0, { after: sorted[1]!, limit: 2 })).toEqual(sorted.slice(2));
    expect(shard.erasureIds(0, { after: sorted[2]!, limit: 2 })).toEqual([]);

    // The erasure's tombstones are not dead letters; a stray tombstone for a dropped database is.
    for (const id of ids) log.tombstone('docs', id, { [ERASURE_HEADER]: Buffer.from('0') });
    log.tombstone('docs', ids[0]!);
    expect(shard.apply(log.records).deadLetters.map((d) => d.reasonCode)).toEqual(['JADE_ERR_SHARD_DATABASE_NOT_LIVE']);
    log.marker('erased', 'docs', 0);
    shard.apply(log.records);
    expect(shard.awaitingErasure()).toEqual([]);
    expect(shard.erasureIds(0, { limit: 10 })).toEqual([]);

    // A re-created database of the same name starts empty.
    catalog.apply(2, { type: 'database-event', eventType: 'create', name: 'docs', definition: definition('docs'), requestId: null, timestampMs: 0 });
    log.marker('create', 'docs', 2, definition('docs'));
    log.upsert('docs', ids[1]!, [9, 9, 9]);
    shard.apply(log.records);
    expect(shard.get('docs', ids)).toMatchObject([{ id: ids[1], values: [9, 9, 9], metadata: null }]);
    // A live incarnation has nothing to erase.
    expect(shard.erasureIds(2, { limit: 10 })).toEqual([]);
    await shard.close();
  });

  describe('erasure tombstones (docs/architecture.md, "Database lifecycle")', () => {
    const drop = (offset: number): void => {
      catalog.apply(offset, { type: 'database-event', eventType: 'drop', name: 'docs', definition: null, requestId: null, timestampMs: 0 });
    };
    const create = (offset: number): void => {
      catalog.apply(offset, { type: 'database-event', eventType: 'create', name: 'docs', definition: definition('docs'), requestId: null, timestampMs: 0 });
    };
    const erasing = (incarnation: string): Record<string, Buffer> => ({ [ERASURE_HEADER]: Buffer.from(incarnation) });
    const replay = async (records: ConsumedRecord[], ids: string[]): Promise<unknown> => {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-shard-replay-'));
      const shard = Shard.open({ partition: PARTITION, partitionCount: P, dir: other, codec, catalog });
      try {
        shard.apply(records);
        return shard.get('docs', ids).map(({ id, values, metadata }) => ({ id, values, metadata }));
      } finally {
        await shard.close();
        fs.rmSync(other, { recursive: true, force: true });
      }
    };

    it('leave a re-created database alone when the drop marker never reached the partition', async () => {
      const shard = open();
      const log = new Log();
      const [x, y] = idsInPartition('docs', 2);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1]);
      log.upsert('docs', y!, [2, 2, 2]);
      // Dropped and re-created in the catalog; the drop's marker was never written here (its produce failed), so the
      // create marker of incarnation 2 is what releases incarnation 0, whose erasure then follows incarnation 2's writes.
      drop(1);
      create(2);
      log.marker('create', 'docs', 2, definition('docs'));
      expect(shard.apply(log.records).awaitingErasure).toEqual([{ name: 'docs', incarnation: 0 }]);
      log.upsert('docs', x!, [7, 7, 7], { b: true }); // acknowledged write of incarnation 2, at offset 4
      for (const id of [x!, y!]) log.tombstone('docs', id, erasing('0'));
      const result = shard.apply(log.records);
      expect(result.deadLetters).toEqual([]);
      expect(shard.get('docs', [x!, y!]).map(({ id, values, metadata }) => ({ id, values, metadata }))).toEqual([{ id: x, values: [7, 7, 7], metadata: { b: true } }]);
      // The erasure tombstone is now the newest record under x's key: x is unsettled, and group 0's restore puts its
      // state back after it, so compaction keeps it.
      expect(result.unsettled).toBe(1);
      const [repair] = shard.pendingRepairs(10);
      expect(repair).toEqual({ database: 'docs', id: x, version: 5, state: { values: [7, 7, 7], metadata: { b: true } } });
      log.conditional('restore', repair!.version, 'docs', x!, repair!.state);
      log.marker('erased', 'docs', 0);
      const settled = shard.apply(log.records);
      expect(settled.unsettled).toBe(0);
      expect(settled.awaitingErasure).toEqual([]);
      expect(shard.get('docs', [x!, y!]).map((v) => v.id)).toEqual([x]);
      expect(await replay(log.compacted(), [x!, y!])).toEqual([{ id: x, values: [7, 7, 7], metadata: { b: true } }]);
      await shard.close();
    });

    it('leave a database re-created before the erasure was written alone (a gateway with a stale catalog)', async () => {
      const shard = open();
      const log = new Log();
      const [x] = idsInPartition('docs', 1);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1]);
      drop(1);
      create(2);
      log.marker('drop', 'docs', 0);
      log.marker('create', 'docs', 2, definition('docs'));
      log.upsert('docs', x!, [7, 7, 7]);
      log.tombstone('docs', x!, erasing('0'));
      expect(shard.apply(log.records).deadLetters).toEqual([]);
      expect(shard.get('docs', [x!])).toMatchObject([{ id: x, values: [7, 7, 7] }]);
      await shard.close();
    });

    it('delete from the incarnation they name, and dead-letter a malformed header', async () => {
      const shard = open();
      const log = new Log();
      const [x, y] = idsInPartition('docs', 2);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1]);
      log.upsert('docs', y!, [2, 2, 2]);
      for (const bad of ['', 'zero', '-1', '1.5', ' 0', '0x0']) log.tombstone('docs', x!, erasing(bad));
      log.tombstone('docs', y!, erasing('0'));
      const result = shard.apply(log.records);
      expect(result.deadLetters.map((d) => [d.offset, d.reasonCode])).toEqual([3, 4, 5, 6, 7, 8].map((offset) => [offset, 'JADE_ERR_CODEC_INVALID_FIELD']));
      expect(shard.get('docs', [x!, y!]).map((v) => v.id)).toEqual([x]);
      await shard.close();
    });
  });

  it('reopens from its store at the same offset with the same data', async () => {
    let shard = open();
    const log = new Log();
    const ids = idsInPartition('docs', 50);
    log.marker('create', 'docs', 0, definition('docs'));
    ids.forEach((id, i) => log.upsert('docs', id, [i, i + 1, i + 2], { i }));
    shard.apply(log.records);
    const before = shard.get('docs', ids);
    const search = shard.search('docs', { vector: Float32Array.from([10, 11, 12]), topK: 5 });
    await shard.close();
    shard = open();
    expect(shard.nextOffset).toBe(log.records.length);
    expect(shard.get('docs', ids)).toEqual(before);
    expect(shard.search('docs', { vector: Float32Array.from([10, 11, 12]), topK: 5 })).toEqual(search);
    // Replayed records below the applied offset are skipped, not applied twice.
    expect(shard.apply(log.records).consumed).toBe(log.records.length);
    expect(shard.count('docs')).toBe(50);
    await shard.close();
  });

  describe('conditional writes (read-modify-write on a compacted log)', () => {
    /** Applies `records` to a fresh shard in a directory of its own and returns what `ids` read as. */
    const replay = async (records: ConsumedRecord[], ids: string[]): Promise<unknown> => {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-shard-replay-'));
      const shard = Shard.open({ partition: PARTITION, partitionCount: P, dir: other, codec, catalog });
      try {
        shard.apply(records);
        return shard.get('docs', ids).map(({ id, values, metadata }) => ({ id, values, metadata }));
      } finally {
        await shard.close();
        fs.rmSync(other, { recursive: true, force: true });
      }
    };

    it('a patch with no write after its base applies as the whole state and survives compaction', async () => {
      const shard = open();
      const log = new Log();
      const [x, y] = idsInPartition('docs', 2);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 2, 3], { v: 1 });
      log.conditional('patch', 1, 'docs', x!, { values: [1, 2, 3], metadata: { v: 2 } });
      log.upsert('docs', y!, [4, 5, 6]);
      const result = shard.apply(log.records);
      expect(result.unsettled).toBe(0);
      const live = shard.get('docs', [x!, y!]).map(({ id, values, metadata }) => ({ id, values, metadata }));
      expect(live).toEqual([
        { id: x, values: [1, 2, 3], metadata: { v: 2 } },
        { id: y, values: [4, 5, 6], metadata: null },
      ]);
      // Only the patch survives under x's key: alone it reproduces x.
      expect(log.compacted().map((r) => r.offset)).toEqual([0, 2, 3]);
      expect(await replay(log.compacted(), [x!, y!])).toEqual(live);
      await shard.close();
    });

    it('a patch after a concurrent upsert keeps the upsert values, and group 0 settles the id for compaction', async () => {
      const shard = open();
      const log = new Log();
      const [x] = idsInPartition('docs', 1);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1], { v: 1 });
      log.upsert('docs', x!, [9, 9, 9], { v: 'upsert' }); // lands after the patch's read at offset 1
      log.conditional('patch', 1, 'docs', x!, { values: [1, 1, 1], metadata: { v: 'patch' } });
      expect(shard.apply(log.records).unsettled).toBe(1);
      expect(shard.get('docs', [x!])).toEqual([{ id: x, values: [9, 9, 9], metadata: { v: 'patch' }, version: 3 }]);
      // Before the restore, the compacted log alone would bring the replaced values back: that is why it is written.
      expect(await replay(log.compacted(), [x!])).toEqual([{ id: x, values: [1, 1, 1], metadata: { v: 'patch' } }]);
      const [repair] = shard.pendingRepairs(10);
      expect(repair).toEqual({ database: 'docs', id: x, version: 3, state: { values: [9, 9, 9], metadata: { v: 'patch' } } });
      log.conditional('restore', repair!.version, 'docs', x!, repair!.state);
      expect(shard.apply(log.records).unsettled).toBe(0);
      expect(await replay(log.compacted(), [x!])).toEqual([{ id: x, values: [9, 9, 9], metadata: { v: 'patch' } }]);
      expect(await replay(log.records, [x!])).toEqual([{ id: x, values: [9, 9, 9], metadata: { v: 'patch' } }]);
      await shard.close();
    });

    it('a patch after a concurrent delete leaves the id deleted, and its restore is a tombstone', async () => {
      const shard = open();
      const log = new Log();
      const [x] = idsInPartition('docs', 1);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1]);
      log.tombstone('docs', x!);
      log.conditional('patch', 1, 'docs', x!, { values: [1, 1, 1], metadata: { v: 'patch' } });
      expect(shard.apply(log.records).unsettled).toBe(1);
      expect(shard.get('docs', [x!])).toEqual([]);
      const [repair] = shard.pendingRepairs(10);
      expect(repair).toEqual({ database: 'docs', id: x, version: 3, state: null });
      log.conditional('restore', repair!.version, 'docs', x!, null);
      expect(shard.apply(log.records).unsettled).toBe(0);
      expect(await replay(log.compacted(), [x!])).toEqual([]);
      await shard.close();
    });

    it('a restore overtaken by a newer write changes nothing and asks for another', async () => {
      const shard = open();
      const log = new Log();
      const [x] = idsInPartition('docs', 1);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1]);
      log.patch('docs', x!, { legacy: true }); // unsettled at version 2
      log.upsert('docs', x!, [7, 7, 7], { newest: true }); // settles it
      log.conditional('restore', 2, 'docs', x!, { values: [1, 1, 1], metadata: { legacy: true } }); // written before it saw 3
      expect(shard.apply(log.records).unsettled).toBe(1);
      expect(shard.get('docs', [x!])).toEqual([{ id: x, values: [7, 7, 7], metadata: { newest: true }, version: 4 }]);
      const [repair] = shard.pendingRepairs(10);
      log.conditional('restore', repair!.version, 'docs', x!, repair!.state);
      expect(shard.apply(log.records).unsettled).toBe(0);
      expect(await replay(log.compacted(), [x!])).toEqual([{ id: x, values: [7, 7, 7], metadata: { newest: true } }]);
      await shard.close();
    });

    it('dead-letters a record with malformed conditional headers and moves on', () => {
      const shard = open();
      const log = new Log();
      const [x, y] = idsInPartition('docs', 2);
      log.marker('create', 'docs', 0, definition('docs'));
      log.upsert('docs', x!, [1, 1, 1], null, { 'jade-base-version': Buffer.from('soon'), 'jade-write': Buffer.from('patch') });
      log.upsert('docs', y!, [2, 2, 2], null, { 'jade-write': Buffer.from('merge') });
      const result = shard.apply(log.records);
      expect(result.deadLetters.map((d) => [d.offset, d.reasonCode])).toEqual([
        [1, 'JADE_ERR_CODEC_INVALID_FIELD'],
        [2, 'JADE_ERR_CODEC_INVALID_FIELD'],
      ]);
      expect(shard.nextOffset).toBe(3);
    });
  });
});
