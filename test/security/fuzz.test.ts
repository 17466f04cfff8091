/**
 * Fuzz: thousands of malformed requests from a fixed seed. Every reply must be a 4xx in the one error shape with a
 * registered `JADE_ERR_*` code (never a 5xx, a stack trace or a file path), the same request must get the same
 * code, the server must stay up, and the stored data must be exactly what it was (nothing reached the log).
 */
import { createHash } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import type { InjectOptions } from 'fastify';
import { ERROR_CODES } from '../../src/errors';
import { seededRandom } from '../helpers/vectors';
import { SECRET, badTokens, bearer, call, expectStatus, startSecureServer, token, type SecureServer } from './helpers';

const SEED = 0x5eed_0007;
const REQUESTS = 6_000;
const DIM = 8;
const DB = 'fuzz';
const BODY_LIMIT = 64 * 1024;

type Rand = () => number;
interface FuzzCase {
  kind: string;
  request: InjectOptions & { method: string; url: string };
  /** Statuses this kind of malformed request may get. */
  statuses: number[];
}

const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const str = (rand: Rand, n: number, alphabet = ALNUM): string => {
  // Long strings repeat a random block: drawing every character of 64 KiB bodies costs more than sending them.
  if (n > 256) return str(rand, 256, alphabet).repeat(Math.ceil(n / 256)).slice(0, n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
};
const floats = (rand: Rand, n: number): number[] => Array.from({ length: n }, () => Math.round((rand() * 2 - 1) * 1000) / 1000 || 0.5);

/** Any JSON value, nested a little. */
function randomJson(rand: Rand, depth = 0): unknown {
  const choice = int(rand, 0, depth > 2 ? 4 : 6);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick(rand, [0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e300, -1e-300, int(rand, -1e6, 1e6)]);
    case 3:
      return str(rand, int(rand, 0, 12), `${ALNUM} "\\/\u0000\u00e9\u2603`);
    case 4:
      return pick(rand, ['', 'null', '[]', '{}', 'NaN']);
    case 5:
      return Array.from({ length: int(rand, 0, 4) }, () => randomJson(rand, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: int(rand, 0, 4) }, () => [`k${str(rand, 4)}`, randomJson(rand, depth + 1)]));
  }
}

/** A value of any type but `allowed`. */
function wrongType(rand: Rand, allowed: 'array' | 'string' | 'number' | 'integer' | 'object' | 'boolean' | 'objectOrNull'): unknown {
  const candidates: unknown[] = [];
  if (allowed !== 'string') candidates.push(str(rand, 5), '', '1');
  if (allowed !== 'number' && allowed !== 'integer') candidates.push(42, -3.5, 0);
  if (allowed === 'integer') candidates.push(1.5, -0.25);
  if (allowed !== 'array') candidates.push([], [1, 'two'], [[]]);
  if (allowed !== 'object' && allowed !== 'objectOrNull') candidates.push({ a: 1 }, {});
  if (allowed !== 'boolean') candidates.push(true, false);
  if (allowed !== 'objectOrNull') candidates.push(null);
  return pick(rand, candidates);
}

/** Valid bodies for each write and read route of the fuzzed database, with the fields a mutation may break. */
interface Target {
  method: 'POST' | 'PUT' | 'PATCH';
  url: (rand: Rand) => string;
  body: (rand: Rand) => Record<string, unknown>;
  /** Fields and the one type they accept; a value of another type makes the request invalid. */
  fields: Record<string, Parameters<typeof wrongType>[1]>;
  /** Where a vector sits in the body, for dimension and huge-number mutations. */
  vector?: (body: Record<string, unknown>) => number[];
  /** An integer field with bounds, for huge-number mutations. */
  bounded?: string;
}

