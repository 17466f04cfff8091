/**
 * Drop then re-create a database of the same name on a real Kafka, with a SIGKILL of the erasing index node
 * (replica group 0) in between (DESIGN.md, "Drop means gone"): no vector of the old incarnation is ever returned,
 * the erasure ends with exactly one `erased` marker per partition, a re-create is refused with JADE_ERR_DB_ERASING
 * until then, and every acknowledged write to the new incarnation survives a full replay and log compaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CatalogReader } from '../src/catalog/catalog-reader';
import { isJadeError } from '../src/errors';
import { DatabaseLifecycle } from '../src/gateway/database-lifecycle';
import type { ConsumedRecord } from '../src/log/backbone';
import { RecordCodec } from '../src/log/codec';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { partitionForKey } from '../src/log/murmur2';
import { markerKey, vectorKey, type DatabaseDefinition } from '../src/log/records';
import { ensureTopics, topicNames, topicSpecs, type TopicNames } from '../src/log/topics';
import type { IndexNodeStatus } from '../src/node/remote-shard-reads';
import type { SnapshotManifest } from '../src/shard/snapshot';
import { ERASURE_HEADER, type SearchHit, type ShardVector } from '../src/shard/shard';
import { readUntil } from '../test/contract/backbone-contract';
import { seededRandom } from '../test/helpers/vectors';
import { randomName, waitFor } from '../test/helpers/wait';
import { testBrokers } from './harness/env';
import { IndexNodeProcess } from './harness/processes';

const P = 4;
const DIM = 16;
const DB = 'd';
const GEN1 = 5_000;
const GEN2 = 5_000;
/** Gen 2 re-uses gen 1's ids from here on (half of them), and adds as many new ones. */
const REUSE_FROM = 2_500;
const BATCH = 500;
/** Tombstones survive compaction this long: seconds, so the test sees the cleaner remove them. */
const DELETE_RETENTION_MS = 2_000;

interface Expected {
  values: number[];
  metadata: { gen: number; n: number };
}

const sameValues = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

async function readAll(node: IndexNodeProcess, database = DB): Promise<Map<string, ShardVector>> {
  const all = new Map<string, ShardVector>();
  for (let p = 0; p < P; p++) {
    let after: string | undefined;
    for (;;) {
      const page = await node.reads.scroll(p, database, { limit: 2000, ...(after === undefined ? {} : { after }) });
      for (const v of page) all.set(v.id, v);
      if (page.length < 2000) break;
      after = page[page.length - 1]!.id;
    }
  }
  return all;
}

/**
 * One test's topics, catalog and lifecycle, with the re-create gate (`partitionsAwaitingErasure`) wired to the
 * status of the replica-group-0 node that erases.
 */
class Cluster {
  readonly names: TopicNames;
  readonly codec = RecordCodec.load();
  readonly nodes: IndexNodeProcess[] = [];
  backbone!: KafkaBackbone;
  catalog!: CatalogReader;
  lifecycle!: DatabaseLifecycle;
  eraser!: IndexNodeProcess;

  constructor(
    readonly prefix: string,
    private readonly deleteRetentionMs: number,
    /** Extra configs of the vectors topic (ensureTopics checks only the ones it sets itself, so it accepts them). */
    private readonly vectorsConfigs: Record<string, string> = {},
  ) {
    this.names = topicNames(prefix);
  }

  async open(): Promise<void> {
    this.backbone = await KafkaBackbone.connect({ brokers: testBrokers(), groupPrefix: this.prefix });
    const layout = { partitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: this.deleteRetentionMs };
    // The vectors topic first, with the extra configs; ensureTopics then finds it as it wants it.
    const vectors = topicSpecs(this.prefix, layout).vectors;
    await this.backbone.ensureTopic({ ...vectors, configs: { ...vectors.configs, ...this.vectorsConfigs } });
    const topics = await ensureTopics(this.backbone, { ...layout, topicPrefix: this.prefix, defaultPartitions: P });
    this.catalog = new CatalogReader({ backbone: this.backbone, codec: this.codec, topic: topics.names.databases, groupPrefix: this.prefix });
    await this.catalog.start();
    this.lifecycle = new DatabaseLifecycle({
      backbone: this.backbone,
      codec: this.codec,
      catalog: this.catalog,
      topics: topics.names,
      partitions: P,
      partitionsAwaitingErasure: (name) => this.partitionsAwaitingErasure(name),
    });
  }

