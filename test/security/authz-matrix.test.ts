/**
 * The authorisation matrix: every registered route x every kind of caller -> the expected 2xx, 401 or 403.
 *
 * The table below is the specification. A route registered without a row in it fails the coverage test, so a new
 * route cannot ship without deciding who may call it. Expectations are derived from the row's access class (public,
 * read, write, admin) and whether the route names a database, never from the route's own `config`.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import * as bootstrap from '../../src/cli/bootstrap';
import { startServer, type RunningServer } from '../../src/cli/server';
import { CONSOLE_MARKER, defaultConsoleDir } from '../../src/http/console';
import { silentLogger } from '../../src/logger';
import type { Access, Role } from '../../src/security/principal';
import { waitFor } from '../helpers/wait';
import { apiKey, badTokens, bearer, call, expectStatus, secureConfig, startSecureServer, token, type Method, type SecureServer } from './helpers';

const DB = 'matrix';
const ELSEWHERE = 'elsewhere';
const VALUES = [0.1, 0.2, 0.3, 0.4];
const CONSOLE_BUILT = fs.existsSync(path.join(defaultConsoleDir(), CONSOLE_MARKER));

/** What a cell needs to build its request. */
interface Fixtures {
  admin: Record<string, string>;
  /** A new database only this cell uses (for drops). */
  freshDatabase(): Promise<string>;
  /** A new API key id only this cell uses (for revocations). */
  freshKeyId(): Promise<string>;
  unique(): string;
}

interface RouteRow {
  access: Access;
  /** Status of an allowed call. */
  ok: number;
  /** The request; `db` is the database it names, when it names one (scopes apply to it). */
  request(f: Fixtures): Promise<{ url: string; body?: unknown; db?: string }> | { url: string; body?: unknown; db?: string };
}

const onDb = (suffix: string, body?: unknown) => (): { url: string; body?: unknown; db: string } => ({ url: `/v1/databases/${DB}${suffix}`, db: DB, ...(body === undefined ? {} : { body }) });
const plain = (url: string) => (): { url: string } => ({ url });

