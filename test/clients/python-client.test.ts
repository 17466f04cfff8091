/**
 * The generated Python client (clients/python): it is what `npm run client:python` generates from the current
 * OpenAPI document (regenerated into a temp dir and compared file by file), and its worked example
 * (clients/python/example.py) creates a database, upserts, searches, gets, deletes and drops against a real server
 * on the embedded log, authentication on, with a minted admin token.
 *
 * Needs python3 with scripts/gen-python-client.requirements.txt installed (scripts/setup-test-env.sh does). Without
 * them the suite is skipped with a message, except in CI (CI=true), where it fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintToken } from '../../src/security/jwt';
import { startTestServer, type TestServer } from '../client/test-server';

jest.setTimeout(120_000);

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const CLIENT = path.join(REPO, 'clients', 'python');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const GENERATOR = path.join(REPO, 'scripts', 'gen-python-client.ts');
const PYTHON = process.env.PYTHON ?? 'python3';
const SECRET = 'python-client-test-secret-0123456789abcdef';

/** Why the Python parts cannot run here, or undefined when they can. */
function missingTools(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', "import importlib.metadata as m; [m.version(p) for p in ('openapi-python-client', 'ruff', 'httpx', 'attrs', 'python-dateutil')]"], {
    encoding: 'utf8',
  });
  if (probe.error !== undefined) return `${PYTHON} is not installed (${probe.error.message})`;
  if (probe.status !== 0) return `the Python client's tools are not installed for ${PYTHON}: run ${PYTHON} -m pip install -r scripts/gen-python-client.requirements.txt (${probe.stderr.trim().split('\n').pop() ?? ''})`;
  return undefined;
}

const missing = missingTools();
const inCi = process.env.CI === 'true';
if (missing !== undefined && !inCi) console.warn(`Python client tests skipped: ${missing}`);
const itPython = missing === undefined ? it : it.skip;

describe('the generated Python client', () => {
  if (missing !== undefined && inCi) {
    it('has its tools installed in CI', () => {
      throw new Error(`${missing}. In CI these tools are required (scripts/setup-test-env.sh installs them).`);
    });
  }

  itPython('is exactly what npm run client:python generates from the current OpenAPI document', async () => {
    const { stdout } = await run(TSX, [GENERATOR, '--check'], { cwd: REPO, timeout: 90_000 });
    expect(stdout).toMatch(/up to date/);
  });

  itPython('is reported stale, file by file, when it differs from what would be generated', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-python-client-stale-'));
    try {
      fs.cpSync(CLIENT, copy, { recursive: true });
      fs.appendFileSync(path.join(copy, 'jadevectordb_client', 'client.py'), '# edited by hand\n');
      fs.rmSync(path.join(copy, 'jadevectordb_client', 'api', 'search', 'search.py'));
      fs.writeFileSync(path.join(copy, 'jadevectordb_client', 'leftover.py'), '');
      const failed = await run(TSX, [GENERATOR, '--check', '--out', copy], { cwd: REPO, timeout: 90_000 }).then(
        () => undefined,
        (err: { code?: number; stderr?: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('jadevectordb_client/client.py: differs');
      expect(failed?.stderr).toContain('jadevectordb_client/api/search/search.py: missing');
      expect(failed?.stderr).toContain('jadevectordb_client/leftover.py: not generated any more');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  describe('against a real server', () => {
    let server: TestServer;

    beforeAll(async () => {
      if (missing !== undefined) return;
      server = await startTestServer({ auth: 'on', jwtSecret: SECRET });
    });
    afterAll(async () => {
      await server?.stop();
    });

    itPython('was generated from the document the server serves at /openapi.json', async () => {
      const served: unknown = await (await fetch(`${server.url}/openapi.json`)).json();
      expect(JSON.parse(fs.readFileSync(path.join(CLIENT, 'openapi.json'), 'utf8'))).toEqual(served);
    });

    itPython('runs the worked example: create, upsert, search, get, delete, drop, every reply checked', async () => {
      const token = mintToken({ secret: SECRET, subject: 'python-example', roles: ['admin'], databases: '*', ttlSeconds: 600 });
      // Asynchronously: the server answers from this process's event loop.
      const { stdout } = await run(PYTHON, ['example.py', '--url', server.url, '--token', token, '--database', 'pyexample'], {
        cwd: CLIENT,
        timeout: 60_000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`example.py failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      });
      expect(stdout).toContain('example.py: ok: created pyexample');
      // The example dropped its database.
      const list = (await (await fetch(`${server.url}/v1/databases`, { headers: { authorization: `Bearer ${token}` } })).json()) as { databases: unknown[] };
      expect(list.databases).toEqual([]);
    });

    itPython('makes the example fail, with a non-zero exit, when the server refuses its credentials', async () => {
      const wrong = mintToken({ secret: 'not-the-servers-secret-0123456789abcdefgh', subject: 'x', roles: ['admin'], databases: '*', ttlSeconds: 600 });
      const failed = await run(PYTHON, ['example.py', '--url', server.url, '--token', wrong], {
        cwd: CLIENT,
        timeout: 60_000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      }).then(
        () => undefined,
        (err: { code?: number; stderr?: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(/FAILED: UnexpectedStatus: Unexpected status code: 401/);
    });
  });
});