const vid = (rand: Rand): string => `id-${str(rand, 6)}`;
const TARGETS: Target[] = [
  { method: 'POST', url: () => `/v1/databases/${DB}/vectors`, body: (r) => ({ id: vid(r), values: floats(r, DIM), metadata: { t: 'x' } }), fields: { id: 'string', values: 'array', metadata: 'objectOrNull' }, vector: (b) => b.values as number[] },
  {
    method: 'POST',
    url: () => `/v1/databases/${DB}/vectors/batch`,
    body: (r) => ({ vectors: [{ id: vid(r), values: floats(r, DIM) }, { id: vid(r), values: floats(r, DIM) }] }),
    fields: { vectors: 'array' },
    vector: (b) => (b.vectors as { values: number[] }[])[1]!.values,
  },
  { method: 'PUT', url: (r) => `/v1/databases/${DB}/vectors/${vid(r)}`, body: (r) => ({ values: floats(r, DIM), metadata: { n: 1 } }), fields: { values: 'array', metadata: 'objectOrNull' }, vector: (b) => b.values as number[] },
  { method: 'PATCH', url: () => `/v1/databases/${DB}/vectors/v0`, body: () => ({ metadata: { patched: true } }), fields: { metadata: 'objectOrNull' } },
  {
    method: 'POST',
    url: () => `/v1/databases/${DB}/search`,
    body: (r) => ({ vector: floats(r, DIM), topK: int(r, 1, 50), includeMetadata: true }),
    fields: { vector: 'array', topK: 'integer', includeMetadata: 'boolean', filter: 'object', efSearch: 'integer', exact: 'boolean' },
    vector: (b) => b.vector as number[],
    bounded: 'topK',
  },
  { method: 'POST', url: () => `/v1/databases/${DB}/search/batch`, body: (r) => ({ searches: [{ vector: floats(r, DIM) }] }), fields: { searches: 'array' }, vector: (b) => (b.searches as { vector: number[] }[])[0]!.vector },
  { method: 'POST', url: () => `/v1/databases/${DB}/vectors/delete`, body: (r) => ({ ids: [vid(r)] }), fields: { ids: 'array' } },
  { method: 'POST', url: () => `/v1/databases/${DB}/vectors/batch-get`, body: () => ({ ids: ['v1'] }), fields: { ids: 'array' } },
  { method: 'POST', url: () => `/v1/databases/${DB}/vectors/scroll`, body: () => ({ limit: 10, includeValues: true }), fields: { limit: 'integer', includeValues: 'boolean', cursor: 'string', filter: 'object' }, bounded: 'limit' },
  { method: 'POST', url: () => `/v1/databases/${DB}/vectors/count`, body: () => ({ filter: { must: [{ key: 'g', match: 1 }] } }), fields: { filter: 'object' } },
  { method: 'POST', url: () => '/v1/databases', body: (r) => ({ name: `n${str(r, 6).toLowerCase()}`, dimension: int(r, 1, 64), metric: 'cosine' }), fields: { name: 'string', dimension: 'integer', metric: 'string', index: 'object' }, bounded: 'dimension' },
  { method: 'PATCH', url: () => `/v1/databases/${DB}`, body: () => ({ description: 'changed' }), fields: { index: 'object' } },
  { method: 'POST', url: () => '/v1/api-keys', body: () => ({ roles: ['admin'], databases: '*' }), fields: { roles: 'array', name: 'string', expiresInSeconds: 'integer' }, bounded: 'expiresInSeconds' },
  { method: 'PUT', url: () => '/v1/security/audit-level', body: () => ({ level: 'off' }), fields: { level: 'string' } },
];

/** Bodies that are not JSON, or JSON that Fastify refuses to parse (prototype poisoning). */
const BAD_JSON = ['{', '{"values": [1, 2,]}', "{'values': [1]}", '{"values": [NaN]}', '{"values": [Infinity]}', '[1, 2', '{"a":1}}', 'nul', '"\\u12"', '{"__proto__": {"admin": true}, "values": [1]}', '{"constructor": {"prototype": {"admin": true}}}', '\u0000', ' '];
const HUGE = ['1e309', '-1e309', '3.5e38', '-3.5e38', '1e400', '179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0'];

interface Credentials {
  admin: string;
  reader: string;
}