/** Every route, by `METHOD url` exactly as Fastify registers it. HEAD rows are added for every GET row below. */
const ROUTES: Record<string, RouteRow> = {
  // Public: the API documentation and its assets, health and readiness.
  'GET /docs': { access: 'public', ok: 200, request: plain('/docs') },
  'GET /docs/': { access: 'public', ok: 200, request: plain('/docs/') },
  // swagger-ui redirects its index page to `/docs/`.
  'GET /docs/static/index.html': { access: 'public', ok: 302, request: plain('/docs/static/index.html') },
  'GET /docs/static/swagger-initializer.js': { access: 'public', ok: 200, request: plain('/docs/static/swagger-initializer.js') },
  'GET /docs/static/*': { access: 'public', ok: 200, request: plain('/docs/static/swagger-ui.css') },
  'GET /docs/json': { access: 'public', ok: 200, request: plain('/docs/json') },
  'GET /docs/yaml': { access: 'public', ok: 200, request: plain('/docs/yaml') },
  // The web console: a redirect to `/console/`, then its static files (404 when the console is not built).
  'GET /console': { access: 'public', ok: 302, request: plain('/console') },
  'GET /console/*': { access: 'public', ok: CONSOLE_BUILT ? 200 : 404, request: plain('/console/') },
  'GET /openapi.json': { access: 'public', ok: 200, request: plain('/openapi.json') },
  'GET /health': { access: 'public', ok: 200, request: plain('/health') },
  'GET /ready': { access: 'public', ok: 200, request: plain('/ready') },
  // Status needs credentials; metrics (operator data for every database) need an admin, unless configured public.
  'GET /status': { access: 'read', ok: 200, request: plain('/status') },
  'GET /metrics': { access: 'admin', ok: 200, request: plain('/metrics') },
  // Databases.
  'POST /v1/databases': { access: 'admin', ok: 201, request: (f) => ({ url: '/v1/databases', body: { name: f.unique(), dimension: 4, metric: 'cosine' } }) },
  'GET /v1/databases': { access: 'read', ok: 200, request: plain('/v1/databases') },
  'GET /v1/databases/:db': { access: 'read', ok: 200, request: onDb('') },
  'PATCH /v1/databases/:db': { access: 'admin', ok: 200, request: onDb('', { description: 'patched' }) },
  'PUT /v1/databases/:db': { access: 'admin', ok: 200, request: onDb('', { description: 'put' }) },
  'DELETE /v1/databases/:db': {
    access: 'admin',
    ok: 204,
    request: async (f) => {
      const db = await f.freshDatabase();
      return { url: `/v1/databases/${db}`, db };
    },
  },
  // Vectors and search.
  'POST /v1/databases/:db/vectors': { access: 'write', ok: 201, request: onDb('/vectors', { id: 'v2', values: VALUES, metadata: { k: 1 } }) },
  'GET /v1/databases/:db/vectors': { access: 'read', ok: 200, request: onDb('/vectors') },
  'POST /v1/databases/:db/vectors/batch': { access: 'write', ok: 201, request: onDb('/vectors/batch', { vectors: [{ id: 'v3', values: VALUES }] }) },
  'POST /v1/databases/:db/vectors/batch-get': { access: 'read', ok: 200, request: onDb('/vectors/batch-get', { ids: ['v1'] }) },
  'POST /v1/databases/:db/vectors/delete': { access: 'write', ok: 200, request: onDb('/vectors/delete', { ids: ['gone'] }) },
  'POST /v1/databases/:db/vectors/scroll': { access: 'read', ok: 200, request: onDb('/vectors/scroll', {}) },
  'POST /v1/databases/:db/vectors/count': { access: 'read', ok: 200, request: onDb('/vectors/count', {}) },
  'GET /v1/databases/:db/vectors/:id': { access: 'read', ok: 200, request: onDb('/vectors/v1') },
  'PUT /v1/databases/:db/vectors/:id': { access: 'write', ok: 200, request: onDb('/vectors/v1', { values: VALUES, metadata: { k: 2 } }) },
  'PATCH /v1/databases/:db/vectors/:id': { access: 'write', ok: 200, request: onDb('/vectors/v1', { metadata: { k: 3 } }) },
  'DELETE /v1/databases/:db/vectors/:id': { access: 'write', ok: 200, request: onDb('/vectors/gone') },
  'POST /v1/databases/:db/search': { access: 'read', ok: 200, request: onDb('/search', { vector: VALUES, topK: 3 }) },
  'POST /v1/databases/:db/search/batch': { access: 'read', ok: 200, request: onDb('/search/batch', { searches: [{ vector: VALUES }] }) },
  // API keys, the audit log and its level.
  'POST /v1/api-keys': { access: 'admin', ok: 201, request: () => ({ url: '/v1/api-keys', body: { roles: ['reader'], databases: [DB] } }) },
  'GET /v1/api-keys': { access: 'admin', ok: 200, request: plain('/v1/api-keys') },
  'DELETE /v1/api-keys/:id': { access: 'admin', ok: 204, request: async (f) => ({ url: `/v1/api-keys/${await f.freshKeyId()}` }) },
  'GET /v1/security/audit-log': { access: 'admin', ok: 200, request: plain('/v1/security/audit-log?limit=5') },
  'GET /v1/security/audit-level': { access: 'admin', ok: 200, request: plain('/v1/security/audit-level') },
  'PUT /v1/security/audit-level': { access: 'admin', ok: 200, request: () => ({ url: '/v1/security/audit-level', body: { level: 'all' } }) },
};
// Fastify answers HEAD for every GET route, through the same hooks.
for (const [key, row] of Object.entries(ROUTES)) if (key.startsWith('GET ')) ROUTES[`HEAD ${key.slice(4)}`] = row;

/** Callers: valid grants, and credentials that must be refused whatever they claim. */
type Caller = { grant: { roles: Role[]; databases: '*' | string[] }; headers: () => Record<string, string> } | { refused: 'JADE_ERR_AUTH_REQUIRED' | 'JADE_ERR_AUTH_INVALID'; headers: () => Record<string, string> };

/**
 * Every `METHOD url` registered, read off `printRoutes()`: the router's radix tree, where a node's path is its
 * ancestors' segments joined. Each route read is confirmed with `hasRoute`, so a misread fails rather than passes.
 */
