/** The client against a real server (embedded log) in this process: every method, and every kind of failure. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JadeClient, JadeClientError, isJadeClientError, type StoredVector, type VectorInput } from '../../src/client';
import * as pkg from '../../src/index';
import { startTestServer, type TestServer } from './test-server';

// A real server shares the CPU with the test (and, in CI, with other suites): allow for a loaded machine.
jest.setTimeout(60_000);

let server: TestServer;
let client: JadeClient;

beforeAll(async () => {
  server = await startTestServer();
  client = server.client;
});

afterAll(async () => {
  await server?.stop();
});

/** Rejects unless `promise` fails with a JadeClientError of this code; returns the error. */
async function failure(promise: Promise<unknown>, code: string): Promise<JadeClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JadeClientError);
  expect((err as JadeClientError).code).toBe(code);
  return err as JadeClientError;
}

const unit = (i: number, dim = 4): number[] => Array.from({ length: dim }, (_, d) => Math.fround(Math.sin(i * 7.3 + d * 1.9) + (d === 0 ? 2 : 0)));

describe('package entry', () => {
  it('exports the client and the server for embedding', () => {
    expect(pkg.JadeClient).toBe(JadeClient);
    expect(typeof pkg.startServer).toBe('function');
    expect(typeof pkg.loadConfig).toBe('function');
  });
});

describe('system routes', () => {
  it('health, ready, status and metrics', async () => {
    expect(await client.health()).toEqual({ status: 'ok' });
    expect(await client.ready()).toEqual({ ready: true });
    const status = await client.status();
    expect(status.role).toBe('all');
    expect(status.backbone).toBe('embedded');
    expect(status.partitions).toHaveLength(2);
    expect(await client.metrics()).toContain('jade_http_requests_total');
  });
});

describe('databases', () => {
  it('create, list, get, update (PATCH) and drop', async () => {
    const created = await client.databases.create({ name: 'dbs', dimension: 4, metric: 'euclidean', index: { m: 8, efSearch: 32 }, description: 'first' });
    expect(created).toMatchObject({ name: 'dbs', dimension: 4, metric: 'euclidean', index: { m: 8, efConstruction: 200, efSearch: 32 }, description: 'first' });
    expect((await client.databases.list()).map((d) => d.name)).toContain('dbs');
    expect(await client.databases.get('dbs')).toMatchObject({ name: 'dbs', vectorCount: 0 });

    const updated = await client.databases.update('dbs', { description: null, index: { efSearch: 100 } });
    expect(updated).toMatchObject({ description: null, index: { m: 8, efSearch: 100 } });
    expect(await client.databases.get('dbs')).toMatchObject({ description: null, index: { efSearch: 100 } });

    const dup = await failure(client.databases.create({ name: 'dbs', dimension: 4, metric: 'cosine' }), 'JADE_ERR_DB_EXISTS');
    expect(dup.statusCode).toBe(409);

    await client.databases.drop('dbs');
    expect((await client.databases.list()).map((d) => d.name)).not.toContain('dbs');
    const gone = await failure(client.databases.get('dbs'), 'JADE_ERR_DB_NOT_FOUND');
    expect(gone.statusCode).toBe(404);
    expect(gone.retriable).toBe(false);
  });

  it('passes validation errors through with their code', async () => {
    const err = await failure(client.databases.create({ name: 'Bad Name', dimension: 4, metric: 'cosine' }), 'JADE_ERR_REQUEST_INVALID');
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/name/);
  });
});