/** One malformed request. Each kind is malformed by construction, so it can never succeed. */
function fuzzCase(rand: Rand, creds: Credentials): FuzzCase {
  const admin = { authorization: `Bearer ${creds.admin}` };
  const json = { 'content-type': 'application/json' };
  const target = pick(rand, TARGETS);
  const valid = target.body(rand);
  const base = { method: target.method, url: target.url(rand) };
  const kind = pick(rand, ['notObject', 'unknownProperty', 'wrongType', 'hugeNumber', 'wrongDimension', 'oversized', 'badJson', 'contentType', 'badToken', 'badClaims', 'forbidden', 'randomPath', 'randomMethod', 'badQuery', 'badParam', 'missingDatabase', 'badFilter', 'badHeader']);
  switch (kind) {
    case 'notObject': {
      let body = randomJson(rand);
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) body = [body];
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: JSON.stringify(body) }, statuses: [400] };
    }
    case 'unknownProperty':
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: JSON.stringify({ ...valid, [`zz${str(rand, 5)}`]: randomJson(rand) }) }, statuses: [400] };
    case 'wrongType': {
      const [field, type] = pick(rand, Object.entries(target.fields));
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: JSON.stringify({ ...valid, [field]: wrongType(rand, type) }) }, statuses: [400] };
    }
    case 'hugeNumber': {
      // Numbers beyond float32 (or float64, parsed as Infinity) in a vector, or far outside an integer field's bounds.
      const useVector = target.vector !== undefined && (target.bounded === undefined || rand() < 0.5);
      if (useVector) target.vector!(valid)[0] = -7777.5;
      const body = useVector ? valid : { ...valid, [target.bounded ?? `zz${str(rand, 4)}`]: -7777.5 };
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: JSON.stringify(body).replace('-7777.5', pick(rand, HUGE)) }, statuses: [400] };
    }
    case 'wrongDimension': {
      if (target.vector === undefined) return fuzzCase(rand, creds);
      const vector = target.vector(valid);
      const n = pick(rand, [0, 1, DIM - 1, DIM + 1, int(rand, 2, 64) * (rand() < 0.5 ? 1 : 3), 4097]);
      vector.splice(0, vector.length, ...floats(rand, n === DIM ? DIM + 2 : n));
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: JSON.stringify(valid) }, statuses: [400] };
    }
    case 'oversized': {
      const padding = str(rand, BODY_LIMIT + int(rand, 1, 4096));
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: JSON.stringify({ ...valid, metadata: { padding } }) }, statuses: [413] };
    }
    case 'badJson':
      return { kind, request: { ...base, headers: { ...admin, ...json }, payload: pick(rand, BAD_JSON) }, statuses: [400] };
    case 'contentType':
      return {
        kind,
        request: { ...base, headers: { ...admin, 'content-type': pick(rand, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png', `x-${str(rand, 4)}/${str(rand, 4)}`]) }, payload: JSON.stringify(valid) },
        statuses: [400, 415],
      };
    case 'badToken': {
      const bad = badTokens();
      const good = creds.admin;
      const authorization = pick(rand, [
        `Bearer ${bad.expired}`,
        `Bearer ${bad.algNone}`,
        `Bearer ${bad.badSignature}`,
        `Bearer ${bad.notYetValid}`,
        `Bearer ${bad.rs256}`,
        `Bearer ${bad.noExp}`,
        `Bearer ${good.slice(0, int(rand, 0, good.length - 1))}`,
        `Bearer ${good.slice(0, -3)}${str(rand, 3)}`,
        `Bearer ${str(rand, int(rand, 1, 300), `${ALNUM}._-`)}`,
        `Bearer ${good}.${str(rand, 4)}`,
        'Bearer',
        'Bearer ',
        `ApiKey ${str(rand, int(rand, 0, 80))}`,
        `ApiKey jade_${str(rand, 16)}_${str(rand, 43, `${ALNUM}_-`)}`,
        `Basic ${Buffer.from(`admin:${str(rand, 8)}`).toString('base64')}`,
        `Digest ${str(rand, 20)}`,
        `bearer ${good}`,
        str(rand, int(rand, 1, 40)),
        `Bearer ${str(rand, 8000)}`,
      ]);
      return { kind, request: { ...base, headers: { authorization, ...json }, payload: JSON.stringify(valid) }, statuses: [401] };
    }
    case 'badClaims': {
      // Correctly signed, but the claims are of the wrong types or name no role.
      const claims = pick(rand, [
        { roles: [], databases: '*' },
        { roles: ['superuser'], databases: '*' },
        { roles: 'admin', databases: '*' },
        { roles: ['admin'], databases: 7 },
        { roles: ['admin'], databases: [1, 2] },
        { roles: [{ admin: true }], databases: '*' },
      ]);
      const jwt = signClaims({ sub: pick(rand, ['x', 'y']), ...claims });
      return { kind, request: { ...base, headers: { authorization: `Bearer ${jwt}`, ...json }, payload: JSON.stringify(valid) }, statuses: [401] };
    }
    case 'forbidden':
      // A reader writing or administering (reads are left out: they would succeed).
      return {
        kind,
        request: { method: pick(rand, ['PUT', 'DELETE']), url: pick(rand, [`/v1/databases/${DB}/vectors/${vid(rand)}`, `/v1/databases/${DB}`]), headers: { authorization: `Bearer ${creds.reader}`, ...json }, payload: JSON.stringify({ values: floats(rand, DIM) }) },
        statuses: [403],
      };
    case 'randomPath': {
      const segments = Array.from({ length: int(rand, 1, 6) }, () => str(rand, int(rand, 1, 12), `${ALNUM}-._~`));
      const url = pick(rand, [
        `/q${segments.join('/')}`,
        `/v1/databases/${DB}/vectors/v1/${segments.join('/')}`,
        `/v1/${segments.join('/')}x/y/z`,
        `/docs/static/${segments.join('/')}.js`,
        `/console/${segments.join('/')}.css`,
        `/v2/databases/${DB}`,
      ]);
      return { kind, request: { method: pick(rand, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), url, headers: admin }, statuses: [404] };
    }
    case 'randomMethod': {
      const [method, url] = pick(rand, [
        [pick(rand, ['OPTIONS', 'TRACE', 'PROPFIND', 'COPY', 'LOCK', 'MKCOL', 'SEARCH', 'PURGE', 'REPORT']), pick(rand, ['/health', `/v1/databases/${DB}`, '/v1/api-keys', `/v1/databases/${DB}/search`])],
        ['PATCH', '/health'],
        ['DELETE', '/v1/databases'],
        ['PUT', '/v1/api-keys'],
        ['POST', '/status'],
        ['DELETE', '/v1/security/audit-log'],
        ['POST', `/v1/databases/${DB}/vectors/v1`],
        ['GET', `/v1/databases/${DB}/search`],
      ] as const);
      return { kind, request: { method, url, headers: admin }, statuses: [404] };
    }
    case 'badQuery': {
      const url = pick(rand, [
        `/v1/databases/${DB}/vectors?limit=${pick(rand, ['0', '-1', 'abc', '10000', '1e3', '', '1.5'])}`,
        `/v1/databases/${DB}/vectors?cursor=${str(rand, int(rand, 1, 40))}`,
        `/v1/databases/${DB}/vectors?consistency=${pick(rand, ['maybe', 'STRONG', '1'])}`,
        `/v1/databases/${DB}/vectors?${str(rand, 5)}=${str(rand, 5)}`,
        `/v1/databases/${DB}/vectors/v1?after=${str(rand, int(rand, 1, 60))}`,
        `/v1/databases/${DB}/vectors/v1?consistency=eventual&zz=1`,
        `/v1/security/audit-log?since=${pick(rand, ['yesterday', 'x', '2024-13-45T99:99'])}`,
        `/v1/security/audit-log?limit=${pick(rand, ['0', '-5', '100000', 'ten'])}`,
        `/v1/security/audit-log?outcome=${pick(rand, ['maybe', 'SUCCESS'])}`,
        `/v1/security/audit-log?database=${pick(rand, ['UPPER', 'a/b', '-x'])}`,
      ]);
      return { kind, request: { method: 'GET', url, headers: admin }, statuses: [400] };
    }
    case 'badParam': {
      // Database names the schema refuses, and vector ids the gateway refuses.
      const [method, url, body] = pick(rand, [
        ['GET', `/v1/databases/${pick(rand, ['UPPER', '-lead', '_x', 'a'.repeat(64), 'sp%20ace', 'd%2Fslash', '%C3%A9t%C3%A9'])}`, undefined],
        ['PUT', `/v1/databases/${DB}/vectors/${pick(rand, ['a%00b', '%00', `${str(rand, 3)}%00`])}`, { values: floats(rand, DIM) }],
        ['POST', `/v1/databases/${DB}/vectors/batch-get`, { ids: [''] }],
        ['POST', `/v1/databases/${DB}/vectors/batch-get`, { ids: ['x'.repeat(513)] }],
        ['POST', `/v1/databases/${DB}/vectors/batch`, { vectors: [{ id: 'x'.repeat(513), values: floats(rand, DIM) }] }],
        ['POST', '/v1/databases', { name: pick(rand, ['Bad', '', 'a'.repeat(64), 'x/y']), dimension: 4, metric: 'cosine' }],
        ['POST', '/v1/databases', { name: 'okname', dimension: pick(rand, [0, -1, 4097, 1.5]), metric: 'cosine' }],
        ['POST', '/v1/databases', { name: 'okname', dimension: 4, metric: pick(rand, ['hamming', 'COSINE', '']) }],
        ['DELETE', `/v1/api-keys/${'k'.repeat(65)}`, undefined],
      ] as const);
      return { kind, request: { method, url, headers: body === undefined ? admin : { ...admin, ...json }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) }, statuses: [400] };
    }
    case 'missingDatabase': {
      const name = `missing-${str(rand, 6).toLowerCase()}`;
      const [method, url, body] = pick(rand, [
        ['PUT', `/v1/databases/${name}/vectors/x`, { values: floats(rand, DIM) }],
        ['POST', `/v1/databases/${name}/search`, { vector: floats(rand, DIM) }],
        ['DELETE', `/v1/databases/${name}`, undefined],
        ['GET', `/v1/databases/${name}/vectors/x`, undefined],
        ['DELETE', `/v1/api-keys/${str(rand, 16)}`, undefined],
        ['PATCH', `/v1/databases/${DB}/vectors/absent-${str(rand, 5)}`, { metadata: { a: 1 } }],
      ] as const);
      return { kind, request: { method, url, headers: body === undefined ? admin : { ...admin, ...json }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) }, statuses: [404] };
    }
    case 'badFilter': {
      const filter = pick(rand, [
        { must: 'x' },
        { must: [{ key: 'a' }] },
        { must: [{ key: 'a', match: { nested: true } }] },
        { must: [{ key: 'a', range: { gt: 'x' } }] },
        { should: [{ key: 'a', in: 'notalist' }] },
        { must_not: [{ match: 1 }] },
        { [`zz${str(rand, 3)}`]: [] },
        { must: [{ key: 'a', match: 1, range: { gt: 1 } }] },
        { must: [{ key: '', exists: true }] },
      ]);
      const [url, body] = pick(rand, [
        [`/v1/databases/${DB}/vectors/count`, { filter }],
        [`/v1/databases/${DB}/vectors/scroll`, { filter }],
        [`/v1/databases/${DB}/search`, { vector: floats(rand, DIM), filter }],
        [`/v1/databases/${DB}/vectors/delete`, { filter }],
      ] as const);
      return { kind, request: { method: 'POST', url, headers: { ...admin, ...json }, payload: JSON.stringify(body) }, statuses: [400] };
    }
    default: {
      // Headers: an over-long Idempotency-Key, a Content-Length that lies, a consistency token that is not one.
      const choice = int(rand, 0, 2);
      if (choice === 0) {
        return { kind, request: { method: 'PUT', url: `/v1/databases/${DB}/vectors/${vid(rand)}`, headers: { ...admin, ...json, 'idempotency-key': str(rand, int(rand, 256, 2000)) }, payload: JSON.stringify({ values: floats(rand, DIM) }) }, statuses: [400] };
      }
      if (choice === 1) {
        const payload = JSON.stringify({ values: floats(rand, DIM) });
        return { kind, request: { method: 'PUT', url: `/v1/databases/${DB}/vectors/${vid(rand)}`, headers: { ...admin, ...json, 'content-length': String(payload.length + int(rand, 1, 50)) }, payload }, statuses: [400] };
      }
      return {
        kind,
        request: { method: 'POST', url: `/v1/databases/${DB}/vectors/count`, headers: { ...admin, ...json }, payload: JSON.stringify({ consistency: { after: str(rand, int(rand, 1, 200), `${ALNUM}.:_-`) } }) },
        statuses: [400],
      };
    }
  }
}

