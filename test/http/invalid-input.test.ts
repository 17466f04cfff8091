/**
 * Every route, given invalid input: the status and stable code of each refusal, the one error shape (exactly
 * `statusCode`, `code`, `error`, `message`; nothing internal), and, after all of it, the stored data and the log
 * exactly as they were. Validation is strict: no coercion (`["1","1"]` is not a vector), no unknown properties.
 */
import { createHash } from 'node:crypto';
import { mintToken } from '../../src/security/jwt';
import { servedRoutes } from './e2e';
import { call, expectError, expectNothingInternal, ok, startTestServer, TEST_JWT_SECRET, type DatabaseReply, type Page, type Reply, type TestServer } from './helpers';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Case {
  what: string;
  method: Method;
  url: string;
  /** JSON (an object or array), or a string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** The message must say this (e.g. name the offending items). */
  message?: RegExp;
}

const REQ = 'JADE_ERR_REQUEST_INVALID';
const VEC = 'JADE_ERR_VECTOR_INVALID';
const BATCH = 'JADE_ERR_BATCH_INVALID';
const NO_DB = 'JADE_ERR_DB_NOT_FOUND';
const FILTER = 'JADE_ERR_FILTER_INVALID';
const CURSOR = 'JADE_ERR_CURSOR_INVALID';
const TOKEN = 'JADE_ERR_TOKEN_INVALID';
const ROUTE = 'JADE_ERR_ROUTE_NOT_FOUND';

