import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogState } from '../../src/catalog/catalog-state';
import type { ConsumedRecord } from '../../src/log/backbone';
import { RecordCodec } from '../../src/log/codec';
import { partitionForKey } from '../../src/log/murmur2';
import { markerKey, vectorKey, type DatabaseDefinition } from '../../src/log/records';
import { silentLogger } from '../../src/logger';
import { InProcessShardRuntime } from '../../src/node/shard-runtime';
import { Keyring, sealPayloads } from '../../src/security/crypto';
import { Shard } from '../../src/shard/shard';
import { SnapshotStore } from '../../src/shard/snapshot';

const codec = RecordCodec.load();
const P = 2;
const PARTITION = 0;
const DIM = 8;
const definition: DatabaseDefinition = { name: 'docs', dimension: DIM, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: 0 };
const ring = Keyring.create('k1', randomBytes(32));
const wrongRing = Keyring.create('k1', randomBytes(32));

/** Values no other bytes would match by chance, and a metadata string to look for. */
const valuesOf = (i: number): Float32Array => Float32Array.from({ length: DIM }, (_, d) => 7919.125 + i * 13.5 + d * 0.0625);
const secretOf = (i: number): string => `needle-${i}-quokka-metadata`;
const bytesOf = (values: Float32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

function ids(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) if (partitionForKey(vectorKey('docs', `v${i}`), P) === PARTITION) out.push(`v${i}`);
  return out;
}

