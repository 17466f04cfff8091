/** Credentials end to end: the client's and the CLI's token and API key against a server that enforces them. */
import { JadeClient, JadeClientError } from '../../src/client';
import { runCli } from '../../src/cli/program';
import { mintToken } from '../../src/security/jwt';
import { waitFor } from '../helpers/wait';
import { memoryIo, startTestServer, type TestServer } from './test-server';

const secret = 'client-test-secret-0123456789abcdef';
// A real server shares the CPU with the test (and, in CI, with other suites): allow for a loaded machine.
jest.setTimeout(60_000);

let server: TestServer;
let admin: JadeClient;

beforeAll(async () => {
  server = await startTestServer({ auth: 'on', jwtSecret: secret });
  admin = new JadeClient({ url: server.url, token: mintToken({ secret, subject: 'test-admin', roles: ['admin'], databases: '*', ttlSeconds: 600 }) });
});

afterAll(async () => {
  await server?.stop();
});

async function failure(promise: Promise<unknown>): Promise<JadeClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JadeClientError);
  return err as JadeClientError;
}

it('without credentials only public routes answer', async () => {
  const anonymous = new JadeClient({ url: server.url });
  expect(await anonymous.health()).toEqual({ status: 'ok' });
  const err = await failure(anonymous.databases.list());
  expect(err).toMatchObject({ statusCode: 401, code: 'JADE_ERR_AUTH_REQUIRED' });
  const forged = await failure(new JadeClient({ url: server.url, token: 'not.a.jwt' }).databases.list());
  expect(forged).toMatchObject({ statusCode: 401, code: 'JADE_ERR_AUTH_INVALID' });
});

it('a bearer token and a scoped API key work through the client; a revoked key stops working', async () => {
  await admin.databases.create({ name: 'scoped', dimension: 2, metric: 'dot' });
  await admin.databases.create({ name: 'other', dimension: 2, metric: 'dot' });
  const created = await admin.security.createApiKey({ name: 'ingest', roles: ['writer'], databases: ['scoped'], expiresInSeconds: 3600 });
  expect(created).toMatchObject({ name: 'ingest', roles: ['writer'], databases: ['scoped'], revoked: false });
  expect(typeof created.key).toBe('string');
  expect((await admin.security.listApiKeys()).map((k) => k.keyId)).toContain(created.keyId);

  const writer = new JadeClient({ url: server.url, apiKey: created.key });
  const written = await waitFor(() => writer.vectors.upsert('scoped', { id: 'a', values: [1, 2] }), { what: 'the new key to be consumed' });
  expect(written.id).toBe('a');
  const forbidden = await failure(writer.vectors.upsert('other', { id: 'a', values: [1, 2] }));
  expect(forbidden).toMatchObject({ statusCode: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' });
  const notAdmin = await failure(writer.databases.create({ name: 'nope', dimension: 2, metric: 'dot' }));
  expect(notAdmin.statusCode).toBe(403);

  await admin.security.revokeApiKey(created.keyId);
  await waitFor(async () => (await failure(writer.vectors.get('scoped', 'a'))).statusCode === 401, { what: 'the revocation to hold' });
  expect((await admin.security.listApiKeys()).find((k) => k.keyId === created.keyId)?.revoked).toBe(true);
});

it('the audit log and level are readable and settable by an admin', async () => {
  expect(await admin.security.setAuditLevel('all')).toEqual({ level: 'all' });
  expect(await admin.security.auditLevel()).toMatchObject({ level: 'all' });
  await admin.vectors.count('scoped');
  const events = await admin.security.auditLog({ actor: 'test-admin', since: new Date(Date.now() - 60_000), limit: 50 });
  expect(events.length).toBeGreaterThan(0);
  expect(events.every((e) => e.actor === 'test-admin')).toBe(true);
  expect(events.map((e) => e.action)).toContain('audit_level.set');
});

it('the CLI sends --token, JADE_TOKEN and --api-key', async () => {
  const token = mintToken({ secret, subject: 'cli-reader', roles: ['reader'], databases: '*', ttlSeconds: 600 });
  const byOption = memoryIo();
  expect(await runCli(['--url', server.url, '--token', token, 'db', 'list'], byOption)).toBe(0);
  expect((JSON.parse(byOption.stdout.text) as { name: string }[]).map((d) => d.name)).toContain('scoped');

  const byEnv = memoryIo({ env: { JADE_URL: server.url, JADE_TOKEN: token } });
  expect(await runCli(['status'], byEnv)).toBe(0);

  const readOnly = memoryIo({ env: { JADE_URL: server.url, JADE_TOKEN: token } });
  expect(await runCli(['db', 'drop', 'scoped'], readOnly)).toBe(1);
  expect(readOnly.stderr.text).toMatch(/^jadevectordb: JADE_ERR_AUTH_FORBIDDEN: /);

  const key = await admin.security.createApiKey({ roles: ['reader'], databases: '*' });
  const byKey = memoryIo();
  await waitFor(async () => (await runCli(['--url', server.url, '--api-key', key.key, 'db', 'get', 'scoped'], byKey)) === 0, { what: 'the key to be consumed' });
  expect(byKey.stdout.text).toContain('"name": "scoped"');

  const none = memoryIo();
  expect(await runCli(['--url', server.url, 'db', 'list'], none)).toBe(1);
  expect(none.stderr.text).toMatch(/^jadevectordb: JADE_ERR_AUTH_REQUIRED: /);
});
