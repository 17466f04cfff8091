/**
 * Snapshot recovery on a real Kafka (DESIGN.md, "Snapshots" and "Compaction and snapshots").
 *
 * a. Damaged snapshots are detected, removed and never trusted: a store or index file whose checksum fails, a
 *    missing manifest, an index that verifies but will not load. Recovery falls back to an older snapshot or to a
 *    full replay and ends with exactly the data of the log.
 * b. A snapshot older than the vectors topic's `delete.retention.ms` is never resumed from, because compaction may
 *    have erased a tombstone it never saw: the node replays from offset 0 and deleted vectors stay deleted. The
 *    vectors topic gets a short `segment.ms`, so the broker's cleaner really removes those tombstones first.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CatalogReader } from '../src/catalog/catalog-reader';
import { DatabaseLifecycle } from '../src/gateway/database-lifecycle';
import { readerGroup } from '../src/log/backbone';
import { RecordCodec } from '../src/log/codec';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { partitionForKey } from '../src/log/murmur2';
import { vectorKey, type JsonObject } from '../src/log/records';
import { ensureTopics, topicSpecs, type TopicNames } from '../src/log/topics';
import type { ShardVector } from '../src/shard/shard';
import type { SnapshotManifest } from '../src/shard/snapshot';
import { readUntil } from '../test/contract/backbone-contract';
import { seededRandom } from '../test/helpers/vectors';
import { randomName, waitFor } from '../test/helpers/wait';
import { testBrokers } from './harness/env';
import { IndexNodeProcess } from './harness/processes';

const DIM = 8;
const DB = 'snap';

type Expected = Map<string, { values: number[]; metadata: JsonObject } | null>;

interface LogLine {
  msg?: string;
  partition?: number;
  from?: string;
  dir?: string;
  err?: { message?: string };
}

async function readAll(node: IndexNodeProcess, partitions: number): Promise<Map<string, ShardVector>> {
  const all = new Map<string, ShardVector>();
  for (let p = 0; p < partitions; p++) {
    let after: string | undefined;
    for (;;) {
      const page = await node.reads.scroll(p, DB, { limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const v of page) all.set(v.id, v);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.id;
    }
  }
  return all;
}

/** Differences between what the node stores and what the log says it should. */
function compare(stored: Map<string, ShardVector>, expected: Expected): { lost: number; wrong: number; resurrected: number; neverSent: number } {
  let lost = 0;
  let wrong = 0;
  let resurrected = 0;
  for (const [id, want] of expected) {
    const got = stored.get(id);
    if (want === null) {
      if (got !== undefined) resurrected += 1;
    } else if (got === undefined) lost += 1;
    else if (JSON.stringify(got.values) !== JSON.stringify(want.values) || JSON.stringify(got.metadata) !== JSON.stringify(want.metadata)) wrong += 1;
  }
  const neverSent = [...stored.keys()].filter((id) => !expected.has(id)).length;
  return { lost, wrong, resurrected, neverSent };
}