const D = '/v1/databases';
const v4 = [0.5, 1, -2, 3];
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Everything a client could read back, plus the ends of the vectors and catalog logs. */
async function fingerprint(t: TestServer): Promise<{ databases: unknown[]; vectors: string; count: number; vectorEnds: number[]; catalogEnds: number[] }> {
  const databases = (await ok<{ databases: DatabaseReply[] }>(t.app, 'GET', D)).databases.sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash('sha256');
  let count = 0;
  for (const db of databases) {
    let cursor: string | null = null;
    do {
      const page: Page = await ok<Page>(t.app, 'POST', `${D}/${db.name}/vectors/scroll`, { limit: 1000, consistency: 'strong', ...(cursor === null ? {} : { cursor }) });
      hash.update(JSON.stringify([db.name, page.vectors]));
      count += page.vectors.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  const { backbone, topics } = t.server.foundation;
  return { databases, vectors: hash.digest('hex'), count, vectorEnds: await backbone.endOffsets(topics.names.vectors), catalogEnds: await backbone.endOffsets(topics.names.databases) };
}

/** Runs the cases; returns one line per case whose reply was not the expected refusal. */
async function check(t: TestServer, cases: Case[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of cases) {
    const res: Reply = await call(t.app, c.method, c.url, c.body, c.headers);
    try {
      expectError(res, c.status, c.code, `${c.method} ${c.url.slice(0, 120)}: ${c.what}`);
      if (c.message !== undefined) expect((res.body as { message: string }).message).toMatch(c.message);
    } catch (err) {
      problems.push(`${c.what} (${c.method} ${c.url.slice(0, 100)}): ${(err as Error).message.replace(/\s+/g, ' ').slice(0, 400)}`);
    }
  }
  return problems;
}

/** The route template (`METHOD /v1/databases/{db}`) a request lands on: the most specific that matches. */
function routeOf(routes: Set<string>, method: string, url: string): string | undefined {
  const path = url.split('?')[0]!;
  const matches = [...routes].filter((route) => {
    const [m, template] = route.split(' ') as [string, string];
    const pattern = new RegExp(`^${template.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+').replace(/\*$/, '.*')}$`);
    return m === method && pattern.test(path);
  });
  return matches.sort((a, b) => a.split('{').length - b.split('{').length)[0];
}

describe('invalid input on every route', () => {
  let t: TestServer;
  let before: Awaited<ReturnType<typeof fingerprint>>;
  const cursors: Record<string, string> = {};
  const longId = 'L'.repeat(512);
  const wideId = '€'.repeat(170); // 510 bytes of UTF-8

  beforeAll(async () => {
    t = await startTestServer();
    await ok(t.app, 'POST', D, { name: 'cos', dimension: 4, metric: 'cosine' }, 201);
    await ok(t.app, 'POST', D, { name: 'euc', dimension: 4, metric: 'euclidean' }, 201);
    for (const db of ['cos', 'euc']) {
      const vectors = Array.from({ length: 30 }, (_, i) => ({ id: `v${String(i).padStart(2, '0')}`, values: [i + 1, 1, -i, 0.25], metadata: { n: i, tag: i % 2 === 0 ? 'even' : 'odd' } }));
      await ok(t.app, 'POST', `${D}/${db}/vectors/batch`, { vectors }, 201);
      // The longest ids there are still fit a path.
      await ok(t.app, 'PUT', `${D}/${db}/vectors/${longId}`, { values: [1, 2, 3, 4] });
      await ok(t.app, 'PUT', `${D}/${db}/vectors/${encodeURIComponent(wideId)}`, { values: [4, 3, 2, 1], metadata: { wide: true } });
      cursors[db] = (await ok<Page>(t.app, 'POST', `${D}/${db}/vectors/scroll`, { limit: 2, consistency: 'strong' })).nextCursor!;
    }
    expect(await ok<object>(t.app, 'GET', `${D}/cos/vectors/${longId}`)).toMatchObject({ id: longId });
    expect(await ok<object>(t.app, 'GET', `${D}/cos/vectors/${encodeURIComponent(wideId)}`)).toMatchObject({ id: wideId, metadata: { wide: true } });
    before = await fingerprint(t);
    expect(before.count).toBe(64);
  }, 30_000);

  afterAll(async () => {
    await t?.stop();
  });

  const bodyCases = (): Case[] => {
    const c: Case[] = [];
    const add = (what: string, method: Method, url: string, body: unknown, status: number, code: string, message?: RegExp): void => {
      c.push({ what, method, url, ...(body === undefined ? {} : { body }), status, code, ...(message === undefined ? {} : { message }) });
    };
    const V = `${D}/cos/vectors`;
    const beyond = [3.5e38, 1, 1, 1];

    // POST /v1/databases
    add('dimension as a string', 'POST', D, { name: 'x1', dimension: '4', metric: 'cosine' }, 400, REQ);
    add('dimension 0', 'POST', D, { name: 'x1', dimension: 0, metric: 'cosine' }, 400, REQ);
    add('dimension 4097', 'POST', D, { name: 'x1', dimension: 4097, metric: 'cosine' }, 400, REQ);
    add('fractional dimension', 'POST', D, { name: 'x1', dimension: 1.5, metric: 'cosine' }, 400, REQ);
    add('missing metric', 'POST', D, { name: 'x1', dimension: 4 }, 400, REQ);
    add('missing name', 'POST', D, { dimension: 4, metric: 'dot' }, 400, REQ);
    add('unknown metric', 'POST', D, { name: 'x1', dimension: 4, metric: 'manhattan' }, 400, REQ);
    add('unknown property', 'POST', D, { name: 'x1', dimension: 4, metric: 'cosine', replicas: 3 }, 400, REQ);
    add('unknown index property', 'POST', D, { name: 'x1', dimension: 4, metric: 'cosine', index: { ef: 10 } }, 400, REQ);
    add('m too small', 'POST', D, { name: 'x1', dimension: 4, metric: 'cosine', index: { m: 1 } }, 400, REQ);
    add('m as a string', 'POST', D, { name: 'x1', dimension: 4, metric: 'cosine', index: { m: '16' } }, 400, REQ);
    add('efConstruction too small', 'POST', D, { name: 'x1', dimension: 4, metric: 'cosine', index: { efConstruction: 5 } }, 400, REQ);
    add('description not a string', 'POST', D, { name: 'x1', dimension: 4, metric: 'cosine', description: 5 }, 400, REQ);
    for (const name of ['Upper', '-dash', '_under', 'a'.repeat(64), '', 'a/b', 'a.b', 'ä', 'a b']) {
      add(`invalid name ${JSON.stringify(name)}`, 'POST', D, { name, dimension: 4, metric: 'cosine' }, 400, REQ);
    }
    add('name a number', 'POST', D, { name: 5, dimension: 4, metric: 'cosine' }, 400, REQ);
    add('duplicate name', 'POST', D, { name: 'cos', dimension: 8, metric: 'dot' }, 409, 'JADE_ERR_DB_EXISTS');
    add('an array body', 'POST', D, [{ name: 'x1', dimension: 4, metric: 'cosine' }], 400, REQ);
    add('a null body', 'POST', D, 'null', 400, REQ);
    add('malformed JSON', 'POST', D, '{"name": "x1", "dimension":', 400, REQ);
    add('empty JSON body', 'POST', D, '', 400, REQ);
    add('trailing garbage after JSON', 'POST', D, '{"name":"x1","dimension":4,"metric":"cosine"} x', 400, REQ);

    // /v1/databases/{db}
    add('invalid db name in the path', 'GET', `${D}/Upper`, undefined, 400, REQ);
    add('unknown db', 'GET', `${D}/nope`, undefined, 404, NO_DB);
    add('update: unknown property', 'PATCH', `${D}/cos`, { dimension: 8 }, 400, REQ);
    add('update: m cannot change', 'PATCH', `${D}/cos`, { index: { m: 8 } }, 400, REQ);
    add('update: efSearch as a string', 'PATCH', `${D}/cos`, { index: { efSearch: '64' } }, 400, REQ);
    add('update: efSearch 0', 'PATCH', `${D}/cos`, { index: { efSearch: 0 } }, 400, REQ);
    add('update: description a number', 'PATCH', `${D}/cos`, { description: 1 }, 400, REQ);
    add('update: unknown db', 'PATCH', `${D}/nope`, { description: 'x' }, 404, NO_DB);
    add('update: invalid db name', 'PATCH', `${D}/No`, { description: 'x' }, 400, REQ);
    add('update (PUT): unknown property', 'PUT', `${D}/cos`, { metric: 'dot' }, 400, REQ);
    add('update (PUT): unknown db', 'PUT', `${D}/nope`, { description: 'x' }, 404, NO_DB);
    add('update: malformed JSON', 'PUT', `${D}/cos`, '{"description": ', 400, REQ);
    add('drop: unknown db', 'DELETE', `${D}/nope`, undefined, 404, NO_DB);
    add('drop: invalid db name', 'DELETE', `${D}/UPPER`, undefined, 400, REQ);

    // POST /v1/databases/{db}/vectors
    add('values as strings (no coercion)', 'POST', V, { values: ['1', '1', '1', '1'] }, 400, REQ);
    add('a boolean value', 'POST', V, { values: [true, 1, 1, 1] }, 400, REQ);
    add('a nested array value', 'POST', V, { values: [[1], 1, 1, 1] }, 400, REQ);
    add('a null value', 'POST', V, { values: [null, 1, 1, 1] }, 400, REQ);
    add('values null', 'POST', V, { values: null }, 400, REQ);
    add('no values', 'POST', V, { id: 'x', metadata: {} }, 400, REQ);
    add('empty values', 'POST', V, { values: [] }, 400, REQ);
    add('wrong dimension', 'POST', V, { values: [1, 2, 3] }, 400, VEC, /3 values.*dimension 4/);
    add('too many values', 'POST', V, { values: [1, 2, 3, 4, 5] }, 400, VEC);
    add('a value beyond float32', 'POST', V, { values: beyond }, 400, VEC, /index 0/);
    add('a negative value beyond float32', 'POST', V, { values: [1, 1, 1, -3.5e38] }, 400, VEC, /index 3/);
    add('a value that parses to Infinity', 'POST', V, '{"values":[1e999,1,1,1]}', 400, REQ);
    add('zero vector under cosine', 'POST', V, { values: [0, 0, 0, 0] }, 400, VEC, /zero vector/);
    add('unknown property', 'POST', V, { values: v4, score: 1 }, 400, REQ);
    add('vector instead of values', 'POST', V, { vector: v4 }, 400, REQ);
    add('metadata a string', 'POST', V, { values: v4, metadata: 'x' }, 400, REQ);
    add('metadata an array', 'POST', V, { values: v4, metadata: [1] }, 400, REQ);
    add('metadata a number', 'POST', V, { values: v4, metadata: 5 }, 400, REQ);
    add('metadata over 64 KiB', 'POST', V, { values: v4, metadata: { s: 'x'.repeat(70_000) } }, 400, VEC, /metadata/);
    add('empty id', 'POST', V, { id: '', values: v4 }, 400, REQ);
    add('numeric id', 'POST', V, { id: 5, values: v4 }, 400, REQ);
    add('id over 512 characters', 'POST', V, { id: 'a'.repeat(513), values: v4 }, 400, REQ);
    add('id over 512 bytes', 'POST', V, { id: '€'.repeat(171), values: v4 }, 400, VEC, /512 bytes/);
    add('id with NUL', 'POST', V, { id: 'a\u0000b', values: v4 }, 400, VEC, /NUL/);
    add('id with a lone surrogate', 'POST', V, '{"id":"a\\ud800","values":[0.5,1,-2,3]}', 400, VEC, /surrogate/);
    add('unknown db', 'POST', `${D}/nope/vectors`, { values: v4 }, 404, NO_DB);
    add('invalid db name', 'POST', `${D}/a%2Fb/vectors`, { values: v4 }, 400, REQ);
    add('Idempotency-Key over 255 characters', 'POST', V, { values: v4 }, 400, REQ);
    c[c.length - 1]!.headers = { 'idempotency-key': 'k'.repeat(256) };

    // POST /v1/databases/{db}/vectors/batch
    const B = `${V}/batch`;
    add('no vectors', 'POST', B, { vectors: [] }, 400, REQ);
    add('vectors not an array', 'POST', B, { vectors: { values: v4 } }, 400, REQ);
    add('missing vectors', 'POST', B, {}, 400, REQ);
    add('unknown property', 'POST', B, { vectors: [{ values: v4 }], upsert: true }, 400, REQ);
    add('string values in item 1', 'POST', B, { vectors: [{ values: v4 }, { values: ['1', '1', '1', '1'] }] }, 400, REQ);
    add('wrong dimension in item 1', 'POST', B, { vectors: [{ id: 'ok', values: v4 }, { id: 'short', values: [1, 2] }] }, 400, BATCH, /item 1\b/);
    add('duplicate ids', 'POST', B, { vectors: [{ id: 'd', values: v4 }, { id: 'e', values: v4 }, { id: 'd', values: v4 }] }, 400, BATCH, /item 2: duplicate id "d" \(also item 0\)/);
    add('several bad items, each named', 'POST', B, { vectors: [{ values: v4 }, { values: [1] }, { values: v4 }, { values: [0, 0, 0, 0] }, { values: beyond }] }, 400, BATCH, /item 1\b.*item 3\b.*item 4\b/);
    add('metadata too large in item 0', 'POST', B, { vectors: [{ values: v4, metadata: { s: 'x'.repeat(70_000) } }, { values: v4 }] }, 400, BATCH, /item 0\b/);
    add('unknown db', 'POST', `${D}/nope/vectors/batch`, { vectors: [{ values: v4 }] }, 404, NO_DB);

    // POST /v1/databases/{db}/vectors/batch-get
    const G = `${V}/batch-get`;
    add('no ids', 'POST', G, {}, 400, REQ);
    add('ids not an array', 'POST', G, { ids: 'v01' }, 400, REQ);
    add('numeric id', 'POST', G, { ids: [1] }, 400, REQ);
    add('empty id', 'POST', G, { ids: [''] }, 400, REQ);
    add('an id with NUL', 'POST', G, { ids: ['v01', 'a\u0000b'] }, 400, VEC, /item 1: id contains a NUL/);
    add('unknown consistency', 'POST', G, { ids: ['v01'], consistency: 'sometimes' }, 400, REQ);
    add('consistency with an unknown key', 'POST', G, { ids: ['v01'], consistency: { after: 't1.x', wait: 1 } }, 400, REQ);
    add('an empty token', 'POST', G, { ids: ['v01'], consistency: { after: '' } }, 400, REQ);
    add('a garbage token', 'POST', G, { ids: ['v01'], consistency: { after: 'garbage' } }, 400, TOKEN);
    add('unknown property', 'POST', G, { ids: ['v01'], values: true }, 400, REQ);
    add('unknown db', 'POST', `${D}/nope/vectors/batch-get`, { ids: ['v01'] }, 404, NO_DB);

    // GET /v1/databases/{db}/vectors/{id}
    add('unknown consistency', 'GET', `${V}/v01?consistency=sometimes`, undefined, 400, REQ);
    add('an empty token', 'GET', `${V}/v01?after=`, undefined, 400, REQ);
    add('a garbage token', 'GET', `${V}/v01?after=garbage`, undefined, 400, TOKEN);
    add('unknown query parameter', 'GET', `${V}/v01?fields=values`, undefined, 400, REQ);
    add('id over 512 characters', 'GET', `${V}/${'a'.repeat(513)}`, undefined, 400, REQ);
    add('id over 512 bytes', 'GET', `${V}/${encodeURIComponent('€'.repeat(171))}`, undefined, 400, VEC, /512 bytes/);
    add('id with NUL', 'GET', `${V}/a%00b`, undefined, 400, VEC, /NUL/);
    add('malformed percent-encoding', 'GET', `${V}/%E0%A4%A`, undefined, 400, REQ);
    add('absent id', 'GET', `${V}/absent`, undefined, 404, 'JADE_ERR_VECTOR_NOT_FOUND');
    add('unknown db', 'GET', `${D}/nope/vectors/v01`, undefined, 404, NO_DB);
    add('invalid db name', 'GET', `${D}/Nope/vectors/v01`, undefined, 400, REQ);

    // PUT /v1/databases/{db}/vectors/{id}
    add('values as strings', 'PUT', `${V}/v01`, { values: ['1', '1', '1', '1'] }, 400, REQ);
    add('id in the body too', 'PUT', `${V}/v01`, { id: 'v01', values: v4 }, 400, REQ);
    add('no values', 'PUT', `${V}/v01`, { metadata: { a: 1 } }, 400, REQ);
    add('wrong dimension', 'PUT', `${V}/v01`, { values: [1, 2, 3, 4, 5, 6] }, 400, VEC);
    add('zero vector under cosine', 'PUT', `${V}/v01`, { values: [0, 0, 0, 0] }, 400, VEC);
    add('a value beyond float32', 'PUT', `${V}/v01`, { values: beyond }, 400, VEC);
    add('id with NUL', 'PUT', `${V}/a%00b`, { values: v4 }, 400, VEC, /NUL/);
    add('unknown db', 'PUT', `${D}/nope/vectors/v01`, { values: v4 }, 404, NO_DB);

    // PATCH /v1/databases/{db}/vectors/{id}
    add('values are not patched', 'PATCH', `${V}/v01`, { values: v4, metadata: {} }, 400, REQ);
    add('no metadata', 'PATCH', `${V}/v01`, {}, 400, REQ);
    add('metadata a string', 'PATCH', `${V}/v01`, { metadata: 'x' }, 400, REQ);
    add('metadata over 64 KiB', 'PATCH', `${V}/v01`, { metadata: { s: 'x'.repeat(70_000) } }, 400, VEC, /metadata/);
    add('absent id', 'PATCH', `${V}/absent`, { metadata: { a: 1 } }, 404, 'JADE_ERR_VECTOR_NOT_FOUND');
    add('unknown db', 'PATCH', `${D}/nope/vectors/v01`, { metadata: { a: 1 } }, 404, NO_DB);

    // DELETE /v1/databases/{db}/vectors/{id}
    add('id over 512 bytes', 'DELETE', `${V}/${encodeURIComponent('€'.repeat(171))}`, undefined, 400, VEC, /512 bytes/);
    add('id with NUL', 'DELETE', `${V}/a%00b`, undefined, 400, VEC, /NUL/);
    add('unknown db', 'DELETE', `${D}/nope/vectors/v01`, undefined, 404, NO_DB);
    add('invalid db name', 'DELETE', `${D}/-x/vectors/v01`, undefined, 400, REQ);

    // POST /v1/databases/{db}/vectors/delete
    const X = `${V}/delete`;
    add('neither ids nor filter', 'POST', X, {}, 400, REQ);
    add('both ids and filter', 'POST', X, { ids: ['v01'], filter: { must: [] } }, 400, REQ);
    add('empty ids', 'POST', X, { ids: [] }, 400, REQ);
    add('ids not an array', 'POST', X, { ids: 'v01' }, 400, REQ);
    add('a numeric id', 'POST', X, { ids: [1] }, 400, REQ);
    add('an id over 512 bytes', 'POST', X, { ids: ['v01', '€'.repeat(171)] }, 400, BATCH, /item 1\b/);
    add('an unknown filter operator', 'POST', X, { filter: { must: [{ key: 'n', between: [1, 2] }] } }, 400, FILTER);
    add('a filter that is an array', 'POST', X, { filter: [] }, 400, REQ);
    add('an unknown filter clause', 'POST', X, { filter: { any: [] } }, 400, FILTER);
    add('unknown property', 'POST', X, { ids: ['v01'], all: true }, 400, REQ);
    add('unknown db', 'POST', `${D}/nope/vectors/delete`, { ids: ['v01'] }, 404, NO_DB);

    // GET /v1/databases/{db}/vectors (list)
    for (const limit of ['0', 'abc', '10000', '-1', '1.5', '']) add(`limit ${JSON.stringify(limit)}`, 'GET', `${V}?limit=${limit}`, undefined, 400, REQ);
    add('a garbage cursor', 'GET', `${V}?cursor=garbage`, undefined, 400, CURSOR);
    add("another database's cursor", 'GET', `${V}?cursor=${cursors.euc}`, undefined, 400, CURSOR);
    add('a forged cursor (other incarnation)', 'GET', `${V}?cursor=${b64(['cos', 999_999, 'v01'])}`, undefined, 400, CURSOR);
    add('a forged cursor (wrong shape)', 'GET', `${V}?cursor=${b64({ after: 'v01' })}`, undefined, 400, CURSOR);
    add('a cursor over 4096 characters', 'GET', `${V}?cursor=${'a'.repeat(4097)}`, undefined, 400, REQ);
    add('unknown query parameter', 'GET', `${V}?offset=10`, undefined, 400, REQ);
    add('a garbage token', 'GET', `${V}?after=garbage`, undefined, 400, TOKEN);
    add('unknown consistency', 'GET', `${V}?consistency=all`, undefined, 400, REQ);
    add('unknown db', 'GET', `${D}/nope/vectors`, undefined, 404, NO_DB);

    // POST /v1/databases/{db}/vectors/scroll
    const S = `${V}/scroll`;
    add('limit as a string', 'POST', S, { limit: '5' }, 400, REQ);
    add('limit 0', 'POST', S, { limit: 0 }, 400, REQ);
    add('limit 1001', 'POST', S, { limit: 1001 }, 400, REQ);
    add('cursor a number', 'POST', S, { cursor: 5 }, 400, REQ);
    add('a garbage cursor', 'POST', S, { cursor: 'garbage' }, 400, CURSOR);
    add("another database's cursor", 'POST', S, { cursor: cursors.euc }, 400, CURSOR);
    add('a forged cursor', 'POST', S, { cursor: b64(['cos', 0, 5]) }, 400, CURSOR);
    add('a clause that is not a list', 'POST', S, { filter: { must: 'n' } }, 400, FILTER);
    add('an unknown range operator', 'POST', S, { filter: { must: [{ key: 'n', range: { between: 1 } }] } }, 400, FILTER);
    add('a range bound as a string', 'POST', S, { filter: { must: [{ key: 'n', range: { gte: '1' } }] } }, 400, FILTER);
    add('includeValues as a string', 'POST', S, { includeValues: 'yes' }, 400, REQ);
    add('unknown property', 'POST', S, { offset: 10 }, 400, REQ);
    add('a garbage token', 'POST', S, { consistency: { after: 't1.garbage' } }, 400, TOKEN);
    add('unknown db', 'POST', `${D}/nope/vectors/scroll`, {}, 404, NO_DB);

    // POST /v1/databases/{db}/vectors/count
    const C = `${V}/count`;
    add('a filter that is a string', 'POST', C, { filter: 'n > 1' }, 400, REQ);
    add('an empty filter key', 'POST', C, { filter: { must: [{ key: '', match: 1 }] } }, 400, FILTER);
    add('a match on an object', 'POST', C, { filter: { must: [{ key: 'n', match: { gt: 1 } }] } }, 400, FILTER);
    add('an in list that is not a list', 'POST', C, { filter: { should: [{ key: 'n', in: 1 }] } }, 400, FILTER);
    add('unknown consistency', 'POST', C, { consistency: 'sometimes' }, 400, REQ);
    add('unknown property', 'POST', C, { distinct: true }, 400, REQ);
    add('unknown db', 'POST', `${D}/nope/vectors/count`, {}, 404, NO_DB);

    // POST /v1/databases/{db}/search
    const Q = `${D}/cos/search`;
    add('vector as strings', 'POST', Q, { vector: ['1', '1', '1', '1'] }, 400, REQ);
    add('no vector', 'POST', Q, { topK: 3 }, 400, REQ);
    add('wrong dimension', 'POST', Q, { vector: [1, 2, 3] }, 400, VEC, /query/);
    add('zero query under cosine', 'POST', Q, { vector: [0, 0, 0, 0] }, 400, VEC, /zero vector/);
    add('a value beyond float32', 'POST', Q, { vector: beyond }, 400, VEC);
    add('topK 1001', 'POST', Q, { vector: v4, topK: 1001 }, 400, REQ);
    add('topK 0', 'POST', Q, { vector: v4, topK: 0 }, 400, REQ);
    add('topK as a string', 'POST', Q, { vector: v4, topK: '10' }, 400, REQ);
    add('fractional topK', 'POST', Q, { vector: v4, topK: 2.5 }, 400, REQ);
    add('efSearch 0', 'POST', Q, { vector: v4, efSearch: 0 }, 400, REQ);
    add('efSearch 10001', 'POST', Q, { vector: v4, efSearch: 10_001 }, 400, REQ);
    add('exact as a string', 'POST', Q, { vector: v4, exact: 'true' }, 400, REQ);
    add('includeValues as a number', 'POST', Q, { vector: v4, includeValues: 1 }, 400, REQ);
    add('an invalid filter', 'POST', Q, { vector: v4, filter: { must: [{ key: 'n', exists: 'yes' }] } }, 400, FILTER);
    add('a filter that is an array', 'POST', Q, { vector: v4, filter: [{ key: 'n', match: 1 }] }, 400, REQ);
    add('top_k instead of topK', 'POST', Q, { vector: v4, top_k: 3 }, 400, REQ);
    add('a garbage token', 'POST', Q, { vector: v4, consistency: { after: 'garbage' } }, 400, TOKEN);
    add('unknown db', 'POST', `${D}/nope/search`, { vector: v4 }, 404, NO_DB);

    // POST /v1/databases/{db}/search/batch
    const QB = `${D}/cos/search/batch`;
    add('no searches', 'POST', QB, { searches: [] }, 400, REQ);
    add('searches not an array', 'POST', QB, { searches: { vector: v4 } }, 400, REQ);
    add('topK 2000 in one search', 'POST', QB, { searches: [{ vector: v4 }, { vector: v4, topK: 2000 }] }, 400, REQ);
    add('wrong dimension in one search', 'POST', QB, { searches: [{ vector: v4 }, { vector: [1, 2] }] }, 400, VEC);
    add('an invalid filter in one search', 'POST', QB, { searches: [{ vector: v4, filter: { must: [{ key: 'n' }] } }] }, 400, FILTER);
    add('unknown property', 'POST', QB, { searches: [{ vector: v4 }], parallel: true }, 400, REQ);
    add('unknown db', 'POST', `${D}/nope/search/batch`, { searches: [{ vector: v4 }] }, 404, NO_DB);

    // Security routes
    add('api key: no roles', 'POST', '/v1/api-keys', { roles: [], databases: '*' }, 400, REQ);
    add('api key: unknown role', 'POST', '/v1/api-keys', { roles: ['root'], databases: '*' }, 400, REQ);
    add('api key: databases "all"', 'POST', '/v1/api-keys', { roles: ['reader'], databases: 'all' }, 400, REQ);
    add('api key: invalid database name', 'POST', '/v1/api-keys', { roles: ['reader'], databases: ['Bad'] }, 400, REQ);
    add('api key: expiry as a string', 'POST', '/v1/api-keys', { roles: ['reader'], databases: '*', expiresInSeconds: '60' }, 400, REQ);
    add('api key: unknown property', 'POST', '/v1/api-keys', { roles: ['reader'], databases: '*', admin: true }, 400, REQ);
    add('api key revoke: unknown key', 'DELETE', '/v1/api-keys/nope', undefined, 404, 'JADE_ERR_API_KEY_NOT_FOUND');
    add('api key revoke: id over 64 characters', 'DELETE', `/v1/api-keys/${'k'.repeat(65)}`, undefined, 400, REQ);
    add('audit log: limit 0', 'GET', '/v1/security/audit-log?limit=0', undefined, 400, REQ);
    add('audit log: unknown outcome', 'GET', '/v1/security/audit-log?outcome=maybe', undefined, 400, REQ);
    add('audit log: unreadable since', 'GET', '/v1/security/audit-log?since=yesterday', undefined, 400, REQ);
    add('audit log: unknown parameter', 'GET', '/v1/security/audit-log?user=x', undefined, 400, REQ);
    add('audit level: unknown level', 'PUT', '/v1/security/audit-level', { level: 'everything' }, 400, REQ);
    add('audit level: no level', 'PUT', '/v1/security/audit-level', {}, 400, REQ);
    add('audit level: unknown property', 'PUT', '/v1/security/audit-level', { level: 'write', until: 'later' }, 400, REQ);

    // Unknown routes and methods
    add('unknown route', 'GET', '/v1/nope', undefined, 404, ROUTE);
    add('unknown route under a database', 'GET', `${V}/v01/values`, undefined, 404, ROUTE);
    add('unsupported method', 'POST', `${D}/cos`, { description: 'x' }, 404, ROUTE);
    add('unsupported method on a collection', 'DELETE', D, undefined, 404, ROUTE);
    add('unsupported method on a system route', 'POST', '/health', {}, 404, ROUTE);
    add('an unversioned path', 'GET', '/databases', undefined, 404, ROUTE);
    return c;
  };

  it('refuses invalid input on every route with the right status and code, in the one error shape', async () => {
    // The leak check does catch a stack trace or a path (so passing it means something).
    expect(() => expectNothingInternal('{"message":"boom\\n    at handler (/srv/app/dist/src/http/app.js:12:3)"}')).toThrow(/leaks/);
    expect(() => expectNothingInternal('{"message":"TypeError: x is undefined"}')).toThrow(/leaks/);
    expect(() => expectNothingInternal('{"message":"value at index 0 is not a finite float32"}')).not.toThrow();
    const cases = bodyCases();
    const problems = await check(t, cases);
    expect(problems).toEqual([]);

    // Every route that takes input was walked (the public documentation and console pages take none).
    const routes = new Set([...servedRoutes(t.app)].filter((r) => !/ \/(docs|openapi\.json|console)\b/.test(r)));
    const walked = new Set(cases.map((c) => routeOf(routes, c.method, c.url)).filter((r): r is string => r !== undefined));
    const inputless = new Set(['GET /health', 'GET /ready', 'GET /status', 'GET /metrics', 'GET /v1/databases', 'GET /v1/api-keys', 'GET /v1/security/audit-level']);
    expect([...routes].filter((r) => !walked.has(r) && !inputless.has(r))).toEqual([]);
    console.log(`invalid input: ${cases.length} requests over ${walked.size} routes refused as expected`);
  }, 60_000);

  it('refuses every protected route without valid credentials (401) or with too few rights (403)', async () => {
    const routes = [...servedRoutes(t.app)].filter((r) => !/ \/(docs|openapi\.json|console|health|ready)\b/.test(r));
    const other = mintToken({ secret: 'another-secret-another-secret-another!', subject: 'x', roles: ['admin'], databases: '*', ttlSeconds: 600 });
    const reader = mintToken({ secret: TEST_JWT_SECRET, subject: 'reader', roles: ['reader'], databases: '*', ttlSeconds: 600 });
    const eucOnly = mintToken({ secret: TEST_JWT_SECRET, subject: 'euc-writer', roles: ['writer'], databases: ['euc'], ttlSeconds: 600 });
    const expired = mintToken({ secret: TEST_JWT_SECRET, subject: 'old', roles: ['admin'], databases: '*', ttlSeconds: -60 });
    const cases: Case[] = [];
    for (const route of routes) {
      const [method, template] = route.split(' ') as [Method, string];
      const url = template.replace('{db}', 'cos').replace('{id}', 'v01');
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      cases.push({ what: 'no credentials', method, url, body, headers: { authorization: '' }, status: 401, code: 'JADE_ERR_AUTH_REQUIRED' });
      cases.push({ what: 'a token signed with another secret', method, url, body, headers: { authorization: `Bearer ${other}` }, status: 401, code: 'JADE_ERR_AUTH_INVALID' });
      cases.push({ what: 'a garbage token', method, url, body, headers: { authorization: 'Bearer not.a.jwt' }, status: 401, code: 'JADE_ERR_AUTH_INVALID' });
      cases.push({ what: 'an expired token', method, url, body, headers: { authorization: `Bearer ${expired}` }, status: 401, code: 'JADE_ERR_AUTH_INVALID' });
      cases.push({ what: 'an unknown scheme', method, url, body, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, status: 401, code: 'JADE_ERR_AUTH_INVALID' });
    }
    for (const url of [`${D}/cos/vectors`, `${D}/cos/vectors/batch`, `${D}/cos/vectors/delete`]) {
      cases.push({ what: 'a reader writing', method: 'POST', url, body: {}, headers: { authorization: `Bearer ${reader}` }, status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' });
      cases.push({ what: 'a writer of another database', method: 'POST', url, body: {}, headers: { authorization: `Bearer ${eucOnly}` }, status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' });
    }
    cases.push({ what: 'a reader dropping', method: 'DELETE', url: `${D}/cos`, headers: { authorization: `Bearer ${reader}` }, status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' });
    cases.push({ what: 'a writer creating API keys', method: 'POST', url: '/v1/api-keys', body: { roles: ['admin'], databases: '*' }, headers: { authorization: `Bearer ${eucOnly}` }, status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' });
    cases.push({ what: 'a writer reading another database', method: 'GET', url: `${D}/cos/vectors/v01`, headers: { authorization: `Bearer ${eucOnly}` }, status: 403, code: 'JADE_ERR_AUTH_FORBIDDEN' });
    expect(await check(t, cases)).toEqual([]);
    expect(routes.length).toBeGreaterThanOrEqual(20);
  }, 60_000);

  it('after all of it, the stored data and the log are unchanged', async () => {
    const after = await fingerprint(t);
    expect(after).toEqual(before);
    // The fingerprint does see changes (so the comparison above can fail): a real write moves it.
    const probe = await startTestServer();
    try {
      await ok(probe.app, 'POST', D, { name: 'p', dimension: 4, metric: 'euclidean' }, 201);
      const a = await fingerprint(probe);
      await ok(probe.app, 'PATCH', `${D}/p`, { description: 'changed' });
      const b = await fingerprint(probe);
      expect(b.databases).not.toEqual(a.databases);
      await ok(probe.app, 'POST', `${D}/p/vectors`, { id: 'x', values: [1, 2, 3, 4] }, 201);
      const c = await fingerprint(probe);
      expect(c.vectors).not.toBe(b.vectors);
      expect(c.vectorEnds).not.toEqual(b.vectorEnds);
      await ok(probe.app, 'PUT', `${D}/p/vectors/x`, { values: [1, 2, 3, 4.5] });
      expect((await fingerprint(probe)).vectors).not.toBe(c.vectors);
    } finally {
      await probe.stop();
    }
  }, 30_000);
});

describe('limits: body size, record size, batch size', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ overrides: { httpBodyLimit: 4096, maxRecordBytes: 1024, maxBatchSize: 5 } });
    await ok(t.app, 'POST', D, { name: 'lim', dimension: 16, metric: 'cosine' }, 201);
    await ok(t.app, 'POST', `${D}/lim/vectors/batch`, { vectors: [1, 2, 3].map((i) => ({ id: `s${i}`, values: Array.from({ length: 16 }, (_, j) => i + j) })) }, 201);
  }, 30_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a body over httpBodyLimit (413), a record over maxRecordBytes (413, nothing produced), a batch over maxBatchSize (400)', async () => {
    const before = await fingerprint(t);
    const values = Array.from({ length: 16 }, (_, j) => j + 1);
    const cases: Case[] = [
      { what: 'a body over the limit', method: 'POST', url: `${D}/lim/vectors/batch`, body: { vectors: Array.from({ length: 5 }, () => ({ values, metadata: { s: 'x'.repeat(800) } })) }, status: 413, code: 'JADE_ERR_REQUEST_TOO_LARGE' },
      { what: 'a search body over the limit', method: 'POST', url: `${D}/lim/search`, body: { vector: values, filter: { must: [{ key: 'k', in: Array.from({ length: 600 }, (_, i) => `value-${i}`) }] } }, status: 413, code: 'JADE_ERR_REQUEST_TOO_LARGE' },
      { what: 'a body over the limit, malformed too', method: 'POST', url: D, body: `{"name": "${'x'.repeat(5000)}`, status: 413, code: 'JADE_ERR_REQUEST_TOO_LARGE' },
      { what: 'a record too large for the log', method: 'POST', url: `${D}/lim/vectors`, body: { id: 'big', values, metadata: { s: 'x'.repeat(1500) } }, status: 413, code: 'JADE_ERR_LOG_RECORD_TOO_LARGE' },
      { what: 'a batch whose second record is too large', method: 'POST', url: `${D}/lim/vectors/batch`, body: { vectors: [{ id: 'fine', values }, { id: 'big', values, metadata: { s: 'x'.repeat(1500) } }] }, status: 413, code: 'JADE_ERR_LOG_RECORD_TOO_LARGE' },
      { what: 'a record too large by its id', method: 'PUT', url: `${D}/lim/vectors/${'i'.repeat(500)}`, body: { values, metadata: { s: 'x'.repeat(500) } }, status: 413, code: 'JADE_ERR_LOG_RECORD_TOO_LARGE' },
      { what: 'a patch too large for the log', method: 'PATCH', url: `${D}/lim/vectors/s1`, body: { metadata: { s: 'x'.repeat(1500) } }, status: 413, code: 'JADE_ERR_LOG_RECORD_TOO_LARGE' },
      { what: 'a batch over maxBatchSize', method: 'POST', url: `${D}/lim/vectors/batch`, body: { vectors: Array.from({ length: 6 }, () => ({ values })) }, status: 400, code: BATCH, message: /6 vectors exceed the batch limit of 5/ },
      { what: 'a delete over maxBatchSize', method: 'POST', url: `${D}/lim/vectors/delete`, body: { ids: ['s1', 's2', 's3', 'a', 'b', 'c'] }, status: 400, code: BATCH },
    ];
    expect(await check(t, cases)).toEqual([]);
    expect(await fingerprint(t)).toEqual(before);
    // Just under the limits, the same shapes are accepted (so the refusals above are about size).
    await ok(t.app, 'POST', `${D}/lim/vectors`, { id: 'fits', values, metadata: { s: 'x'.repeat(600) } }, 201);
    await ok(t.app, 'POST', `${D}/lim/vectors/batch`, { vectors: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, values })) }, 201);
    expect((await ok<{ count: number }>(t.app, 'POST', `${D}/lim/vectors/count`, { consistency: 'strong' })).count).toBe(3 + 1 + 5);
  }, 30_000);
});