describe('vectors', () => {
  const db = 'vecs';
  beforeAll(async () => {
    await client.databases.create({ name: db, dimension: 4, metric: 'cosine' });
  });

  it('upsert with and without an id, then get by token, strong and eventual', async () => {
    const withId = await client.vectors.upsert(db, { id: 'a', values: unit(1), metadata: { lang: 'en', n: 1 } });
    expect(withId.id).toBe('a');
    expect(typeof withId.token).toBe('string');
    expect(await client.vectors.get(db, 'a', { consistency: { after: withId.token } })).toEqual({ id: 'a', values: unit(1), metadata: { lang: 'en', n: 1 } });

    const generated = await client.vectors.upsert(db, { values: unit(2) });
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.vectors.get(db, generated.id, { consistency: 'strong' })).toEqual({ id: generated.id, values: unit(2), metadata: null });
    await client.vectors.delete(db, generated.id);
  });

  it('ids with slashes, spaces and non-ASCII survive the URL path', async () => {
    const id = 'dir/sub file?#ü%';
    const put = await client.vectors.put(db, id, { values: unit(3), metadata: { odd: true } });
    expect(put.id).toBe(id);
    expect(await client.vectors.get(db, id, { consistency: 'strong' })).toEqual({ id, values: unit(3), metadata: { odd: true } });
    const patched = await client.vectors.patchMetadata(db, id, { odd: false });
    expect(await client.vectors.get(db, id, { consistency: { after: patched.token } })).toEqual({ id, values: unit(3), metadata: { odd: false } });
    const deleted = await client.vectors.delete(db, id);
    expect(deleted.id).toBe(id);
    await failure(client.vectors.get(db, id, { consistency: { after: deleted.token } }), 'JADE_ERR_VECTOR_NOT_FOUND');
  });

  it('put replaces values and metadata; patchMetadata keeps values; both refuse what they cannot do', async () => {
    await client.vectors.put(db, 'p', { values: unit(4), metadata: { v: 1 } });
    const put = await client.vectors.put(db, 'p', { values: unit(5) });
    expect(await client.vectors.get(db, 'p', { consistency: { after: put.token } })).toEqual({ id: 'p', values: unit(5), metadata: null });
    const patch = await client.vectors.patchMetadata(db, 'p', { tags: ['x', 'y'], nested: { deep: 1 } });
    expect(await client.vectors.get(db, 'p', { consistency: { after: patch.token } })).toEqual({ id: 'p', values: unit(5), metadata: { tags: ['x', 'y'], nested: { deep: 1 } } });
    const missing = await failure(client.vectors.patchMetadata(db, 'no-such-id', { a: 1 }), 'JADE_ERR_VECTOR_NOT_FOUND');
    expect(missing.statusCode).toBe(404);
    await failure(client.vectors.put(db, 'p', { values: [1, 2] }), 'JADE_ERR_VECTOR_INVALID');
    await client.vectors.delete(db, 'p');
  });

  it('getMany answers in the order asked and leaves out missing ids', async () => {
    const reply = await client.vectors.upsertBatch(db, [
      { id: 'm1', values: unit(11) },
      { id: 'm2', values: unit(12), metadata: { k: 2 } },
    ]);
    const found = await client.vectors.getMany(db, ['m2', 'nope', 'm1'], { consistency: { after: reply.token } });
    expect(found.map((v) => v.id)).toEqual(['m2', 'm1']);
    expect(found[0]).toEqual({ id: 'm2', values: unit(12), metadata: { k: 2 } });
    await client.vectors.deleteMany(db, ['m1', 'm2']);
  });

  it('upsertBatch is all or nothing, and an Idempotency-Key makes a retry safe', async () => {
    const before = await client.vectors.count(db, { consistency: 'strong' });
    const bad = await failure(
      client.vectors.upsertBatch(db, [
        { id: 'ok', values: unit(20) },
        { id: 'short', values: [1] },
      ]),
      'JADE_ERR_BATCH_INVALID',
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.message).toContain('item 1');
    expect(await client.vectors.count(db, { consistency: 'strong' })).toBe(before);

    // No ids: the server generates them, so only the key stops a retry from writing twice.
    const batch: VectorInput[] = [{ values: unit(21) }, { values: unit(22) }, { values: unit(23) }];
    const first = await client.vectors.upsertBatch(db, batch, { idempotencyKey: 'batch-key-1' });
    const retry = await client.vectors.upsertBatch(db, batch, { idempotencyKey: 'batch-key-1' });
    expect(first.count).toBe(3);
    expect(retry).toEqual(first);
    expect(await client.vectors.count(db, { consistency: 'strong' })).toBe(before + 3);
    const conflict = await failure(client.vectors.upsertBatch(db, [{ values: unit(24) }], { idempotencyKey: 'batch-key-1' }), 'JADE_ERR_IDEMPOTENCY_CONFLICT');
    expect(conflict.statusCode).toBe(409);
    const deleted = await client.vectors.deleteMany(db, first.ids, { idempotencyKey: 'delete-key-1' });
    expect(deleted.count).toBe(3);
    expect(await client.vectors.count(db, { consistency: { after: deleted.token } })).toBe(before);
  });
});

