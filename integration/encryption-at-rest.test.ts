/**
 * Encryption at rest, checked the way an attacker with the disks would: a byte search of every place data lands
 * for known plaintext vectors and metadata strings.
 *
 * Four runs of the whole server (role `all`, shards in a worker thread, snapshots every 10 records): on the embedded
 * log and on Kafka (a broker of our own, so its log segments can be read), each with encryption on (key, payload
 * encryption, temp space of its own under /dev/shm) and off. Every run writes its own distinctive vectors and
 * metadata strings, so runs cannot see each other's. With encryption on none is found in the embedded log, Kafka's
 * segments, the live LMDB stores, the snapshots or temp space (ids, the record keys, do stay readable in Kafka);
 * with it off, they are found in every one of those places (so the search can fail).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../src/cli/server';
import { loadConfig } from '../src/config/load';
import type { JadeConfigInput } from '../src/config/schema';
import { silentLogger } from '../src/logger';
import { randomName, waitFor } from '../test/helpers/wait';
import { startKafka, type LocalKafka } from './kafka/local-kafka';

const DIM = 16;
const COUNT = 60;
const SHM = '/dev/shm';

type Backend = 'embedded' | 'kafka';

interface Run {
  backend: Backend;
  encryption: boolean;
  /** Bytes searched and patterns found, per place. */
  places: Record<string, { files: number; bytes: number; found: number; of: number }>;
  idsInKafka?: number;
}

/** The distinctive content of one run. */
function contentOf(tag: string) {
  const seed = Number.parseInt(randomBytes(3).toString('hex'), 16);
  const vectors = Array.from({ length: COUNT }, (_, i) => ({
    id: `id-${tag}-${i}`,
    values: Array.from({ length: DIM }, (_, d) => Math.fround(seed + i * 31.25 + d * 0.375)),
    metadata: { note: `marmot-${tag}-${seed}-${i}-confidential`, i },
  }));
  const patched = { note: `patched-${tag}-${seed}-confidential` };
  const valueBytes = vectors.map((v) => Buffer.from(Float32Array.from(v.values).buffer));
  // What the current state holds: every vector, every metadata string but the one patched over, and the patch.
  const current = [...valueBytes, ...vectors.slice(1).map((v) => Buffer.from(v.metadata.note)), Buffer.from(patched.note)];
  return { vectors, patched, current, all: [...current, Buffer.from(vectors[0]!.metadata.note)] };
}

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

