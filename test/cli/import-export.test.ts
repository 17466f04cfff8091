/** `import` and `export` against real servers: progress, formats, round trips and rejected batches. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { StoredVector } from '../../src/client';
import { clientFor } from '../../src/cli/cli-io';
import { importVectors } from '../../src/cli/import-command';
import { runCli } from '../../src/cli/program';
import { seededRandom } from '../helpers/vectors';
import { memoryIo, startTestServer, type TestServer } from '../client/test-server';

// A real server shares the CPU with the test (and, in CI, with other suites): allow for a loaded machine.
jest.setTimeout(60_000);

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-cli-files-'));
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const vectorOf = (random: () => number, dim: number): number[] => Array.from({ length: dim }, () => Math.fround(random() * 2 - 1));

async function all(s: TestServer, db: string): Promise<StoredVector[]> {
  const out: StoredVector[] = [];
  for await (const v of s.client.vectors.scrollAll(db, { consistency: 'strong' })) out.push(v);
  return out;
}

describe('import', () => {
  it('imports a 10,000-vector NDJSON file with a progress bar', async () => {
    const file = path.join(dir, 'ten-thousand.ndjson');
    const random = seededRandom(10_000);
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: `v${i}`, values: vectorOf(random, 16), metadata: { i, bucket: i % 10 } }));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const io = memoryIo({ tty: true });
    expect(await runCli(['--url', server.url, 'db', 'create', 'big', '--dimension', '16', '--metric', 'euclidean', '--m', '8', '--ef-construction', '20'], io)).toBe(0);

    const code = await runCli(['--url', server.url, 'import', 'big', file], io);
    expect(io.stderr.text).not.toContain('JADE_ERR');
    expect(code).toBe(0);

    const summary = JSON.parse(io.stdout.text.slice(io.stdout.text.lastIndexOf('{\n  "database"'))) as { imported: number; errors: number; vectorsPerSecond: number; seconds: number };
    expect(summary).toMatchObject({ imported: 10_000, errors: 0 });
    // The bar was drawn in place on the (pretend) terminal, and reached the end of the file.
    expect(io.stderr.text).toMatch(/\rimport \[[█░]{30}\] \d+% 1,000 vectors/);
    expect(io.stderr.text).toMatch(/\rimport \[█{30}\] 100% 10,000 vectors/);
    expect(io.stderr.text).toMatch(/imported 10,000 vectors into big in [\d.]+ s \([\d,]+ vectors\/s\), 0 errors\n$/);
    expect(await server.client.vectors.count('big', { consistency: 'strong' })).toBe(10_000);
    expect(await server.client.vectors.get('big', 'v9999')).toEqual({ id: 'v9999', values: (JSON.parse(lines[9999]!) as { values: number[] }).values, metadata: { i: 9999, bucket: 9 } });
    process.stdout.write(`10,000 x 16-d NDJSON import: ${Math.round(summary.vectorsPerSecond)} vectors/s (${summary.seconds.toFixed(2)} s)\n`);
  });

  it('writes plain progress lines when stderr is not a terminal', async () => {
    await server.client.databases.create({ name: 'plain', dimension: 2, metric: 'dot' });
    const file = path.join(dir, 'plain.ndjson');
    fs.writeFileSync(file, Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: String(i), values: [i, 1] })).join('\n'));
    const io = memoryIo({ tty: false });
    const summary = await importVectors(server.client, 'plain', file, { batchSize: 10, progressIntervalMs: 0 }, io);
    expect(summary).toMatchObject({ imported: 40, errors: 0, created: false });
    expect(io.stderr.text).not.toContain('\r');
    expect(io.stderr.text).toMatch(/^import: 10 vectors \d+%, [\d,]+ vectors\/s/m);
    expect(io.stderr.text).toMatch(/^import: 40 vectors 100%/m);
  });

  it('imports an .fvecs file, ids being row numbers', async () => {
    const random = seededRandom(7);
    const rows = Array.from({ length: 25 }, () => vectorOf(random, 8));
    const buffer = Buffer.alloc(rows.length * (4 + 8 * 4));
    rows.forEach((row, r) => {
      buffer.writeInt32LE(8, r * 36);
      row.forEach((x, i) => buffer.writeFloatLE(x, r * 36 + 4 + i * 4));
    });
    const file = path.join(dir, 'small.fvecs');
    fs.writeFileSync(file, buffer);
    const io = memoryIo();
    expect(await runCli(['--url', server.url, 'db', 'create', 'fv', '--dimension', '8', '--metric', 'cosine'], io)).toBe(0);
    expect(await runCli(['--url', server.url, 'import', 'fv', file, '--batch', '10'], io)).toBe(0);
    expect(io.stderr.text).toContain('imported 25 vectors into fv');
    const stored = await all(server, 'fv');
    expect(stored.map((v) => v.id).sort((a, b) => Number(a) - Number(b))).toEqual(rows.map((_, r) => String(r)));
    expect(stored.find((v) => v.id === '0')).toEqual({ id: '0', values: rows[0], metadata: null });
    expect(stored.find((v) => v.id === '24')).toEqual({ id: '24', values: rows[24], metadata: null });
  });

  it('reads stdin with -', async () => {
    await server.client.databases.create({ name: 'piped', dimension: 2, metric: 'euclidean' });
    const io = memoryIo({ stdin: Readable.from([Buffer.from('{"id":"x","values":[1,2]}\n{"id":"y","val'), Buffer.from('ues":[3,4]}\n')]) });
    expect(await runCli(['--url', server.url, 'import', 'piped', '-'], io)).toBe(0);
    expect(await server.client.vectors.getMany('piped', ['x', 'y'], { consistency: 'strong' })).toEqual([
      { id: 'x', values: [1, 2], metadata: null },
      { id: 'y', values: [3, 4], metadata: null },
    ]);
  });

  it('stops at a rejected batch with the server’s code and the line numbers', async () => {
    await server.client.databases.create({ name: 'rejects', dimension: 4, metric: 'euclidean' });
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `r${i + 1}`, values: i + 1 === 8 ? [1, 2, 3] : [i, 1, 2, 3] }));
    const file = path.join(dir, 'rejects.ndjson');
    fs.writeFileSync(file, lines.join('\n'));
    const io = memoryIo();
    expect(await runCli(['--url', server.url, 'import', 'rejects', file, '--batch', '5'], io)).toBe(1);
    expect(io.stderr.text).toContain('import stopped: 5 vectors imported');
    expect(io.stderr.text).toContain('5 errors');
    expect(io.stderr.text).toMatch(/jadevectordb: JADE_ERR_BATCH_INVALID: batch rejected, nothing was written: item 2: .*\(batch 2, lines 6-10; at line 8\)/);
    expect(io.stdout.text).toBe('');
    // The batch before it was written; the one after it was never sent.
    expect((await all(server, 'rejects')).map((v) => v.id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('stops at a malformed line, and refuses a database that does not exist', async () => {
    await server.client.databases.create({ name: 'malformed', dimension: 2, metric: 'dot' });
    const file = path.join(dir, 'malformed.ndjson');
    fs.writeFileSync(file, '{"values":[1,2]}\n{"values":[1,2]\n');
    const io = memoryIo();
    expect(await runCli(['--url', server.url, 'import', 'malformed', file], io)).toBe(1);
    expect(io.stderr.text).toMatch(/jadevectordb: JADE_ERR_CLI_INPUT_INVALID: line 2 is not JSON/);
    expect(io.stderr.text).toContain('1 errors');

    const missing = memoryIo();
    expect(await runCli(['--url', server.url, 'import', 'no-such-db', file], missing)).toBe(1);
    expect(missing.stderr.text).toMatch(/jadevectordb: JADE_ERR_DB_NOT_FOUND: database no-such-db does not exist/);

    const nofile = memoryIo();
    expect(await runCli(['--url', server.url, 'import', 'malformed', path.join(dir, 'absent.ndjson')], nofile)).toBe(1);
    expect(nofile.stderr.text).toMatch(/jadevectordb: JADE_ERR_CLI_FILE: cannot read .*absent\.ndjson/);
  });
});

describe('export then import into a fresh server', () => {
  let fresh: TestServer;
  afterAll(async () => {
    await fresh?.stop();
  });

  it('gives the same definition, vectors, metadata and search results', async () => {
    const random = seededRandom(42);
    const source = server.client;
    await source.databases.create({ name: 'round', dimension: 8, metric: 'cosine', index: { m: 12, efConstruction: 100, efSearch: 48 }, description: 'round trip ✓' });
    const metadataOf = (i: number): Record<string, unknown> | null =>
      i % 5 === 0 ? null : { i, name: `naïve-${i}`, tags: i % 2 === 0 ? ['even', 'x'] : ['odd'], nested: { score: i / 7, flag: i % 3 === 0 } };
    const ids = Array.from({ length: 400 }, (_, i) => `doc/${i}`);
    await source.vectors.upsertBatch(
      'round',
      ids.map((id, i) => ({ id, values: vectorOf(random, 8), ...(i % 5 === 0 ? {} : { metadata: metadataOf(i) as never }) })),
    );
    await source.vectors.deleteMany('round', ['doc/3', 'doc/4']);
    const file = path.join(dir, 'round.ndjson');

    const exporting = memoryIo({ tty: true });
    expect(await runCli(['--url', server.url, 'export', 'round', file], exporting)).toBe(0);
    expect(exporting.stderr.text).toMatch(/\rexport \[█{30}\] 100% 398\/398 vectors/);
    expect(JSON.parse(exporting.stdout.text)).toMatchObject({ database: 'round', exported: 398, file });
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(399);
    expect(JSON.parse(lines[0]!)).toEqual({ database: { name: 'round', dimension: 8, metric: 'cosine', index: { m: 12, efConstruction: 100, efSearch: 48 }, description: 'round trip ✓' } });
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    fresh = await startTestServer();
    const importing = memoryIo();
    expect(await runCli(['--url', fresh.url, 'import', 'round', file], importing)).toBe(0);
    expect(importing.stderr.text).toContain('created database round (dimension 8, metric cosine)');
    expect(JSON.parse(importing.stdout.text)).toMatchObject({ imported: 398, errors: 0, created: true });

    const [before] = (await source.databases.list()).filter((d) => d.name === 'round');
    const [after] = (await fresh.client.databases.list()).filter((d) => d.name === 'round');
    expect({ ...after, createdAt: undefined }).toEqual({ ...before, createdAt: undefined });

    const original = await all(server, 'round');
    expect(original).toHaveLength(398);
    expect(await all(fresh, 'round')).toEqual(original);

    const queries = Array.from({ length: 10 }, () => vectorOf(random, 8));
    for (const query of queries) {
      const exact = { vector: query, topK: 10, exact: true, consistency: 'strong' as const };
      expect((await fresh.client.vectors.search('round', exact)).results).toEqual((await source.vectors.search('round', exact)).results);
      // A beam wider than each shard makes HNSW exhaustive, so the two independently built graphs must agree too.
      const hnsw = { vector: query, topK: 10, efSearch: 400, filter: { must: [{ key: 'tags', match: 'even' }] } };
      expect((await fresh.client.vectors.search('round', hnsw)).results).toEqual((await source.vectors.search('round', hnsw)).results);
    }
  });

  it('exports to stdout without a file, and the export imports under another name', async () => {
    const io = memoryIo();
    expect(await runCli(['--url', server.url, 'export', 'round', '--no-progress'], io)).toBe(0);
    const lines = io.stdout.text.trimEnd().split('\n');
    expect(lines).toHaveLength(399);
    expect(io.stderr.text).toMatch(/^exported 398 vectors from round in /);
    const file = path.join(dir, 'stdout.ndjson');
    fs.writeFileSync(file, io.stdout.text);
    const client = clientFor({ url: server.url }, memoryIo());
    const summary = await importVectors(client, 'round-copy', file, { progress: false }, memoryIo());
    expect(summary).toMatchObject({ imported: 398, created: true });
    expect(await all(server, 'round-copy')).toEqual(await all(server, 'round'));

    const missing = memoryIo();
    expect(await runCli(['--url', server.url, 'export', 'nothing-here'], missing)).toBe(1);
    expect(missing.stderr.text).toContain('jadevectordb: JADE_ERR_DB_NOT_FOUND: database nothing-here does not exist');
  });
});