  /** An index node process on these topics (stopped in `close`). */
  node(nodeId: string, replicaGroup = 0): IndexNodeProcess {
    const node = new IndexNodeProcess({ brokers: testBrokers(), prefix: this.prefix, nodeId, replicaGroup, partitions: P, env: { JADE_DELETE_RETENTION_MS: String(this.deleteRetentionMs) } });
    this.nodes.push(node);
    return node;
  }

  /**
   * The gateway's view of the erasure, from the group-0 owner's status: a partition counts as erased only when its
   * owner answers, has applied the whole log, and has no dropped incarnation of the name awaiting its `erased`
   * marker. An owner that cannot be asked (down, restarting) or is behind proves nothing, so it counts as awaiting.
   * Wired here because the gateway has no router over index nodes yet.
   */
  async partitionsAwaitingErasure(name: string): Promise<number> {
    // A name never dropped has nothing to erase.
    if (!this.catalog.state.all().some((i) => i.name === name && i.droppedAt !== undefined)) return 0;
    const ends = await this.backbone.endOffsets(this.names.vectors);
    let partitions: IndexNodeStatus['partitions'];
    try {
      partitions = (await this.eraser.reads.status()).partitions;
    } catch {
      return P;
    }
    let awaiting = 0;
    for (let p = 0; p < P; p++) {
      const status = partitions.find((s) => s.partition === p);
      if (status === undefined || status.nextOffset < (ends[p] ?? 0) || status.awaitingErasure.some((d) => d.name === name)) awaiting += 1;
    }
    return awaiting;
  }

  /** Tries a create; returns the refusal's code, or undefined when it succeeded. */
  async tryCreate(definition: DatabaseDefinition): Promise<string | undefined> {
    try {
      await this.lifecycle.create(definition);
      return undefined;
    } catch (err) {
      if (!isJadeError(err)) throw err;
      return err.code;
    }
  }

  /** Every record of the vectors topic, by partition, read raw. */
  async readRaw(): Promise<Map<number, ConsumedRecord[]>> {
    const ends = await this.backbone.endOffsets(this.names.vectors);
    return readUntil(this.backbone, this.names.vectors, randomName(`${this.prefix}-raw`), ends, new Map(), 60_000);
  }

  /** Adds the offsets of `erased` markers of an incarnation found in `raw` to `into`, by partition. */
  static collectErased(raw: Map<number, ConsumedRecord[]>, database: string, incarnation: number, into: Set<number>[]): void {
    const key = markerKey(database, incarnation, 'erased');
    for (const [p, records] of raw) for (const r of records) if (r.key?.toString() === key) into[p]!.add(r.offset);
  }

  /** Produces upserts in batches; each resolved batch is acknowledged (durable) and recorded in `into`. */
  async upsert(database: string, gen: number, ids: string[], vector: () => number[], into: Map<string, Expected>): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH).map((id, j) => ({ id, values: vector(), metadata: { gen, n: i + j } }));
      await this.backbone.produce(
        this.names.vectors,
        batch.map(({ id, values, metadata }) => ({
          key: Buffer.from(vectorKey(database, id)),
          value: this.codec.encode({ type: 'vector-upsert', database, id, values: Float32Array.from(values), metadata }),
        })),
      );
      for (const { id, values, metadata } of batch) into.set(id, { values, metadata });
    }
  }

  async close(): Promise<void> {
    for (const node of this.nodes) {
      await node.kill('SIGKILL');
      node.remove();
    }
    await this.catalog?.stop();
    await this.backbone?.close();
  }
}

