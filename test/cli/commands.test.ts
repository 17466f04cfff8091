/** `db`, `search` and `status` against a real server, the global options, exit codes, and the real entry point. */
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/program';
import { memoryIo, startTestServer, type TestServer } from '../client/test-server';

// A real server shares the CPU with the test (and, in CI, with other suites): allow for a loaded machine.
jest.setTimeout(60_000);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ env });
  const code = await runCli(args, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

describe('db', () => {
  it('create, list, get and drop print JSON on stdout and messages on stderr', async () => {
    const created = await run(['--url', server.url, 'db', 'create', 'docs', '--dimension', '3', '--metric', 'dot', '--m', '8', '--ef-construction', '50', '--ef-search', '20', '--description', 'my docs']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'docs', dimension: 3, metric: 'dot', index: { m: 8, efConstruction: 50, efSearch: 20 }, description: 'my docs' });

    // The URL from the environment when no --url is given.
    const listed = await run(['db', 'list'], { JADE_URL: server.url });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((d) => d.name)).toContain('docs');

    const got = await run(['db', 'get', 'docs', '--url', server.url]);
    expect(JSON.parse(got.stdout)).toMatchObject({ name: 'docs', vectorCount: 0 });

    const again = await run(['--url', server.url, 'db', 'create', 'docs', '--dimension', '3', '--metric', 'dot']);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toBe('jadevectordb: JADE_ERR_DB_EXISTS: database docs already exists\n');

    const dropped = await run(['--url', server.url, 'db', 'drop', 'docs']);
    expect(dropped).toEqual({ code: 0, stdout: '', stderr: 'dropped database docs\n' });
    expect((await server.client.databases.list()).map((d) => d.name)).not.toContain('docs');
  });

  it('refuses bad option values before any request, with JADE_ERR_CLI_USAGE', async () => {
    const notInt = await run(['--url', 'http://127.0.0.1:1', 'db', 'create', 'x', '--dimension', '3.5', '--metric', 'cosine']);
    expect(notInt.code).toBe(1);
    expect(notInt.stderr).toMatch(/^jadevectordb: JADE_ERR_CLI_USAGE: option '--dimension <n>' argument '3\.5' is invalid/);
    const metric = await run(['db', 'create', 'x', '--dimension', '3', '--metric', 'manhattan']);
    expect(metric.stderr).toContain('expected one of cosine, euclidean, dot');
    const missing = await run(['db', 'create', 'x', '--metric', 'cosine']);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain("required option '--dimension <n>' not specified");
    expect((await run(['db', 'explode'])).code).toBe(1);
  });

  it('reports an unreachable server as JADE_ERR_CLIENT_UNREACHABLE', async () => {
    // A port that was just free: fetch refuses well-known "bad ports" (like 1) before connecting.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const result = await run(['--url', `http://127.0.0.1:${port}`, 'status']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^jadevectordb: JADE_ERR_CLIENT_UNREACHABLE: .*ECONNREFUSED/);
  });
});

describe('search', () => {
  beforeAll(async () => {
    await server.client.databases.create({ name: 'cities', dimension: 2, metric: 'euclidean' });
    await server.client.vectors.upsertBatch('cities', [
      { id: 'paris', values: [2.35, 48.86], metadata: { country: 'fr' } },
      { id: 'lyon', values: [4.84, 45.76], metadata: { country: 'fr' } },
      { id: 'brussels', values: [4.35, 50.85], metadata: { country: 'be' } },
      { id: 'berlin', values: [13.4, 52.52], metadata: { country: 'de' } },
    ]);
  });

  it('by --vector, --id, with --filter, --exact, --top-k and --include-values', async () => {
    const near = await run(['--url', server.url, 'search', 'cities', '--vector', '[2.3, 48.8]', '--top-k', '2', '--consistency', 'strong']);
    expect(near.code).toBe(0);
    expect((JSON.parse(near.stdout) as { results: { id: string }[] }).results.map((h) => h.id)).toEqual(['paris', 'brussels']);

    const byId = await run(['--url', server.url, 'search', 'cities', '--id', 'lyon', '--exact', '--top-k', '3', '--include-values']);
    const hits = (JSON.parse(byId.stdout) as { results: { id: string; score: number; values: number[] }[] }).results;
    expect(hits.map((h) => h.id)).toEqual(['lyon', 'paris', 'brussels']);
    expect(hits[0]).toMatchObject({ score: 0, values: [Math.fround(4.84), Math.fround(45.76)] });

    const filtered = await run(['--url', server.url, 'search', 'cities', '--vector', '[2.3, 48.8]', '--filter', '{"must_not":[{"key":"country","match":"fr"}]}', '--ef-search', '10']);
    expect((JSON.parse(filtered.stdout) as { results: { id: string }[] }).results.map((h) => h.id)).toEqual(['brussels', 'berlin']);
  });

  it('refuses a bad query with the right code', async () => {
    const both = await run(['--url', server.url, 'search', 'cities', '--vector', '[1,2]', '--id', 'paris']);
    expect(both.stderr).toBe('jadevectordb: JADE_ERR_CLI_USAGE: give exactly one of --vector and --id\n');
    const notJson = await run(['--url', server.url, 'search', 'cities', '--vector', '[1,']);
    expect(notJson.stderr).toMatch(/^jadevectordb: JADE_ERR_CLI_USAGE: --vector is not valid JSON/);
    const wrongDim = await run(['--url', server.url, 'search', 'cities', '--vector', '[1,2,3]']);
    expect(wrongDim.stderr).toMatch(/^jadevectordb: JADE_ERR_VECTOR_INVALID: /);
    const badFilter = await run(['--url', server.url, 'search', 'cities', '--vector', '[1,2]', '--filter', '{"must":[{"key":"x","near":1}]}']);
    expect(badFilter.stderr).toMatch(/^jadevectordb: JADE_ERR_FILTER_INVALID: /);
    const missing = await run(['--url', server.url, 'search', 'cities', '--id', 'atlantis']);
    expect(missing.stderr).toMatch(/^jadevectordb: JADE_ERR_VECTOR_NOT_FOUND: /);
    expect(missing.code).toBe(1);
  });
});

describe('status', () => {
  it('prints the server status as JSON', async () => {
    // Status counts are eventual: wait until the shards have applied the writes.
    await server.client.vectors.count('cities', { consistency: 'strong' });
    const result = await run(['--url', server.url, 'status']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as { role: string; partitions: unknown[]; databases: { name: string; vectorCount: number }[] };
    expect(status).toMatchObject({ role: 'all', backbone: 'embedded' });
    expect(status.partitions).toHaveLength(2);
    expect(status.databases).toContainEqual({ name: 'cities', vectorCount: 4 });
  });
});

describe('the real entry point', () => {
  it('runs as a process: JSON on stdout and exit 0; code: message on stderr and exit 1', async () => {
    const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
    const exec = promisify(execFile);
    const env = { ...process.env, JADE_URL: server.url };
    const ok = await exec(process.execPath, ['--import', 'tsx', main, 'db', 'list'], { env });
    expect((JSON.parse(ok.stdout) as { name: string }[]).map((d) => d.name)).toContain('cities');
    const failed = await exec(process.execPath, ['--import', 'tsx', main, 'db', 'get', 'nope'], { env }).then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed!.stderr).toContain('jadevectordb: JADE_ERR_DB_NOT_FOUND: database nope does not exist');
  });
});