/** Log lines the node wrote from byte `from` on (pino JSON, one object a line). */
function logLines(node: IndexNodeProcess, from: number): LogLine[] {
  const text = fs.readFileSync(node.logFile, 'utf8').slice(from);
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

function snapshotDirs(node: IndexNodeProcess, partition: number): string[] {
  const dir = path.join(node.dataDir, 'snapshots', `p${partition}`);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{16}-\d+$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

function readManifest(dir: string): SnapshotManifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as SnapshotManifest;
}

function flipBytes(file: string): void {
  const bytes = fs.readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  for (let i = at; i < Math.min(bytes.length, at + 16); i++) bytes[i] = bytes[i]! ^ 0xff;
  fs.writeFileSync(file, bytes);
}

/** Waits until every partition is caught up to `ends` and has a snapshot at exactly that point. */
async function waitSnapshotted(node: IndexNodeProcess, ends: number[]): Promise<void> {
  await waitFor(
    async () => {
      const status = await node.reads.status();
      return status.partitions.length === ends.length && status.partitions.every((p) => p.nextOffset >= ends[p.partition]! && p.lastSnapshotOffset === p.nextOffset);
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'a snapshot of every partition at its end' },
  );
}

describe('snapshot recovery (real Kafka)', () => {
  const brokers = testBrokers();
  const codec = RecordCodec.load();
  let backbone: KafkaBackbone;
  const catalogs: CatalogReader[] = [];
  const nodes: IndexNodeProcess[] = [];

  async function setup(prefix: string, partitions: number, deleteRetentionMs: number, extraVectorConfigs: Record<string, string> = {}): Promise<TopicNames> {
    const layout = { topicPrefix: prefix, partitions, defaultPartitions: partitions, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs };
    if (Object.keys(extraVectorConfigs).length > 0) {
      // Created first with extra configs; ensureTopics then checks the configs it owns and adopts the topic.
      const spec = topicSpecs(prefix, layout).vectors;
      await backbone.ensureTopic({ ...spec, configs: { ...spec.configs, ...extraVectorConfigs } });
    }
    const topics = await ensureTopics(backbone, layout);
    expect(topics.vectors.configs['delete.retention.ms']).toBe(String(deleteRetentionMs));
    const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: prefix });
    catalogs.push(catalog);
    await catalog.start();
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions });
    await lifecycle.create({ name: DB, dimension: DIM, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: Date.now() });
    return topics.names;
  }

  async function upsert(topic: string, expected: Expected, ids: string[], random: () => number, round: number): Promise<void> {
    const records = ids.map((id) => {
      const values = Array.from({ length: DIM }, () => Math.fround(random() * 2 - 1));
      const metadata = { id, round };
      expected.set(id, { values, metadata });
      return { key: Buffer.from(vectorKey(DB, id)), value: codec.encode({ type: 'vector-upsert', database: DB, id, values: Float32Array.from(values), metadata }) };
    });
    for (let i = 0; i < records.length; i += 500) await backbone.produce(topic, records.slice(i, i + 500));
  }

  async function remove(topic: string, expected: Expected, ids: string[]): Promise<void> {
    await backbone.produce(topic, ids.map((id) => ({ key: Buffer.from(vectorKey(DB, id)), value: null })));
    for (const id of ids) expected.set(id, null);
  }

  beforeAll(async () => {
    backbone = await KafkaBackbone.connect({ brokers, groupPrefix: randomName('snap') });
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) {
      await node.kill('SIGKILL');
      node.remove();
    }
    for (const catalog of catalogs) await catalog.stop();
    await backbone?.close();
  }, 60_000);

  it('detects damaged snapshots, removes them, and recovers from an older one or a full replay', async () => {
    const started = Date.now();
    const P = 5;
    const prefix = randomName('snapc');
    const names = await setup(prefix, P, 7 * 86_400_000);
    const node = new IndexNodeProcess({ brokers, prefix, nodeId: 'snap-a', partitions: P, env: { JADE_SNAPSHOT_EVERY_RECORDS: '300', JADE_SNAPSHOT_EVERY_MS: '500' } });
    nodes.push(node);
    await node.start();
    await node.waitReady();

    const random = seededRandom(7);
    const expected: Expected = new Map();
    await upsert(names.vectors, expected, Array.from({ length: 3000 }, (_, i) => `v-${i}`), random, 1);
    const firstEnds = await backbone.endOffsets(names.vectors);
    await waitSnapshotted(node, firstEnds);

    // Keep partition 0's first snapshot aside: the node prunes to one, and we want an older one to fall back to.
    const [older] = snapshotDirs(node, 0);
    expect(older).toBeDefined();
    const olderCopy = path.join(node.dataDir, 'older-p0');
    fs.cpSync(older!, olderCopy, { recursive: true });
    const olderOffset = readManifest(olderCopy).nextOffset;

    // A tail the older snapshot has not seen: new vectors, replaced ones, deleted ones.
    await upsert(names.vectors, expected, Array.from({ length: 1500 }, (_, i) => `w-${i}`), random, 2);
    await upsert(names.vectors, expected, Array.from({ length: 500 }, (_, i) => `v-${i * 3}`), random, 3);
    await remove(names.vectors, expected, Array.from({ length: 400 }, (_, i) => `v-${i * 7 + 1}`));
    const ends = await backbone.endOffsets(names.vectors);
    await node.waitCaughtUp(ends, 120_000, { ownsAll: true });
    await node.stop(); // SIGTERM: snapshots on revoke.

    const newest = (p: number): string => {
      const dirs = snapshotDirs(node, p);
      expect(dirs).toHaveLength(1);
      const dir = dirs[0]!;
      expect(readManifest(dir).nextOffset).toBe(ends[p]);
      return dir;
    };
    const damaged = new Map<number, { dir: string; how: string }>();
    // p0: the store copy of the newest fails its checksum; an older whole snapshot sits beside it.
    const p0 = newest(0);
    fs.cpSync(olderCopy, older!, { recursive: true });
    flipBytes(path.join(p0, 'store.mdb'));
    damaged.set(0, { dir: p0, how: 'store.mdb bytes flipped' });
    // p1: the HNSW graph fails its checksum; nothing older.
    const p1 = newest(1);
    const hnsw = fs.readdirSync(p1).find((f) => /^index-\d+\.hnsw$/.test(f));
    expect(hnsw).toBeDefined();
    flipBytes(path.join(p1, hnsw!));
    damaged.set(1, { dir: p1, how: `${hnsw} bytes flipped` });
    // p2: no manifest.
    const p2 = newest(2);
    fs.rmSync(path.join(p2, 'manifest.json'));
    damaged.set(2, { dir: p2, how: 'manifest deleted' });
    // p3: untouched, the control.
    newest(3);
    // p4: every checksum agrees, but the index sidecar declares a format this build cannot load.
    const p4 = newest(4);
    const sidecar = fs.readdirSync(p4).find((f) => /^index-\d+\.hnsw\.vectors$/.test(f));
    expect(sidecar).toBeDefined();
    const sidecarBytes = fs.readFileSync(path.join(p4, sidecar!));
    sidecarBytes.writeUInt32LE(99, 4);
    fs.writeFileSync(path.join(p4, sidecar!), sidecarBytes);
    const manifest4 = readManifest(p4);
    for (const file of manifest4.files) {
      if (file.name === sidecar) file.sha256 = createHash('sha256').update(sidecarBytes).digest('hex');
    }
    fs.writeFileSync(path.join(p4, 'manifest.json'), JSON.stringify(manifest4, null, 2));
    damaged.set(4, { dir: p4, how: 'sidecar format changed, checksum updated' });

    const logFrom = fs.statSync(node.logFile).size;
    await node.start();
    await node.waitReady();
    await node.waitCaughtUp(ends, 120_000, { ownsAll: true });
    const lines = logLines(node, logFrom);
    const assigned = new Map(lines.filter((l) => l.msg === 'partition assigned').map((l) => [l.partition!, l.from!]));
    const unusable = lines.filter((l) => l.msg === 'snapshot unusable; removing it and trying an older one').map((l) => l.dir!);
    const failedToLoad = lines.filter((l) => l.msg === 'snapshot failed to load; replaying the partition from offset 0').map((l) => l.partition!);

    const stored = await readAll(node, P);
    const diff = compare(stored, expected);
    const live = [...expected.values()].filter((v) => v !== null).length;
    const leftovers = [...damaged.values()].filter(({ dir }) => fs.existsSync(dir)).length;
    console.log(
      `snapshot test (damaged): vectors=${expected.size} live=${live} stored=${stored.size} lost=${diff.lost} wrong=${diff.wrong} resurrected=${diff.resurrected} neverSent=${diff.neverSent} ` +
        `unusableLogged=${unusable.length} failedToLoadLogged=${failedToLoad.length} damagedLeft=${leftovers} olderOffset=${olderOffset} ` +
        `from=${[...assigned].sort((a, b) => a[0] - b[0]).map(([p, f]) => `p${p}:${f.replace(/ /g, '_')}`).join(',')} runtimeMs=${Date.now() - started}`,
    );

    expect(diff).toEqual({ lost: 0, wrong: 0, resurrected: 0, neverSent: 0 });
    expect(stored.size).toBe(live);
    // Each damaged snapshot was reported and removed; the undamaged ones were used.
    expect(new Set(unusable)).toEqual(new Set([p0, p1, p2]));
    expect(failedToLoad).toEqual([4]);
    expect(leftovers).toBe(0);
    expect(assigned.get(0)).toBe(`snapshot at ${olderOffset}`);
    expect(olderOffset).toBeLessThan(ends[0]!);
    expect(assigned.get(1)).toBe('offset 0');
    expect(assigned.get(2)).toBe('offset 0');
    expect(assigned.get(3)).toBe(`snapshot at ${ends[3]}`);
    // p4's snapshot verified but did not load: nothing of it is used.
    expect(assigned.get(4)).toBe('offset 0');
    expect(fs.existsSync(p4)).toBe(false);
    await node.stop();
  }, 180_000);

  it('never resumes from a snapshot older than delete.retention.ms, so compacted deletes stay deleted', async () => {
    const started = Date.now();
    const P = 3;
    const RETENTION_MS = 3000;
    const prefix = randomName('snapr');
    // A short segment.ms and a low dirty ratio let the cleaner compact within seconds.
    const names = await setup(prefix, P, RETENTION_MS, { 'segment.ms': '1000', 'min.cleanable.dirty.ratio': '0.0' });
    const node = new IndexNodeProcess({
      brokers,
      prefix,
      nodeId: 'snap-r',
      partitions: P,
      env: { JADE_SNAPSHOT_EVERY_RECORDS: '500', JADE_SNAPSHOT_EVERY_MS: '500', JADE_DELETE_RETENTION_MS: String(RETENTION_MS) },
    });
    nodes.push(node);
    await node.start();
    await node.waitReady();

    const random = seededRandom(11);
    const expected: Expected = new Map();
    await upsert(names.vectors, expected, Array.from({ length: 2000 }, (_, i) => `v-${i}`), random, 1);
    const snapEnds = await backbone.endOffsets(names.vectors);
    await waitSnapshotted(node, snapEnds);
    await node.stop();
    const stale = Array.from({ length: P }, (_, p) => {
      const dirs = snapshotDirs(node, p);
      expect(dirs).toHaveLength(1);
      return dirs[0]!;
    });
    const caughtUpAtMs = Math.max(...stale.map((dir) => readManifest(dir).caughtUpAtMs));

    // While the node is down: delete vectors the stale snapshots hold.
    const deleted = Array.from({ length: 300 }, (_, i) => `v-${i * 5}`);
    await remove(names.vectors, expected, deleted);
    const removedAtMs = Date.now();
    const deletedKeys = new Set(deleted.map((id) => vectorKey(DB, id)));

    // Kafka removes a tombstone only in a cleaning pass that runs after its delete horizon (set by an earlier pass),
    // and a pass needs dirty data outside the active segment: so keep rolling every partition's segment (one record
    // each, once segment.ms has passed) until the deleted vectors' upserts and tombstones are gone from the log.
    let rollRound = 0;
    const rollOnce = async (): Promise<void> => {
      const ids: string[] = [];
      for (let p = 0, i = 0; p < P; i++) {
        const id = `roll-${rollRound}-${i}`;
        if (partitionForKey(vectorKey(DB, id), P) === p) {
          ids.push(id);
          p += 1;
        }
      }
      rollRound += 1;
      await upsert(names.vectors, expected, ids, random, 2);
    };
    let lastRollMs = removedAtMs;
    let reads = 0;
    let remaining = { tombstones: -1, upserts: -1 };
    const compactionStarted = Date.now();
    const compacted = await waitFor(
      async () => {
        if (Date.now() - lastRollMs > 1200) {
          await rollOnce();
          lastRollMs = Date.now();
        }
        reads += 1;
        const until = await backbone.endOffsets(names.vectors);
        const read = await readUntil(backbone, names.vectors, readerGroup(prefix, 'compaction'), until, new Map(), 30_000);
        let tombstones = 0;
        let upserts = 0;
        for (const records of read.values()) {
          for (const r of records) {
            if (r.key === null || !deletedKeys.has(r.key.toString('utf8'))) continue;
            if (r.value === null) tombstones += 1;
            else upserts += 1;
          }
        }
        remaining = { tombstones, upserts };
        return tombstones === 0 && upserts === 0;
      },
      { timeoutMs: 75_000, intervalMs: 500, what: 'the cleaner to remove the deleted vectors and their tombstones' },
    ).catch(() => false);
    const ends = await backbone.endOffsets(names.vectors);
    const compactionMs = Date.now() - compactionStarted;
    await waitFor(() => Date.now() - caughtUpAtMs > RETENTION_MS + 500, { timeoutMs: 10_000, what: 'the snapshots to age past delete.retention.ms' });
    const staleAgeMs = Date.now() - caughtUpAtMs;
    expect(staleAgeMs).toBeGreaterThan(RETENTION_MS);

    const logFrom = fs.statSync(node.logFile).size;
    await node.start();
    await node.waitReady();
    await node.waitCaughtUp(ends, 120_000, { ownsAll: true });
    const lines = logLines(node, logFrom);
    const assigned = new Map(lines.filter((l) => l.msg === 'partition assigned').map((l) => [l.partition!, l.from!]));
    const tooOld = lines.filter((l) => l.msg === 'snapshot unusable; removing it and trying an older one' && (l.err?.message ?? '').includes('past delete.retention.ms')).map((l) => l.dir!);
    const stored = await readAll(node, P);
    const diff = compare(stored, expected);
    const live = [...expected.values()].filter((v) => v !== null).length;
    const staleLeft = stale.filter((dir) => fs.existsSync(dir)).length;
    console.log(
      `snapshot test (retention): vectors=${expected.size} deleted=${deleted.length} live=${live} stored=${stored.size} lost=${diff.lost} wrong=${diff.wrong} resurrected=${diff.resurrected} neverSent=${diff.neverSent} ` +
        `staleAgeMs=${staleAgeMs} retentionMs=${RETENTION_MS} tooOldLogged=${tooOld.length} staleLeft=${staleLeft} ` +
        `from=${[...assigned].sort((a, b) => a[0] - b[0]).map(([p, f]) => `p${p}:${f.replace(/ /g, '_')}`).join(',')} ` +
        `compacted=${compacted} remainingTombstones=${remaining.tombstones} remainingUpserts=${remaining.upserts} compactionReads=${reads} rolls=${rollRound} compactionMs=${compactionMs} runtimeMs=${Date.now() - started}`,
    );

    expect(new Set(tooOld)).toEqual(new Set(stale));
    expect(staleLeft).toBe(0);
    for (let p = 0; p < P; p++) expect(assigned.get(p)).toBe('offset 0');
    expect(diff).toEqual({ lost: 0, wrong: 0, resurrected: 0, neverSent: 0 });
    expect(stored.size).toBe(live);
    // The hazard the rule guards against is real: the log no longer holds the deletes the stale snapshots missed.
    expect(compacted).toBe(true);
    await node.stop();
  }, 180_000);
});