const definition = (name: string): DatabaseDefinition => ({ name, dimension: DIM, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: Date.now() });

describe('drop and re-create a database (real Kafka)', () => {
  // Short segments and any dirt cleanable: the broker's cleaner (backoff 500 ms in tests) compacts within the test.
  const cluster = new Cluster(randomName('droprecreate'), DELETE_RETENTION_MS, { 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '0' });

  beforeAll(() => cluster.open(), 60_000);
  afterAll(() => cluster.close(), 60_000);

  it('never returns the old incarnation and keeps every acknowledged write of the new one', async () => {
    const { backbone, catalog, codec, names } = cluster;
    const random = seededRandom(7);
    const vector = (): number[] => Array.from({ length: DIM }, () => Math.fround(random() * 2 - 1));
    const eraser = cluster.node('dr-eraser');
    cluster.eraser = eraser;
    await eraser.start();

    // Generation 1.
    const gen1 = await cluster.lifecycle.create(definition(DB));
    await eraser.waitReady();
    const gen1Ids = Array.from({ length: GEN1 }, (_, i) => `v-${i}`);
    const gen1Vectors = new Map<string, Expected>();
    await cluster.upsert(DB, 1, gen1Ids, vector, gen1Vectors);
    await eraser.waitCaughtUp(await backbone.endOffsets(names.vectors), 120_000, { ownsAll: true });
    expect((await readAll(eraser)).size).toBe(GEN1);
    const idsPerPartition = Array.from({ length: P }, () => 0);
    for (const id of gen1Ids) idsPerPartition[partitionForKey(Buffer.from(vectorKey(DB, id)), P)]! += 1;

    // Drop, then SIGKILL the eraser as soon as its first tombstones land (mid-erasure, ideally).
    await cluster.lifecycle.drop(DB);
    const dropEnds = await backbone.endOffsets(names.vectors);
    await waitFor(async () => (await backbone.endOffsets(names.vectors)).some((end, p) => end > dropEnds[p]!), {
      timeoutMs: 60_000,
      intervalMs: 1,
      what: 'the first erasure tombstones',
    });
    await eraser.kill('SIGKILL');
    const killEnds = await backbone.endOffsets(names.vectors);
    const writtenAtKill = killEnds.map((end, p) => end - dropEnds[p]!);
    const tombstonesAtKill = writtenAtKill.reduce((sum, n, p) => sum + Math.min(n, idsPerPartition[p]!), 0);
    const partitionsErasedAtKill = writtenAtKill.filter((n, p) => n > idsPerPartition[p]!).length;

    // Meanwhile a re-create is refused: the erasure is not known to be complete anywhere.
    const refusals: (string | undefined)[] = [await cluster.tryCreate(definition(DB))];
    expect(catalog.state.live(DB)).toBeUndefined();

    // The restarted node finishes the erasure; until then a re-create is refused.
    await eraser.start();
    refusals.push(await cluster.tryCreate(definition(DB)));
    await eraser.waitReady(120_000);
    const awaitingSeen: number[] = [];
    await waitFor(
      async () => {
        const awaiting = await cluster.partitionsAwaitingErasure(DB);
        if (awaitingSeen[awaitingSeen.length - 1] !== awaiting) awaitingSeen.push(awaiting);
        return awaiting === 0;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'the erasure of every partition' },
    );
    expect(refusals).toEqual(['JADE_ERR_DB_ERASING', 'JADE_ERR_DB_ERASING']);

    // Exactly one `erased` marker per partition for the dropped incarnation. Read before the re-create's markers
    // land after it, so the cleaner (one key per marker) cannot have merged a second one away; a later read adds to it.
    const erasedOffsets = Array.from({ length: P }, () => new Set<number>());
    Cluster.collectErased(await cluster.readRaw(), DB, gen1.incarnation, erasedOffsets);
    expect(erasedOffsets.map((s) => s.size)).toEqual(Array.from({ length: P }, () => 1));

    // No snapshot on the eraser predates its partition's erased marker: no copy of the dropped data stays on disk.
    await waitFor(
      () => {
        for (let p = 0; p < P; p++) {
          const dir = path.join(eraser.dataDir, 'snapshots', `p${p}`);
          const erasedAt = [...erasedOffsets[p]!][0]!;
          for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
            if (!/^\d{16}-\d+$/.test(name)) continue;
            const manifest = JSON.parse(fs.readFileSync(path.join(dir, name, 'manifest.json'), 'utf8')) as SnapshotManifest;
            if (manifest.nextOffset <= erasedAt) return false;
          }
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'snapshots older than the erasure to be removed' },
    );

    // Watch every ready node for gen-1 vectors from now on: during the re-create, the writes, replays and compaction.
    const watched = new Set<IndexNodeProcess>([eraser]);
    const gen2Vectors = new Map<string, Expected>();
    let gen1Returned = 0;
    let probes = 0;
    let notHeld = 0;
    const probeErrors: string[] = [];
    const isGen1 = (id: string, metadata: unknown, values: number[] | undefined): boolean => {
      if ((metadata as { gen?: unknown } | null | undefined)?.gen === 1) return true;
      const old = gen1Vectors.get(id);
      return old !== undefined && values !== undefined && sameValues(values, old.values);
    };
    const probe = async (node: IndexNodeProcess): Promise<void> => {
      for (let p = 0; p < P; p++) {
        try {
          for (const v of await node.reads.scroll(p, DB, { limit: 10_000 })) if (isGen1(v.id, v.metadata, v.values)) gen1Returned += 1;
          // A gen-1 vector as the query: it would be its own nearest neighbour if anything of it were left.
          const query = gen1Vectors.get(gen1Ids[Math.floor(Math.random() * GEN1)]!)!.values;
          const hits: SearchHit[] = await node.reads.search(p, DB, { vector: query, topK: 10, includeMetadata: true, includeValues: true });
          for (const hit of hits) if (isGen1(hit.id, hit.metadata, hit.values)) gen1Returned += 1;
          probes += 1;
        } catch (err) {
          if (isJadeError(err, 'JADE_ERR_SHARD_DATABASE_NOT_HELD')) notHeld += 1;
          else probeErrors.push(String(err));
        }
      }
    };
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const node of [...watched]) await probe(node);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    try {
      // Generation 2: re-create at once, then write half of the old ids again and as many new ones.
      expect(await cluster.tryCreate(definition(DB))).toBeUndefined();
      const replica = cluster.node('dr-replica', 1);
      await replica.start();
      const gen2Ids = Array.from({ length: GEN2 }, (_, i) => `v-${REUSE_FROM + i}`);
      const writing = cluster.upsert(DB, 2, gen2Ids, vector, gen2Vectors);
      // The replica replays the drop and the erasure from offset 0 while the writes flow; watched once ready.
      await replica.waitReady(120_000);
      watched.add(replica);
      await writing;
      const ends = await backbone.endOffsets(names.vectors);
      await Promise.all([eraser.waitCaughtUp(ends, 120_000, { ownsAll: true }), replica.waitCaughtUp(ends, 120_000, { ownsAll: true })]);

      const check = (stored: Map<string, ShardVector>): { lost: number; wrong: number; extra: number } => {
        let lost = 0;
        let wrong = 0;
        for (const [id, want] of gen2Vectors) {
          const got = stored.get(id);
          if (got === undefined) lost += 1;
          else if (!sameValues(got.values, want.values) || JSON.stringify(got.metadata) !== JSON.stringify(want.metadata)) wrong += 1;
        }
        return { lost, wrong, extra: [...stored.keys()].filter((id) => !gen2Vectors.has(id)).length };
      };
      const onEraser = check(await readAll(eraser));
      const onReplica = check(await readAll(replica));
      Cluster.collectErased(await cluster.readRaw(), DB, gen1.incarnation, erasedOffsets);

      // Compaction: roll the segments until the cleaner has removed every gen-1 upsert and every erasure tombstone.
      let rolls = 0;
      let left = { gen1Upserts: -1, erasureTombstones: -1 };
      const compactStarted = Date.now();
      await waitFor(
        async () => {
          // A record in every partition rolls the segment before it (segment.ms has passed), making it cleanable.
          await backbone.produce(names.vectors, Array.from({ length: P }, (_, p) => ({ key: Buffer.from(`\0test-roll/${p}/${rolls}`), value: Buffer.from('roll'), partition: p })));
          rolls += 1;
          left = { gen1Upserts: 0, erasureTombstones: 0 };
          for (const r of [...(await cluster.readRaw()).values()].flat()) {
            if (r.value === null) {
              if (r.headers[ERASURE_HEADER] !== undefined) left.erasureTombstones += 1;
              continue;
            }
            if (r.key?.[0] === 0) continue;
            const decoded = codec.decode(r.value);
            if (decoded.type === 'vector-upsert' && decoded.metadata?.gen === 1) left.gen1Upserts += 1;
          }
          return left.gen1Upserts === 0 && left.erasureTombstones === 0;
        },
        { timeoutMs: 90_000, intervalMs: 1_000, what: 'the cleaner to compact away generation 1' },
      );
      const compactMs = Date.now() - compactStarted;

      // A third replica group replays the compacted log from offset 0.
      const compacted = cluster.node('dr-compacted', 2);
      await compacted.start();
      await compacted.waitReady(120_000);
      watched.add(compacted);
      await compacted.waitCaughtUp(await backbone.endOffsets(names.vectors), 120_000, { ownsAll: true });
      const onCompacted = check(await readAll(compacted));
      // A few more rounds of probes on all three nodes, then stop watching.
      const probesBefore = probes;
      await waitFor(() => probes >= probesBefore + 3 * P * watched.size, { timeoutMs: 30_000, what: 'final probes' });
      watching = false;
      await watcher;

      const erasedMarkers = erasedOffsets.map((s) => s.size);
      console.log(
        `dropRecreate: gen1Returned=${gen1Returned} gen2Acked=${gen2Vectors.size} gen2Lost=${onEraser.lost + onReplica.lost + onCompacted.lost} ` +
          `erasedMarkersPerPartition=${erasedMarkers.join(',')} tombstonesAtKill=${tombstonesAtKill}/${GEN1} partitionsErasedAtKill=${partitionsErasedAtKill}/${P} ` +
          `refusals=${refusals.join(',')} awaitingSeenAfterRestart=${awaitingSeen.join('>')} ` +
          `eraser=${JSON.stringify(onEraser)} replica=${JSON.stringify(onReplica)} compactedReplay=${JSON.stringify(onCompacted)} ` +
          `compaction: rolls=${rolls} ms=${compactMs} gen1UpsertsLeft=${left.gen1Upserts} erasureTombstonesLeft=${left.erasureTombstones} ` +
          `probes=${probes} notHeld=${notHeld} probeErrors=${probeErrors.length}`,
      );
      expect(probeErrors).toEqual([]);
      expect(gen1Returned).toBe(0);
      expect(probes).toBeGreaterThan(0);
      expect(erasedMarkers).toEqual(Array.from({ length: P }, () => 1));
      for (const result of [onEraser, onReplica, onCompacted]) expect(result).toEqual({ lost: 0, wrong: 0, extra: 0 });
    } finally {
      watching = false;
      await watcher;
    }
  }, 300_000);
});