/** Kafka preallocates its index files with zeros: the zeros at the end hold nothing and need no search. */
function withoutTrailingZeros(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

function search(dirs: string[], patterns: Buffer[], options: { skipUnreadable?: boolean; maxFileBytes?: number } = {}): { files: number; bytes: number; found: Buffer[] } {
  const found = new Set<Buffer>();
  let files = 0;
  let bytes = 0;
  for (const file of dirs.flatMap(filesUnder)) {
    let content: Buffer;
    try {
      if (options.maxFileBytes !== undefined && fs.statSync(file).size > options.maxFileBytes) continue;
      content = withoutTrailingZeros(fs.readFileSync(file));
    } catch (err) {
      if (options.skipUnreadable === true) continue;
      throw err;
    }
    files += 1;
    bytes += content.length;
    for (const p of patterns) if (!found.has(p) && content.includes(p)) found.add(p);
  }
  return { files, bytes, found: [...found] };
}

describe('encryption at rest: a byte search of every place data lands', () => {
  let kafka: LocalKafka;
  const runs: Run[] = [];
  const key = randomBytes(32).toString('base64');

  beforeAll(async () => {
    kafka = await startKafka({ nodes: 1 });
  }, 180_000);

  afterAll(async () => {
    await kafka?.stop();
    for (const run of runs) {
      const summary = Object.entries(run.places).map(([place, p]) => `${place}: ${p.found}/${p.of} found in ${p.files} files, ${(p.bytes / 1024).toFixed(0)} KiB`);
      console.log(`${run.backend}, encryption ${run.encryption ? 'on' : 'off'}: ${summary.join('; ')}${run.idsInKafka === undefined ? '' : `; ids readable in Kafka: ${run.idsInKafka}/${COUNT}`}`);
    }
  });

  async function scenario(backend: Backend, encryption: boolean): Promise<Run> {
    const tag = `${backend}-${encryption ? 'on' : 'off'}`;
    const content = contentOf(tag);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `jade-at-rest-${tag}-`));
    const tempDir = fs.mkdtempSync(path.join(fs.existsSync(SHM) ? SHM : os.tmpdir(), `jade-at-rest-${tag}-`));
    const overrides: JadeConfigInput = {
      dataDir,
      auth: 'off',
      partitions: 2,
      shardThreads: 1,
      snapshotEveryRecords: 10,
      topicPrefix: randomName('atrest'),
      logLevel: 'silent',
      ...(encryption ? { encryptionKey: key, payloadEncryption: true, encryptionTempDir: tempDir } : {}),
      ...(backend === 'kafka' ? { kafkaBrokers: kafka.brokers } : {}),
    };
    try {
      let server = await startServer(loadConfig({ env: {}, overrides }), silentLogger);
      try {
        const gateway = server.gateway!;
        // On Kafka the index node gets its partitions from a group rebalance, after start-up.
        await waitFor(() => server.node!.host.ready(), { what: 'ready' });
        await gateway.createDatabase({ name: 'secrets', dimension: DIM, metric: 'euclidean' });
        for (let i = 0; i < COUNT; i += 15) await gateway.upsert('secrets', content.vectors.slice(i, i + 15));
        await gateway.patchMetadata('secrets', content.vectors[0]!.id, content.patched);
        // Decrypted end to end: what comes back is what was written.
        const got = await gateway.get('secrets', content.vectors.map((v) => v.id), 'strong');
        expect(got).toHaveLength(COUNT);
        expect(got[0]).toMatchObject({ id: content.vectors[0]!.id, values: content.vectors[0]!.values, metadata: content.patched });
        expect(got[5]).toMatchObject(content.vectors[5]!);
        await waitFor(() => server.node!.host.status().every((p) => p.lastSnapshotOffset !== undefined), { what: 'snapshots', timeoutMs: 30_000 });
      } finally {
        await server.stop(); // snapshots every partition at its last offset
      }
      expect(fs.readdirSync(path.join(dataDir, 'snapshots', 'p0')).some((name) => /^\d{16}-\d+$/.test(name))).toBe(true);

      if (encryption) {
        // The encrypted snapshots load again (and the embedded log opens again) with the key.
        server = await startServer(loadConfig({ env: {}, overrides }), silentLogger);
        try {
          await waitFor(() => server.node!.host.ready(), { what: 'ready after restart' });
          const again = await server.gateway!.get('secrets', [content.vectors[7]!.id], 'strong');
          expect(again).toMatchObject([content.vectors[7]]);
        } finally {
          await server.stop();
        }
        if (backend === 'embedded') {
          const wrong = { ...overrides, encryptionKey: randomBytes(32).toString('base64') };
          await expect(startServer(loadConfig({ env: {}, overrides: wrong }), silentLogger)).rejects.toMatchObject({ code: 'JADE_ERR_CONFIG_INVALID' });
        }
      }

      const places: Record<string, string[]> = {
        [backend === 'kafka' ? 'Kafka log segments' : 'embedded log']: [backend === 'kafka' ? kafka.dataDir : path.join(dataDir, 'log')],
        'live stores': [path.join(dataDir, 'shards')],
        snapshots: [path.join(dataDir, 'snapshots')],
        ...(encryption ? { 'temp space': [tempDir] } : {}),
      };
      const patterns = encryption ? content.all : content.current;
      const run: Run = { backend, encryption, places: {} };
      for (const [place, dirs] of Object.entries(places)) {
        const result = search(dirs, patterns);
        run.places[place] = { files: result.files, bytes: result.bytes, found: result.found.length, of: patterns.length };
      }
      if (encryption) {
        // Whatever else sits in /dev/shm (skipping what is not ours to read, and huge files).
        const shm = fs.existsSync(SHM) ? search([SHM], patterns, { skipUnreadable: true, maxFileBytes: 256 * 1024 * 1024 }) : { files: 0, bytes: 0, found: [] };
        run.places['all of /dev/shm'] = { files: shm.files, bytes: shm.bytes, found: shm.found.length, of: patterns.length };
        expect(fs.readdirSync(tempDir)).toEqual([]);
      }
      if (backend === 'kafka') {
        run.idsInKafka = search([kafka.dataDir], content.vectors.map((v) => Buffer.from(`secrets/${v.id}`))).found.length;
      }
      runs.push(run);
      return run;
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
  }

  it.each<[Backend]>([['embedded'], ['kafka']])('%s log, encryption on: no known vector or metadata string anywhere', async (backend) => {
    const run = await scenario(backend, true);
    for (const [place, result] of Object.entries(run.places)) {
      expect({ place, found: result.found }).toEqual({ place, found: 0 });
      if (place !== 'temp space' && place !== 'all of /dev/shm') expect(result.bytes).toBeGreaterThan(0);
    }
    // Keys are not encrypted: Kafka partitions and compacts by them.
    if (backend === 'kafka') expect(run.idsInKafka).toBe(COUNT);
  }, 240_000);

  it.each<[Backend]>([['embedded'], ['kafka']])('%s log, encryption off: every place holds them in plaintext (the search can fail)', async (backend) => {
    const run = await scenario(backend, false);
    for (const [place, result] of Object.entries(run.places)) expect({ place, found: result.found }).toEqual({ place, found: result.of });
  }, 240_000);
});