function registeredRoutes(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const match = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3))!;
    stack.length = depth;
    stack.push(match[1]!);
    const url = stack.join('');
    for (const method of (match[2] ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '') as HTTPMethods[]) {
      if (!app.hasRoute({ method, url })) throw new Error(`misread "${line.trim()}" of printRoutes as ${method} ${url}`);
      out.push(`${method} ${url}`);
    }
  }
  return out;
}

function allows(roles: Role[], access: Access): boolean {
  if (roles.includes('admin')) return true;
  if (roles.includes('writer')) return access === 'read' || access === 'write';
  return roles.includes('reader') && access === 'read';
}

function expectation(row: RouteRow, caller: Caller, db: string | undefined): { status: number; code?: string } {
  if (row.access === 'public') return { status: row.ok };
  if ('refused' in caller) return { status: 401, code: caller.refused };
  const { roles, databases } = caller.grant;
  if (!allows(roles, row.access)) return { status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' };
  if (databases !== '*') {
    if (db !== undefined && !databases.includes(db)) return { status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' };
    // Administration that is not about one database (creating databases, keys, the audit log and level) needs them all:
    // otherwise a scoped admin could mint itself a key for every database.
    if (db === undefined && row.access === 'admin') return { status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' };
  }
  return { status: row.ok };
}

describe('authorisation matrix', () => {
  let s: SecureServer;
  const callers: Record<string, Caller> = {};
  let fixtures: Fixtures;
  let counter = 0;

  beforeAll(async () => {
    s = await startSecureServer();
    const admin = bearer(token(['admin']));
    await expectStatus(s.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, 201, admin);
    await expectStatus(s.app, 'POST', '/v1/databases', { name: ELSEWHERE, dimension: 4, metric: 'cosine' }, 201, admin);
    await expectStatus(s.app, 'PUT', `/v1/databases/${DB}/vectors/v1`, { values: VALUES }, 200, admin);
    const createKey = async (roles: Role[], databases: '*' | string[], expiresInSeconds?: number): Promise<{ keyId: string; key: string }> =>
      expectStatus(s.app, 'POST', '/v1/api-keys', { roles, databases, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) }, 201, admin);
    const revoked = await createKey(['admin'], '*');
    await expectStatus(s.app, 'DELETE', `/v1/api-keys/${revoked.keyId}`, undefined, 204, admin);
    const readerKey = await createKey(['reader'], '*');
    const adminKey = await createKey(['admin'], '*');
    const elsewhereKey = await createKey(['writer'], [ELSEWHERE]);
    const expiring = await createKey(['admin'], '*', 1);
    // Wait (with a deadline) until the short-lived key has expired.
    await waitFor(async () => (await call(s.app, 'GET', '/v1/databases', undefined, apiKey(expiring.key))).status === 401, { timeoutMs: 10_000, what: 'the API key to expire' });
    const bad = badTokens();
    const grant = (roles: Role[], databases: '*' | string[], headers: Record<string, string>): Caller => ({ grant: { roles, databases }, headers: () => headers });
    const refused = (headers: Record<string, string>): Caller => ({ refused: 'JADE_ERR_AUTH_INVALID', headers: () => headers });
    Object.assign(callers, {
      'no credentials': { refused: 'JADE_ERR_AUTH_REQUIRED', headers: () => ({}) },
      reader: grant(['reader'], '*', bearer(token(['reader']))),
      writer: grant(['writer'], '*', bearer(token(['writer']))),
      admin: grant(['admin'], '*', admin),
      'wrong database scope (admin of another db)': grant(['admin'], [ELSEWHERE], bearer(token(['admin'], [ELSEWHERE]))),
      'reader scoped to this db': grant(['reader'], [DB], bearer(token(['reader'], [DB]))),
      'revoked API key': refused(apiKey(revoked.key)),
      'expired API key': refused(apiKey(expiring.key)),
      'unknown API key': refused(apiKey(`jade_${'A'.repeat(16)}_${'b'.repeat(43)}`)),
      'expired token': refused(bearer(bad.expired)),
      'alg-none token': refused(bearer(bad.algNone)),
      'bad signature': refused(bearer(bad.badSignature)),
      'not-yet-valid (nbf) token': refused(bearer(bad.notYetValid)),
      'RS256 token to an HS256 server': refused(bearer(bad.rs256)),
      'token without exp': refused(bearer(bad.noExp)),
      'unsupported scheme (Basic)': refused({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }),
      'API key, reader role': grant(['reader'], '*', apiKey(readerKey.key)),
      'API key, admin role': grant(['admin'], '*', apiKey(adminKey.key)),
      'API key scoped to another db (writer)': grant(['writer'], [ELSEWHERE], apiKey(elsewhereKey.key)),
    } satisfies Record<string, Caller>);
    fixtures = {
      admin,
      unique: () => `fresh-${++counter}`,
      freshDatabase: async () => {
        const name = `drop-${++counter}`;
        await expectStatus(s.app, 'POST', '/v1/databases', { name, dimension: 4, metric: 'cosine' }, 201, admin);
        // Until every shard has applied the creation, eventual reads (and /status) answer 404 for it.
        await waitFor(async () => (await call(s.app, 'GET', `/v1/databases/${name}`, undefined, admin)).status === 200, { what: `${name} on every shard` });
        return name;
      },
      freshKeyId: async () => (await createKey(['reader'], '*')).keyId,
    };
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
  }, 30_000);

  it('has a row for every registered route, and every documented operation is registered', async () => {
    const registered = registeredRoutes(s.app);
    expect(registered.length).toBeGreaterThan(40);
    // A route added without a row here fails: decide who may call it, then add it.
    expect([...new Set(registered)].sort()).toEqual(Object.keys(ROUTES).sort());
    const doc = (await call<{ paths: Record<string, Record<string, unknown>> }>(s.app, 'GET', '/openapi.json')).body;
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(documented.length).toBeGreaterThan(25);
    expect(documented.filter((op) => ROUTES[op] === undefined)).toEqual([]);
  });

  it.each(Object.keys(ROUTES).sort())('%s', async (route) => {
    const row = ROUTES[route]!;
    const method = route.slice(0, route.indexOf(' ')) as Method;
    const mismatches: string[] = [];
    let allowed = 0;
    for (const [name, caller] of Object.entries(callers)) {
      const { url, body, db } = await row.request(fixtures);
      const want = expectation(row, caller, db);
      const res = await call<{ code?: string }>(s.app, method, url, method === 'GET' || method === 'HEAD' ? undefined : body, caller.headers());
      const code = method === 'HEAD' ? undefined : res.body?.code;
      if (res.status !== want.status || (want.code !== undefined && method !== 'HEAD' && code !== want.code)) {
        mismatches.push(`${name}: expected ${want.status}${want.code === undefined ? '' : ` ${want.code}`}, got ${res.status} ${res.text.slice(0, 160)}`);
      }
      if (want.status === row.ok) allowed += 1;
    }
    expect(mismatches).toEqual([]);
    // Every row has callers on both sides of the line, except public routes which everyone may call.
    expect(allowed).toBeGreaterThan(0);
    if (row.access !== 'public') expect(allowed).toBeLessThan(Object.keys(callers).length);
  }, 30_000);
});

/** Two gateways on one log, as two processes on one Kafka cluster would be (the embedded log allows one process). */
describe('API key revocation across gateways', () => {
  it('a key created on one gateway works on another, and a revocation on the first is refused on the second once it has consumed past it', async () => {
    const first = await startSecureServer({ auditLevel: 'security' });
    // The second gateway opens no log of its own: it gets the first one's (whose close stays with the first).
    const shared = new Proxy(first.server.foundation.backbone, {
      get(target, prop): unknown {
        if (prop === 'close') return () => Promise.resolve();
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-sec-gw2-'));
    const config2 = secureConfig(dir2, { role: 'gateway', clusterSecret: 'cluster-secret-of-at-least-32-characters', auditLevel: 'security' });
    const spy = jest.spyOn(bootstrap, 'openFoundation').mockResolvedValueOnce({ ...first.server.foundation, config: config2, backbone: shared });
    let second: RunningServer | undefined;
    try {
      second = await startServer(config2, silentLogger);
      expect(spy).toHaveBeenCalledTimes(1);
      const gateways = { first: first.app, second: second.app! };
      const admin = bearer(token(['admin']));
      const created = await expectStatus<{ keyId: string; key: string }>(first.app, 'POST', '/v1/api-keys', { roles: ['reader'], databases: '*' }, 201, admin);
      // Accepted on both: the second gateway picks the key up from the security topic.
      expect((await call(gateways.first, 'GET', '/v1/databases', undefined, apiKey(created.key))).status).toBe(200);
      await waitFor(async () => (await call(gateways.second, 'GET', '/v1/databases', undefined, apiKey(created.key))).status === 200, { timeoutMs: 10_000, what: 'the key on the second gateway' });

      // Revoked on the first gateway: refused there at once (revoke returns once it has consumed the revocation) ...
      await expectStatus(first.app, 'DELETE', `/v1/api-keys/${created.keyId}`, undefined, 204, admin);
      const onFirst = await call<{ code: string }>(gateways.first, 'GET', '/v1/databases', undefined, apiKey(created.key));
      expect([onFirst.status, onFirst.body.code]).toEqual([401, 'JADE_ERR_AUTH_INVALID']);
      // ... and on the second once it has consumed past the revocation.
      await waitFor(async () => (await call(gateways.second, 'GET', '/v1/databases', undefined, apiKey(created.key))).status === 401, { timeoutMs: 10_000, what: 'the revocation on the second gateway' });
      const onSecond = await call<{ code: string }>(gateways.second, 'GET', '/v1/databases', undefined, apiKey(created.key));
      expect([onSecond.status, onSecond.body.code]).toEqual([401, 'JADE_ERR_AUTH_INVALID']);
      // The second gateway shows the key as revoked too, and can revoke nothing twice.
      const listed = await expectStatus<{ keys: { keyId: string; revoked: boolean }[] }>(gateways.second, 'GET', '/v1/api-keys', undefined, 200, admin);
      expect(listed.keys.find((k) => k.keyId === created.keyId)?.revoked).toBe(true);
      const again = await call<{ code: string }>(gateways.second, 'DELETE', `/v1/api-keys/${created.keyId}`, undefined, admin);
      expect([again.status, again.body.code]).toEqual([404, 'JADE_ERR_API_KEY_NOT_FOUND']);
    } finally {
      spy.mockRestore();
      await second?.stop();
      await first.stop();
      fs.rmSync(dir2, { recursive: true, force: true });
    }
  }, 60_000);
});

/** A server verifying RS256 or ES256 tokens with a public key refuses every other algorithm, `none` included. */
describe.each(['rsa', 'ec'] as const)('public-key JWT verification (%s)', (type) => {
  it('accepts tokens signed by the private key and refuses algorithm confusion, alg none and other keys', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-sec-pk-'));
    const pair = () => (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const { publicKey, privateKey } = pair();
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    fs.writeFileSync(path.join(dir, 'jwt.pub'), publicPem);
    const algorithm = type === 'rsa' ? 'RS256' : 'ES256';
    const s = await startSecureServer({ jwtSecret: undefined, jwtPublicKeyFile: path.join(dir, 'jwt.pub') }, dir);
    try {
      const claims = { sub: 'idp-user', roles: ['admin'], databases: '*' };
      const sign = (key: string, alg: 'RS256' | 'ES256' | 'HS256') => createSigner({ key, algorithm: alg, expiresIn: 3_600_000 })(claims);
      const status = async (jwt: string) => (await call(s.app, 'GET', '/v1/databases', undefined, bearer(jwt))).status;
      expect(await status(sign(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm))).toBe(200);
      const other = pair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(await status(sign(other, algorithm))).toBe(401);
      // Algorithm confusion: an HS256 token whose "secret" is the public key everyone knows.
      expect(await status(createSigner({ key: publicPem, algorithm: 'HS256', expiresIn: 3_600_000 })(claims))).toBe(401);
      expect(await status(badTokens().algNone)).toBe(401);
      expect(await status(token(['admin']))).toBe(401);
    } finally {
      await s.stop();
    }
  }, 60_000);
});