describe('drop, with the eraser killed between its snapshot at the drop and its first tombstone (real Kafka)', () => {
  // A production retention: the restarted node resumes from that snapshot, at the end of the log.
  const cluster = new Cluster(randomName('dropsnap'), 7 * 86_400_000);

  beforeAll(() => cluster.open(), 60_000);
  afterAll(() => cluster.close(), 60_000);

  it('finishes the erasure after a restart from the snapshot taken at the drop', async () => {
    const { backbone, names } = cluster;
    const random = seededRandom(11);
    const vector = (): number[] => Array.from({ length: DIM }, () => Math.fround(random() * 2 - 1));
    const eraser = cluster.node('ds-eraser');
    cluster.eraser = eraser;
    await eraser.start();
    const gen1 = await cluster.lifecycle.create(definition(DB));
    await eraser.waitReady();
    const gen1Vectors = new Map<string, Expected>();
    await cluster.upsert(DB, 1, Array.from({ length: 2_000 }, (_, i) => `v-${i}`), vector, gen1Vectors);
    await eraser.waitCaughtUp(await backbone.endOffsets(names.vectors), 120_000, { ownsAll: true });

    await cluster.lifecycle.drop(DB);
    const dropEnds = await backbone.endOffsets(names.vectors);
    // The drop makes the eraser snapshot every partition at its drop marker before erasing: kill it the moment
    // one of those snapshots is in place.
    const snapshotAtDrop = (p: number): boolean => {
      const dir = path.join(eraser.dataDir, 'snapshots', `p${p}`);
      return fs.existsSync(dir) && fs.readdirSync(dir).some((name) => name.startsWith(`${String(dropEnds[p]).padStart(16, '0')}-`));
    };
    const deadline = Date.now() + 60_000;
    while (!Array.from({ length: P }, (_, p) => snapshotAtDrop(p)).some(Boolean)) {
      if (Date.now() > deadline) throw new Error(`no snapshot at the drop within 60 s (log: ${eraser.logFile})`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eraser.kill('SIGKILL');
    const killEnds = await backbone.endOffsets(names.vectors);
    // Partitions caught in the window: a snapshot at the drop marker, and nothing of the erasure in the log yet.
    const inWindow = Array.from({ length: P }, (_, p) => p).filter((p) => snapshotAtDrop(p) && killEnds[p] === dropEnds[p]);

    expect(await cluster.tryCreate(definition(DB))).toBe('JADE_ERR_DB_ERASING');
    await eraser.start();
    await eraser.waitReady(120_000);
    await waitFor(async () => (await cluster.partitionsAwaitingErasure(DB)) === 0, { timeoutMs: 60_000, intervalMs: 200, what: `the erasure of every partition (log: ${eraser.logFile})` });
    const erasedOffsets = Array.from({ length: P }, () => new Set<number>());
    Cluster.collectErased(await cluster.readRaw(), DB, gen1.incarnation, erasedOffsets);

    expect(await cluster.tryCreate(definition(DB))).toBeUndefined();
    const gen2Vectors = new Map<string, Expected>();
    await cluster.upsert(DB, 2, Array.from({ length: 1_000 }, (_, i) => `v-${i}`), vector, gen2Vectors);
    await eraser.waitCaughtUp(await backbone.endOffsets(names.vectors), 120_000, { ownsAll: true });
    const stored = await readAll(eraser);
    const gen1Returned = [...stored.values()].filter((v) => (v.metadata as { gen?: unknown } | null)?.gen === 1).length;
    const gen2Lost = [...gen2Vectors].filter(([id, want]) => !sameValues(stored.get(id)?.values ?? [], want.values)).length;
    console.log(
      `dropRecreate (restart from the snapshot at the drop): partitionsInWindow=${inWindow.length}/${P} erasedMarkersPerPartition=${erasedOffsets.map((s) => s.size).join(',')} ` +
        `gen1Returned=${gen1Returned} gen2Acked=${gen2Vectors.size} gen2Lost=${gen2Lost} stored=${stored.size}`,
    );
    expect(erasedOffsets.map((s) => s.size)).toEqual(Array.from({ length: P }, () => 1));
    expect({ gen1Returned, gen2Lost, stored: stored.size }).toEqual({ gen1Returned: 0, gen2Lost: 0, stored: gen2Vectors.size });
  }, 180_000);
});