function records(count: number, keyring?: Keyring): ConsumedRecord[] {
  const produced = [
    { key: Buffer.from(markerKey('docs', 0, 'create')), value: codec.encode({ type: 'database-marker', kind: 'create', database: 'docs', incarnation: 0, definition }) },
    ...ids(count).map((id, i) => ({
      key: Buffer.from(vectorKey('docs', id)),
      value: codec.encode({ type: 'vector-upsert', database: 'docs', id, values: valuesOf(i), metadata: { secret: secretOf(i) } }),
    })),
  ];
  const [marker, ...vectors] = produced;
  const sealed = [marker!, ...(keyring === undefined ? vectors : sealPayloads(keyring, vectors))];
  return sealed.map((r, offset) => ({ topic: 'v', partition: PARTITION, offset, key: r.key, value: r.value, headers: 'headers' in r ? (r.headers as Record<string, Buffer>) : {}, timestamp: 0 }));
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Which of the patterns occur in any file under the directories. */
function found(dirs: string[], patterns: Buffer[]): Buffer[] {
  const contents = dirs.flatMap(filesUnder).map((f) => fs.readFileSync(f));
  return patterns.filter((p) => contents.some((c) => c.includes(p)));
}

describe('snapshots encrypted at rest', () => {
  const COUNT = 40;
  let root: string;
  let tempDir: string;
  let runtime: InProcessShardRuntime;
  const patterns = [...Array.from({ length: COUNT }, (_, i) => bytesOf(valuesOf(i))), ...Array.from({ length: COUNT }, (_, i) => Buffer.from(secretOf(i)))];
  const dirs = () => ({ live: path.join(root, 'live'), snapshots: path.join(root, 'snapshots') });
  const tempParent = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-snapenc-'));
    tempDir = fs.mkdtempSync(path.join(tempParent, 'jade-snapenc-test-'));
    runtime = new InProcessShardRuntime();
    await runtime.applyCatalog(0, { type: 'database-event', eventType: 'create', name: 'docs', definition, requestId: null, timestampMs: 0 });
  });
  afterEach(async () => {
    await runtime.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  /** A shard with COUNT vectors and a snapshot of it; with a keyring, sealed payloads and encryption throughout. */
  async function build(keyring: Keyring | undefined): Promise<SnapshotStore> {
    await runtime.open({ partition: PARTITION, partitionCount: P, dir: dirs().live, ...(keyring === undefined ? {} : { keyring: keyring.toData() }) });
    const result = await runtime.apply(PARTITION, records(COUNT, keyring), { catalogComplete: true });
    expect(result.deadLetters).toEqual([]);
    const store = new SnapshotStore(dirs().snapshots, PARTITION, silentLogger, keyring === undefined ? undefined : { keyring, tempDir });
    const manifest = await store.write({ catalogOffset: 1, topicIdentity: 'topic', caughtUpAtMs: Date.now() }, (storeFile, indexDir) =>
      runtime.snapshotParts(PARTITION, storeFile, indexDir),
    );
    expect(manifest.nextOffset).toBe(COUNT + 1);
    expect(manifest.encryption).toEqual(keyring === undefined ? undefined : { algorithm: 'aes-256-gcm', keyId: 'k1' });
    await runtime.close(PARTITION);
    return store;
  }

  async function reopen(keyring: Keyring | undefined): Promise<{ from: number | undefined; nextOffset: number }> {
    const store = new SnapshotStore(dirs().snapshots, PARTITION, silentLogger, keyring === undefined ? undefined : { keyring, tempDir });
    const usable = await store.newestUsable({ topicIdentity: 'topic', maxAgeMs: 3_600_000 });
    try {
      const opened = await runtime.open({
        partition: PARTITION,
        partitionCount: P,
        dir: dirs().live,
        ...(usable === undefined ? {} : { snapshot: { storeFile: usable.storeFile, indexFiles: [...usable.indexFiles] } }),
        ...(keyring === undefined ? {} : { keyring: keyring.toData() }),
      });
      return { from: usable?.manifest.nextOffset, nextOffset: opened.nextOffset };
    } finally {
      usable?.release();
    }
  }

  it('without a key, the snapshot and the live store hold the vectors and metadata in plaintext (the control)', async () => {
    await build(undefined);
    expect(found([dirs().snapshots], patterns)).toHaveLength(patterns.length);
    expect(found([dirs().live], patterns)).toHaveLength(patterns.length);
  });

  it('with a key, no vector or metadata bytes reach the snapshot, the live store or temp space', async () => {
    await build(ring);
    const snapshotFiles = filesUnder(dirs().snapshots).map((f) => path.basename(f)).sort();
    expect(snapshotFiles).toEqual(['index-0.hnsw', 'index-0.hnsw.vectors', 'manifest.json', 'store.mdb']);
    expect(found([dirs().snapshots], patterns)).toEqual([]);
    expect(found([dirs().live], patterns)).toEqual([]);
    expect(fs.readdirSync(tempDir)).toEqual([]);
    // Every part is one of our encrypted files, and the manifest's checksums are of those bytes.
    for (const file of filesUnder(dirs().snapshots).filter((f) => !f.endsWith('manifest.json'))) {
      expect(fs.readFileSync(file).subarray(0, 8).toString()).toBe('JADEENC1');
    }
  });

  it('recovers from an encrypted snapshot with the right key, leaving nothing in temp space', async () => {
    await build(ring);
    const { from, nextOffset } = await reopen(ring);
    expect(from).toBe(COUNT + 1);
    expect(nextOffset).toBe(COUNT + 1);
    expect(fs.readdirSync(tempDir)).toEqual([]);
    const got = await runtime.get(PARTITION, 'docs', ids(COUNT));
    expect(got).toHaveLength(COUNT);
    expect(got[3]).toMatchObject({ id: ids(COUNT)[3], values: Array.from(valuesOf(3)), metadata: { secret: secretOf(3) } });
    const hits = await runtime.search(PARTITION, 'docs', { vector: valuesOf(5), topK: 1 });
    expect(hits[0]!.id).toBe(ids(COUNT)[5]);
    // The restored live store is encrypted too.
    expect(found([dirs().live], patterns)).toEqual([]);
  });

  it('with a wrong key the snapshot is unusable: removed, and the shard starts empty for a replay (never a crash)', async () => {
    await build(ring);
    const { from, nextOffset } = await reopen(wrongRing);
    expect(from).toBeUndefined();
    expect(nextOffset).toBe(0);
    expect(fs.readdirSync(tempDir)).toEqual([]);
    expect(new SnapshotStore(dirs().snapshots, PARTITION).list()).toEqual([]);
  });

  it('refuses a plaintext snapshot once encryption is on, and an encrypted one without a key', async () => {
    await build(undefined);
    expect((await reopen(ring)).from).toBeUndefined();
    await runtime.close(PARTITION);
    fs.rmSync(root, { recursive: true, force: true });
    await build(ring);
    expect((await reopen(undefined)).from).toBeUndefined();
  });
});

describe('shards opening encrypted payloads', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-payload-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = (keyring?: Keyring): Shard => {
    const catalog = new CatalogState();
    catalog.apply(0, { type: 'database-event', eventType: 'create', name: 'docs', definition, requestId: null, timestampMs: 0 });
    return Shard.open({ partition: PARTITION, partitionCount: P, dir, codec, catalog, ...(keyring === undefined ? {} : { keyring }) });
  };

  it('applies sealed and plaintext records alike, and dead-letters an altered one', async () => {
    const shard = open(ring);
    const log = records(3, ring);
    const plain = records(4)[4]!; // an outside producer's plaintext record
    const altered = { ...log[3]!, value: Buffer.from(log[3]!.value!) };
    altered.value[40]! ^= 1;
    const result = shard.apply([log[0]!, log[1]!, log[2]!, altered, { ...plain, offset: 4 }]);
    expect(result.deadLetters.map((d) => [d.offset, d.reasonCode])).toEqual([[3, 'JADE_ERR_CRYPTO_DECRYPT_FAILED']]);
    expect(shard.count('docs')).toBe(3);
    await shard.close();
  });

  it('stops at a record sealed with a key it does not have, keeping what it applied before', async () => {
    const shard = open(undefined);
    const log = records(3, ring);
    let code: string | undefined;
    try {
      shard.apply(log);
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('JADE_ERR_CRYPTO_KEY_UNKNOWN');
    expect(shard.nextOffset).toBe(1); // the marker, then the first sealed record stops it
    await shard.close();
  });
});
