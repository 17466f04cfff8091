import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CatalogReader } from '../../src/catalog/catalog-reader';
import { loadConfig } from '../../src/config/load';
import { DatabaseLifecycle } from '../../src/gateway/database-lifecycle';
import { RecordCodec } from '../../src/log/codec';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { partitionForKey } from '../../src/log/murmur2';
import { vectorKey } from '../../src/log/records';
import { ensureTopics } from '../../src/log/topics';
import { IndexNode } from '../../src/node/index-node';
import { Keyring, sealPayloads } from '../../src/security/crypto';
import { waitFor } from '../helpers/wait';

const codec = RecordCodec.load();
const P = 3;
const COUNT = 150;
const payloadKey = randomBytes(32);
// Both node keyrings can read payloads sealed under `p1` (a retired key): only their snapshot keys differ.
const ringA = Keyring.create('k1', randomBytes(32), [['p1', payloadKey]]);
const ringB = Keyring.create('k1', randomBytes(32), [['p1', payloadKey]]);
const values = (i: number): Float32Array => Float32Array.from([4243.5 + i, -i * 2.25, 17.125, 99.75 + i]);
const secret = (i: number): string => `wombat-${i}-secret`;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('index node with encryption at rest (shard threads: 2)', () => {
  let dir: string;
  let tempDir: string;
  let backbone: EmbeddedBackbone;
  let catalog: CatalogReader;
  let topics: Awaited<ReturnType<typeof ensureTopics>>;
  const logs: { msg?: string; from?: string; partition?: number }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) });

  const start = (keyring: Keyring): Promise<IndexNode> => {
    const config = loadConfig({
      env: {},
      overrides: { dataDir: dir, partitions: P, shardThreads: 2, snapshotEveryRecords: 20, encryptionTempDir: tempDir, logLevel: 'silent' },
    });
    return IndexNode.start({ config, backbone, codec, topics, logger, serveInternalApi: false, catalog, keyring });
  };
  const total = async (node: IndexNode): Promise<number> => {
    let n = 0;
    for (let p = 0; p < P; p++) n += await node.reads.count(p, 'docs', undefined);
    return n;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-node-enc-'));
    tempDir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'jade-node-enc-'));
    backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
    topics = await ensureTopics(backbone, { topicPrefix: 'jade', partitions: P, defaultPartitions: P, replicationFactor: 1, minInsyncReplicas: 1, deleteRetentionMs: 86_400_000 });
    catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: 'jade' });
    await catalog.start();
    const lifecycle = new DatabaseLifecycle({ backbone, codec, catalog, topics: topics.names, partitions: P });
    await lifecycle.create({ name: 'docs', dimension: 4, metric: 'euclidean', m: 16, efConstruction: 100, efSearch: 64, description: null, createdAtMs: 0 });
    const plain = Array.from({ length: COUNT }, (_, i) => ({
      key: Buffer.from(vectorKey('docs', `id-${i}`)),
      value: codec.encode({ type: 'vector-upsert', database: 'docs', id: `id-${i}`, values: values(i), metadata: { secret: secret(i) } }),
    }));
    await backbone.produce('jade.vectors', sealPayloads(Keyring.create('p1', payloadKey), plain));
  }, 30_000);

  afterAll(async () => {
    await catalog?.stop();
    await backbone?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('builds shards in worker threads, snapshots them encrypted, and leaves no plaintext in its data or temp space', async () => {
    const node = await start(ringA);
    await waitFor(() => node.host.ready(), { what: 'ready' });
    expect(await total(node)).toBe(COUNT);
    await waitFor(() => node.host.status().every((s) => s.lastSnapshotOffset !== undefined), { what: 'snapshots' });
    await node.stop();
    const patterns = Array.from({ length: COUNT }, (_, i) => [Buffer.from(values(i).buffer), Buffer.from(secret(i))]).flat();
    const files = [...filesUnder(path.join(dir, 'snapshots')), ...filesUnder(path.join(dir, 'shards'))];
    expect(files.some((f) => f.endsWith('.hnsw'))).toBe(true);
    const leaks = files.filter((f) => {
      const bytes = fs.readFileSync(f);
      return patterns.some((p) => bytes.includes(p));
    });
    expect(leaks).toEqual([]);
    expect(fs.readdirSync(tempDir)).toEqual([]);
  }, 60_000);

  it('recovers from its encrypted snapshots with the same key', async () => {
    logs.length = 0;
    const node = await start(ringA);
    await waitFor(() => node.host.ready(), { what: 'ready' });
    const assigned = logs.filter((l) => l.msg === 'partition assigned');
    expect(assigned).toHaveLength(P);
    expect(assigned.every((l) => l.from?.startsWith('snapshot at'))).toBe(true);
    expect(await total(node)).toBe(COUNT);
    const [hit] = await node.reads.search(partitionForKey(vectorKey('docs', 'id-7'), P), 'docs', { vector: [...values(7)], topK: 1 });
    expect(hit).toMatchObject({ id: 'id-7', score: 0, metadata: { secret: secret(7) } });
    await node.stop();
    expect(fs.readdirSync(tempDir)).toEqual([]);
  }, 60_000);

  it('with a wrong key, falls back to a replay of the log and still serves every vector', async () => {
    logs.length = 0;
    const node = await start(ringB);
    await waitFor(() => node.host.ready(), { what: 'ready' });
    const assigned = logs.filter((l) => l.msg === 'partition assigned');
    expect(assigned.map((l) => l.from)).toEqual(Array(P).fill('offset 0'));
    expect(logs.filter((l) => l.msg === 'snapshot unusable; removing it and trying an older one')).toHaveLength(P);
    expect(await total(node)).toBe(COUNT);
    await node.stop();
    expect(fs.readdirSync(tempDir)).toEqual([]);
  }, 60_000);
});