const signClaims = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });

/** A checksum over every stored vector (id, values, metadata) of every database, read through the API. */
async function checksum(s: SecureServer, admin: Record<string, string>): Promise<{ hash: string; vectors: number }> {
  const hash = createHash('sha256');
  let vectors = 0;
  const { databases } = await expectStatus<{ databases: { name: string }[] }>(s.app, 'GET', '/v1/databases', undefined, 200, admin);
  hash.update(JSON.stringify(databases));
  for (const { name } of databases) {
    let cursor: string | null | undefined;
    do {
      const page = await expectStatus<{ vectors: { id: string; values: number[]; metadata: unknown }[]; nextCursor: string | null }>(
        s.app,
        'POST',
        `/v1/databases/${name}/vectors/scroll`,
        { limit: 100, includeValues: true, consistency: 'strong', ...(cursor === null || cursor === undefined ? {} : { cursor }) },
        200,
        admin,
      );
      for (const v of page.vectors) hash.update(JSON.stringify([name, v.id, v.values, v.metadata]));
      vectors += page.vectors.length;
      cursor = page.nextCursor;
    } while (cursor !== null && cursor !== undefined);
  }
  return { hash: hash.digest('hex'), vectors };
}

const LEAK = /(?:^|[\s(])at \S+ \(|\/work\/|node_modules|\/src\/|\.ts:\d|\.js:\d|Error:\s|\bstack\b/;

describe('fuzz: malformed requests', () => {
  let s: SecureServer;
  let admin: Record<string, string>;
  let creds: Credentials;

  beforeAll(async () => {
    s = await startSecureServer({ auditLevel: 'write', httpBodyLimit: BODY_LIMIT, maxMetadataBytes: 1024, embeddedFsync: false });
    creds = { admin: token(['admin']), reader: token(['reader']) };
    admin = bearer(creds.admin);
    await expectStatus(s.app, 'POST', '/v1/databases', { name: DB, dimension: DIM, metric: 'cosine' }, 201, admin);
    await expectStatus(s.app, 'POST', '/v1/databases', { name: 'other', dimension: 3, metric: 'euclidean' }, 201, admin);
    const rand = seededRandom(1);
    const vectors = Array.from({ length: 60 }, (_, i) => ({ id: `v${i}`, values: floats(rand, DIM), metadata: { g: i % 3, name: `n${i}` } }));
    await expectStatus(s.app, 'POST', `/v1/databases/${DB}/vectors/batch`, { vectors }, 201, admin);
    await expectStatus(s.app, 'POST', '/v1/databases/other/vectors/batch', { vectors: [{ id: 'o1', values: [1, 2, 3] }] }, 201, admin);
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
  }, 30_000);

  it(`${REQUESTS} malformed requests (seed ${SEED}) -> every reply a 4xx with a registered code; the server stays up; the data is unchanged`, async () => {
    const { backbone, topics } = s.server.foundation;
    const offsets = async () => Promise.all([topics.names.vectors, topics.names.databases, topics.names.security].map((t) => backbone.endOffsets(t)));
    const before = await checksum(s, admin);
    const offsetsBefore = await offsets();
    expect(before.vectors).toBe(61);

    const rand = seededRandom(SEED);
    const problems: string[] = [];
    const byKind = new Map<string, Map<string, number>>();
    const replays: { fuzz: FuzzCase; status: number; code: string }[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const fuzz = fuzzCase(rand, creds);
      const res = await s.app.inject(fuzz.request);
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(res.body) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      const code = typeof body?.code === 'string' ? body.code : '';
      const where = `#${i} ${fuzz.kind} ${fuzz.request.method} ${fuzz.request.url.slice(0, 120)}`;
      if (!fuzz.statuses.includes(res.statusCode)) problems.push(`${where}: status ${res.statusCode}, expected ${fuzz.statuses.join('/')}: ${res.body.slice(0, 200)}`);
      else if (body === undefined || !(code in ERROR_CODES) || body.statusCode !== res.statusCode || typeof body.message !== 'string' || typeof body.error !== 'string') {
        problems.push(`${where}: not the error shape: ${res.body.slice(0, 200)}`);
      } else if (Object.keys(body).some((k) => !['statusCode', 'code', 'error', 'message', 'acknowledged'].includes(k))) {
        problems.push(`${where}: extra fields: ${Object.keys(body).join(',')}`);
      } else if (LEAK.test(res.body)) problems.push(`${where}: leaks internals: ${res.body.slice(0, 300)}`);
      const codes = byKind.get(fuzz.kind) ?? new Map<string, number>();
      codes.set(`${res.statusCode} ${code}`, (codes.get(`${res.statusCode} ${code}`) ?? 0) + 1);
      byKind.set(fuzz.kind, codes);
      if (i % 10 === 0) replays.push({ fuzz, status: res.statusCode, code });
    }
    expect(problems.slice(0, 30)).toEqual([]);

    // Stable: the same request gets the same status and code again.
    const unstable: string[] = [];
    for (const { fuzz, status, code } of replays) {
      const res = await s.app.inject(fuzz.request);
      const again = (JSON.parse(res.body) as { code?: string }).code ?? '';
      if (res.statusCode !== status || again !== code) unstable.push(`${fuzz.kind} ${fuzz.request.method} ${fuzz.request.url}: ${status} ${code} then ${res.statusCode} ${again}`);
    }
    expect(unstable).toEqual([]);

    // Up, and still serving: health, a read and a real write.
    expect((await call(s.app, 'GET', '/health')).status).toBe(200);
    expect((await call(s.app, 'GET', '/ready')).status).toBe(200);
    // Nothing was written: no record reached the log, and every vector reads back the same.
    expect(await offsets()).toEqual(offsetsBefore);
    const after = await checksum(s, admin);
    expect(after).toEqual(before);
    await expectStatus(s.app, 'PUT', `/v1/databases/${DB}/vectors/after-fuzz`, { values: floats(seededRandom(2), DIM) }, 200, admin);
    expect((await checksum(s, admin)).vectors).toBe(before.vectors + 1);

    const summary = [...byKind.entries()].sort().map(([kind, codes]) => `${kind}: ${[...codes.entries()].map(([c, n]) => `${c} x${n}`).join(', ')}`);
    console.log(`fuzz: ${REQUESTS} requests, seed ${SEED}, ${before.vectors} vectors, checksum ${before.hash.slice(0, 16)} before and after\n${summary.join('\n')}`);
  }, 120_000);

  // Needs `frameworkErrors: frameworkErrorHandler` (src/http/error-handler.ts) and `routerOptions: { maxParamLength }`
  // of at least 1536 (a 512-byte id, every byte percent-encoded) in the Fastify options of src/http/app.ts.
  it('answers the router\'s own refusals in the one error shape, and serves path ids as long as the schema allows', async () => {
    for (const url of [`/v1/databases/${DB}/vectors/%ZZ`, '/v1/databases/%E0%A4%A', `/v1/databases/${DB}/vectors/a%`]) {
      const res = await call<{ statusCode: number; code: string }>(s.app, 'GET', url, undefined, admin);
      expect([url, res.status, res.body?.code, res.body?.statusCode]).toEqual([url, 400, 'JADE_ERR_REQUEST_INVALID', 400]);
      expect(res.text).not.toMatch(LEAK);
    }
    const rand = seededRandom(3);
    for (const id of ['i'.repeat(101), str(rand, 300), '\u00e9'.repeat(256)]) {
      await expectStatus(s.app, 'POST', `/v1/databases/${DB}/vectors/batch`, { vectors: [{ id, values: floats(rand, DIM) }] }, 201, admin);
      const path = `/v1/databases/${DB}/vectors/${encodeURIComponent(id)}`;
      expect((await expectStatus<{ id: string }>(s.app, 'GET', `${path}?consistency=strong`, undefined, 200, admin)).id).toBe(id);
      await expectStatus(s.app, 'DELETE', path, undefined, 200, admin);
    }
    const tooLong = await call<{ code: string }>(s.app, 'GET', `/v1/databases/${DB}/vectors/${'i'.repeat(513)}`, undefined, admin);
    expect([tooLong.status, tooLong.body?.code]).toEqual([400, 'JADE_ERR_REQUEST_INVALID']);
  }, 30_000);
});