describe('reading many: list, scroll, scrollAll, count, deleteMany by filter', () => {
  const db = 'many';
  const total = 230;
  const ids = Array.from({ length: total }, (_, i) => `id-${String(i).padStart(4, '0')}`);
  beforeAll(async () => {
    await client.databases.create({ name: db, dimension: 4, metric: 'dot' });
    await client.vectors.upsertBatch(
      db,
      ids.map((id, i) => ({ id, values: unit(i), metadata: { group: i % 3, even: i % 2 === 0 } })),
    );
  });

  it('list pages through every vector in id order by cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.vectors.list(db, { limit: 100, consistency: 'strong', ...(cursor === undefined ? {} : { cursor }) });
      expect(page.vectors.length).toBeLessThanOrEqual(100);
      seen.push(...page.vectors.map((v) => v.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const first = await client.vectors.list(db, { limit: 1 });
    expect(first.vectors[0]).toEqual({ id: ids[0], values: unit(0), metadata: { group: 0, even: true } });
  });

  it('scroll filters and can leave values out; scrollAll yields each vector once, in id order', async () => {
    const page = await client.vectors.scroll(db, { limit: 5, filter: { must: [{ key: 'group', match: 1 }] }, includeValues: false, consistency: 'strong' });
    expect(page.vectors.map((v) => v.id)).toEqual(['id-0001', 'id-0004', 'id-0007', 'id-0010', 'id-0013']);
    expect(page.vectors.every((v) => v.values.length === 0)).toBe(true);
    expect(page.nextCursor).not.toBeNull();

    const all: StoredVector[] = [];
    for await (const v of client.vectors.scrollAll(db, { pageSize: 60, consistency: 'strong' })) all.push(v);
    expect(all.map((v) => v.id)).toEqual(ids);
    expect(all[7]).toEqual({ id: ids[7], values: unit(7), metadata: { group: 1, even: false } });

    const evens: string[] = [];
    for await (const v of client.vectors.scrollAll(db, { filter: { must: [{ key: 'even', match: true }] }, pageSize: 7 })) evens.push(v.id);
    expect(evens).toEqual(ids.filter((_, i) => i % 2 === 0));
  });

  it('count, with and without a filter', async () => {
    expect(await client.vectors.count(db, { consistency: 'strong' })).toBe(total);
    expect(await client.vectors.count(db, { filter: { must: [{ key: 'group', match: 2 }] } })).toBe(ids.filter((_, i) => i % 3 === 2).length);
    await failure(client.vectors.count(db, { filter: { must: [{ key: 'group', range: { between: 1 } }] } }), 'JADE_ERR_FILTER_INVALID');
  });

  it('search and searchBatch rank best first; exact agrees with brute force', async () => {
    const query = unit(1000);
    const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
    const expected = ids
      .map((id, i) => ({ id, score: dot(query, unit(i)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);
    const exact = await client.vectors.search(db, { vector: query, topK: 5, exact: true, consistency: 'strong' });
    expect(exact.results.map((h) => h.id)).toEqual(expected.map((h) => h.id));
    exact.results.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 4));
    expect(typeof exact.tookMs).toBe('number');

    const filtered = await client.search(db, { vector: query, topK: 3, filter: { must: [{ key: 'even', match: true }] }, includeValues: true });
    expect(filtered.results).toHaveLength(3);
    for (const hit of filtered.results) {
      expect(hit.metadata).toMatchObject({ even: true });
      expect(hit.values).toHaveLength(4);
    }

    const batch = await client.vectors.searchBatch(db, [
      { vector: query, topK: 5, exact: true },
      { vector: unit(3), topK: 2, exact: true },
    ]);
    expect(batch).toHaveLength(2);
    expect(batch[0]!.map((h) => h.id)).toEqual(expected.map((h) => h.id));
    expect(batch[1]).toHaveLength(2);
    expect(await client.searchBatch(db, [{ vector: query, topK: 1, exact: true }])).toEqual([[expect.objectContaining({ id: expected[0]!.id })]]);
    await failure(client.vectors.search(db, { vector: [1, 2] }), 'JADE_ERR_VECTOR_INVALID');
  });

  it('deleteMany by filter deletes exactly the matching vectors', async () => {
    const reply = await client.vectors.deleteMany(db, { filter: { must: [{ key: 'group', match: 0 }] } });
    const group0 = ids.filter((_, i) => i % 3 === 0).length;
    expect(reply.count).toBe(group0);
    expect(await client.vectors.count(db, { consistency: { after: reply.token } })).toBe(total - group0);
    expect(await client.vectors.count(db, { filter: { must: [{ key: 'group', match: 0 }] }, consistency: 'strong' })).toBe(0);
  });
});

describe('failures without a usable reply', () => {
  /** A server that answers with whatever `handler` does. */
  async function rawServer(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
    const raw = http.createServer(handler);
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`,
      close: () => {
        raw.closeAllConnections();
        return new Promise((resolve) => raw.close(() => resolve()));
      },
    };
  }

  it('no server: JADE_ERR_CLIENT_UNREACHABLE, status 0, retriable', async () => {
    const closed = await rawServer(() => {});
    await closed.close();
    const err = await failure(new JadeClient({ url: closed.url }).health(), 'JADE_ERR_CLIENT_UNREACHABLE');
    expect(err.statusCode).toBe(0);
    expect(err.retriable).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('no answer in time: JADE_ERR_CLIENT_TIMEOUT', async () => {
    const silent = await rawServer(() => {});
    try {
      const err = await failure(new JadeClient({ url: silent.url, timeoutMs: 100 }).status(), 'JADE_ERR_CLIENT_TIMEOUT');
      expect(err.message).toContain('100 ms');
    } finally {
      await silent.close();
    }
  });

  it('a reply that is not the API’s: JADE_ERR_CLIENT_BAD_REPLY with its status', async () => {
    const proxy = await rawServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    });
    try {
      const err = await failure(new JadeClient({ url: proxy.url }).health(), 'JADE_ERR_CLIENT_BAD_REPLY');
      expect(err.statusCode).toBe(502);
      expect(err.retriable).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('a bad URL is refused before any request', () => {
    for (const url of ['not a url', 'ftp://host']) {
      let caught: unknown;
      try {
        new JadeClient({ url });
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ code: 'JADE_ERR_CLIENT_INVALID_ARGUMENT', statusCode: 0 });
    }
  });
});

describe('what goes on the wire', () => {
  interface Sent {
    url: string;
    method: string;
    headers: Record<string, string>;
    body: string | undefined;
  }
  function recorder(reply: () => Response): { fetch: typeof fetch; sent: Sent[] } {
    const sent: Sent[] = [];
    const fake = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      sent.push({ url, method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, body: init?.body as string | undefined });
      return Promise.resolve(reply());
    };
    return { fetch: fake, sent };
  }
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('token and API key become Authorization headers; a path prefix and idempotency key are kept', async () => {
    const bearer = recorder(() => json(201, { count: 1, ids: ['x'], token: 't' }));
    await new JadeClient({ url: 'http://h:1/jade/', token: 'jwt-abc', fetch: bearer.fetch }).vectors.upsertBatch('d', [{ id: 'x', values: [1] }], { idempotencyKey: 'k1' });
    expect(bearer.sent[0]).toMatchObject({ url: 'http://h:1/jade/v1/databases/d/vectors/batch', method: 'POST' });
    expect(bearer.sent[0]!.headers).toMatchObject({ authorization: 'Bearer jwt-abc', 'idempotency-key': 'k1', 'content-type': 'application/json' });
    expect(JSON.parse(bearer.sent[0]!.body!)).toEqual({ vectors: [{ id: 'x', values: [1] }] });

    const key = recorder(() => json(200, { status: 'ok' }));
    await new JadeClient({ url: 'http://h:1', apiKey: 'key-123', fetch: key.fetch }).health();
    expect(key.sent[0]!.headers.authorization).toBe('ApiKey key-123');
    // No body, no content-type: Fastify refuses an empty JSON body.
    expect(key.sent[0]!.headers['content-type']).toBeUndefined();
  });

  it('GET reads carry consistency in the query string', async () => {
    const rec = recorder(() => json(200, { vectors: [], nextCursor: null }));
    const c = new JadeClient({ url: 'http://h:1', fetch: rec.fetch });
    await c.vectors.list('d', { limit: 10, cursor: 'c1', consistency: 'strong' });
    await c.vectors.list('d', { consistency: { after: 't1.abc' } });
    expect(rec.sent.map((s) => s.url)).toEqual(['http://h:1/v1/databases/d/vectors?limit=10&cursor=c1&consistency=strong', 'http://h:1/v1/databases/d/vectors?after=t1.abc']);
  });

  it('an error reply keeps code, acknowledged ids and Retry-After', async () => {
    const rec = recorder(() =>
      json(503, { statusCode: 503, code: 'JADE_ERR_LOG_PRODUCE_FAILED', error: 'Service Unavailable', message: 'the log did not acknowledge', acknowledged: ['a', 'b'] }, { 'retry-after': '2' }),
    );
    const err = await failure(new JadeClient({ url: 'http://h:1', fetch: rec.fetch }).vectors.upsertBatch('d', [{ values: [1] }]), 'JADE_ERR_LOG_PRODUCE_FAILED');
    expect(err).toMatchObject({ statusCode: 503, acknowledged: ['a', 'b'], retryAfterSeconds: 2, retriable: true });
    expect(isJadeClientError(err)).toBe(true);
  });

  it('ready() answers { ready: false } on a 503 instead of throwing', async () => {
    const rec = recorder(() => json(503, { ready: false }));
    expect(await new JadeClient({ url: 'http://h:1', fetch: rec.fetch }).ready()).toEqual({ ready: false });
  });
});
