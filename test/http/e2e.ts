/**
 * The REST API end to end, through `app.inject()`: one suite, run on the embedded log (unit) and on Kafka
 * (integration). Databases of every metric, a 10,000-vector bulk load judged against brute force, every vector
 * route, scroll under concurrent writes, Idempotency-Key, and the system routes.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { JadeConfig } from '../../src/config/schema';
import { bruteForceTopK, clusteredVectors, recallAtK, seededRandom, type Metric } from '../helpers/vectors';
import { waitFor } from '../helpers/wait';
import { call, expectError, ok, startTestServer, type DatabaseReply, type Hit, type Page, type StoredVector, type TestServer, type WriteReply } from './helpers';

export interface EndToEndTarget {
  /** Shown in the suite's name. */
  name: string;
  /** The backbone `/status` must report. */
  backbone: 'embedded' | 'kafka';
  /** The configuration of a server whose data directory is `dir`. */
  config(dir: string): JadeConfig;
}

const N = 10_000;
const QUERIES = 100;
const DIMENSION = 128;
const BATCH = 1_000;
const METRICS: Metric[] = ['cosine', 'euclidean', 'dot'];

/** Every route the API serves, as `METHOD /path` in OpenAPI spelling, read from Fastify's route tree. */
export function servedRoutes(app: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (m === null) continue;
    const depth = m[1]!.length / 4;
    while (stack.length > depth) stack.pop();
    const full = (stack[stack.length - 1]?.path ?? '') + m[2]!;
    stack.push({ depth, path: full });
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method === '' || method === 'HEAD') continue;
      routes.add(`${method} ${full.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

/**
 * A strong count, retried while it answers 504: building the index of a bulk load can take longer than one read may
 * wait (consistencyTimeoutMs, by design), more so on a busy machine. Anything but 200 or 504 fails at once.
 */
export async function caughtUp(app: FastifyInstance, db: string, timeoutMs = 90_000): Promise<number> {
  return waitFor(
    async () => {
      const res = await call<{ count: number }>(app, 'POST', `/v1/databases/${db}/vectors/count`, { consistency: 'strong' });
      if (res.status === 504) return false;
      if (res.status !== 200) throw new Error(`count ${db}: ${res.status} ${res.text}`);
      return res.body.count;
    },
    { timeoutMs, intervalMs: 100, what: `the shards of ${db} to apply everything written` },
  );
}

/** The tests of the suite run in order and build on each other, as a user's session would (one server throughout). */
export function describeHttpEndToEnd(target: EndToEndTarget): void {
  describe(`REST API end to end (${target.name})`, () => {
    let t: TestServer;
    let app: FastifyInstance;
    // Overlapping clusters (points spread as far as the centres): not so easy that any graph scores 1.0.
    const all = clusteredVectors({ count: N + QUERIES, dimension: DIMENSION, seed: 20261126, pointSpread: 1 });
    const data = all.slice(0, N);
    const queries = all.slice(N);
    const recall: Record<string, number> = {};

    beforeAll(async () => {
      t = await startTestServer({ config: target.config });
      app = t.app;
    }, 60_000);

    afterAll(async () => {
      await t?.stop();
      console.log(`recall@10 over ${QUERIES} queries, ${N} x ${DIMENSION}-d, default settings (${target.name}): ${JSON.stringify(recall)}`);
    });

    it('creates a database per metric with the index defaults resolved, and refuses a duplicate with 409', async () => {
      for (const metric of METRICS) {
        const created = await call<DatabaseReply>(app, 'POST', '/v1/databases', { name: `e2e-${metric}`, dimension: DIMENSION, metric });
        expect(created.status).toBe(201);
        expect(created.body).toEqual({
          name: `e2e-${metric}`,
          dimension: DIMENSION,
          metric,
          index: { m: 16, efConstruction: 200, efSearch: 64 },
          description: null,
          createdAt: created.body.createdAt,
        });
        expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      const partial = await call<DatabaseReply>(app, 'POST', '/v1/databases', { name: 'e2e-partial', dimension: 8, metric: 'dot', index: { m: 8 }, description: 'some text' });
      expect(partial.status).toBe(201);
      expect(partial.body.index).toEqual({ m: 8, efConstruction: 200, efSearch: 64 });
      expect(partial.body.description).toBe('some text');

      const duplicate = await call(app, 'POST', '/v1/databases', { name: 'e2e-cosine', dimension: 4, metric: 'euclidean' });
      expectError(duplicate, 409, 'JADE_ERR_DB_EXISTS', 'duplicate create');
      // The duplicate changed nothing.
      const cosine = await ok<DatabaseReply>(app, 'GET', '/v1/databases/e2e-cosine');
      expect(cosine).toMatchObject({ dimension: DIMENSION, metric: 'cosine', vectorCount: 0 });
      const listed = await ok<{ databases: DatabaseReply[] }>(app, 'GET', '/v1/databases');
      expect(listed.databases.map((d) => d.name).sort()).toEqual(['e2e-cosine', 'e2e-dot', 'e2e-euclidean', 'e2e-partial']);
    }, 30_000);

    it.each(METRICS)('bulk-loads %s: 10,000 vectors in batches; recall@10 >= 0.95 by default, exact search equals brute force', async (metric) => {
      const db = `e2e-${metric}`;
      let token = '';
      for (let start = 0; start < N; start += BATCH) {
        const vectors = data.slice(start, start + BATCH).map((v, j) => ({ id: `v${start + j}`, values: Array.from(v), metadata: { i: start + j, group: (start + j) % 4 } }));
        const reply = await ok<WriteReply>(app, 'POST', `/v1/databases/${db}/vectors/batch`, { vectors }, 201);
        expect(reply.count).toBe(vectors.length);
        expect(reply.ids).toEqual(vectors.map((v) => v.id));
        token = reply.token;
      }
      expect(await caughtUp(app, db)).toBe(N);

      const truths = queries.map((query) => bruteForceTopK(metric, data, query, 10));
      let recallSum = 0;
      for (let q = 0; q < QUERIES; q++) {
        const query = queries[q]!;
        const res = await ok<{ results: Hit[]; tookMs: number }>(app, 'POST', `/v1/databases/${db}/search`, {
          vector: Array.from(query),
          topK: 10,
          consistency: { after: token },
        });
        expect(res.results).toHaveLength(10);
        expect(typeof res.tookMs).toBe('number');
        // Best first: higher is better for cosine and dot, lower for euclidean.
        for (let i = 1; i < res.results.length; i++) {
          const [a, b] = [res.results[i - 1]!.score, res.results[i]!.score];
          expect(metric === 'euclidean' ? a <= b : a >= b).toBe(true);
        }
        recallSum += recallAtK(res.results.map((h) => ({ label: Number(h.id.slice(1)) })), truths[q]!);
      }
      recall[metric] = recallSum / QUERIES;
      expect(recall[metric]).toBeGreaterThanOrEqual(0.95);

      // Exact search is brute force: the same ids in the same order, the same scores.
      for (let q = 0; q < QUERIES; q++) {
        const query = queries[q]!;
        const res = await ok<{ results: Hit[] }>(app, 'POST', `/v1/databases/${db}/search`, { vector: Array.from(query), topK: 10, exact: true, includeMetadata: false });
        const truth = truths[q]!;
        expect(res.results.map((h) => h.id)).toEqual(truth.map((h) => `v${h.label}`));
        res.results.forEach((hit, i) => expect(Math.abs(hit.score - truth[i]!.score)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(truth[i]!.score))));
        expect(res.results.every((h) => h.metadata === undefined)).toBe(true);
      }

      // A batch of searches answers each in order, as single searches do; values and metadata come back as stored.
      const some = queries.slice(0, 5).map((v) => ({ vector: Array.from(v), topK: 3, exact: true, includeValues: true }));
      const batch = await ok<{ results: Hit[][] }>(app, 'POST', `/v1/databases/${db}/search/batch`, { searches: some });
      expect(batch.results).toHaveLength(5);
      for (let q = 0; q < some.length; q++) {
        const single = await ok<{ results: Hit[] }>(app, 'POST', `/v1/databases/${db}/search`, some[q]);
        expect(batch.results[q]).toEqual(single.results);
        for (const hit of single.results) {
          const label = Number(hit.id.slice(1));
          expect(hit.values).toEqual(Array.from(data[label]!));
          expect(hit.metadata).toEqual({ i: label, group: label % 4 });
        }
      }
    }, 120_000);

    it('serves get, put, patch, delete, batch-get, list, scroll, count and delete by ids and by filter as documented', async () => {
      const db = 'e2e-crud';
      await ok(app, 'POST', '/v1/databases', { name: db, dimension: 4, metric: 'euclidean' }, 201);
      const base = `/v1/databases/${db}`;

      // POST without an id: one is generated; the token reads the write back.
      const first = await ok<WriteReply>(app, 'POST', `${base}/vectors`, { values: [1, 2, 3, 4], metadata: { color: 'red', n: 1 } }, 201);
      expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await ok(app, 'GET', `${base}/vectors/${first.id}?after=${encodeURIComponent(first.token)}`)).toEqual({
        id: first.id,
        values: [1, 2, 3, 4],
        metadata: { color: 'red', n: 1 },
      });

      // PUT replaces values and metadata.
      await ok(app, 'POST', `${base}/vectors`, { id: 'a', values: [0.5, -0.25, 1e-3, 3], metadata: { color: 'red' } }, 201);
      const put = await ok<WriteReply>(app, 'PUT', `${base}/vectors/a`, { values: [5, 6, 7, 8], metadata: { color: 'blue', nested: { x: [1, 'two', null] } } });
      expect(put.id).toBe('a');
      expect(await ok(app, 'GET', `${base}/vectors/a?after=${encodeURIComponent(put.token)}`)).toEqual({
        id: 'a',
        values: [5, 6, 7, 8],
        metadata: { color: 'blue', nested: { x: [1, 'two', null] } },
      });

      // PATCH replaces the metadata only; the values stay.
      const patched = await ok<WriteReply>(app, 'PATCH', `${base}/vectors/a`, { metadata: { color: 'green', tags: ['x'] } });
      expect(await ok(app, 'GET', `${base}/vectors/a?after=${encodeURIComponent(patched.token)}`)).toEqual({ id: 'a', values: [5, 6, 7, 8], metadata: { color: 'green', tags: ['x'] } });
      const cleared = await ok<WriteReply>(app, 'PATCH', `${base}/vectors/a`, { metadata: null });
      expect(await ok(app, 'GET', `${base}/vectors/a?after=${encodeURIComponent(cleared.token)}`)).toEqual({ id: 'a', values: [5, 6, 7, 8], metadata: null });
      expectError(await call(app, 'PATCH', `${base}/vectors/absent`, { metadata: { x: 1 } }), 404, 'JADE_ERR_VECTOR_NOT_FOUND', 'patch absent');

      // DELETE: gone afterwards; deleting an absent id succeeds.
      const deleted = await ok<WriteReply>(app, 'DELETE', `${base}/vectors/a`);
      expect(deleted.id).toBe('a');
      expectError(await call(app, 'GET', `${base}/vectors/a?after=${encodeURIComponent(deleted.token)}`), 404, 'JADE_ERR_VECTOR_NOT_FOUND', 'get deleted');
      expect((await call(app, 'DELETE', `${base}/vectors/a`)).status).toBe(200);
      expectError(await call(app, 'GET', `${base}/vectors/never-was?consistency=strong`), 404, 'JADE_ERR_VECTOR_NOT_FOUND', 'get absent');

      // A batch of 40.
      const ids = Array.from({ length: 40 }, (_, i) => `c-${String(i).padStart(2, '0')}`);
      const batch = await ok<WriteReply>(
        app,
        'POST',
        `${base}/vectors/batch`,
        { vectors: ids.map((id, i) => ({ id, values: [i, i + 1, -i, 0.5], metadata: { group: i % 3 === 0 ? 'x' : 'y', n: i } })) },
        201,
      );
      expect(batch.count).toBe(40);
      const after = { after: batch.token };

      // batch-get: in the order asked, missing ids left out, a repeated id once.
      const got = await ok<{ vectors: StoredVector[] }>(app, 'POST', `${base}/vectors/batch-get`, { ids: ['c-05', 'missing', 'c-01', 'c-05'], consistency: after });
      expect(got.vectors).toEqual([
        { id: 'c-05', values: [5, 6, -5, 0.5], metadata: { group: 'y', n: 5 } },
        { id: 'c-01', values: [1, 2, -1, 0.5], metadata: { group: 'y', n: 1 } },
      ]);

      // list: pages in id order, each id once, the last page without a cursor.
      const listed: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `limit=7&after=${encodeURIComponent(batch.token)}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page: Page = await ok<Page>(app, 'GET', `${base}/vectors?${query}`);
        expect(page.vectors.length).toBeLessThanOrEqual(7);
        listed.push(...page.vectors.map((v) => v.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 100);
      const everything = [...ids, first.id!].sort();
      expect(listed).toEqual(everything);
      expect(pages).toBe(Math.ceil(everything.length / 7));

      // scroll with a filter, without values.
      const groupX = ids.filter((_, i) => i % 3 === 0);
      const scrolled: StoredVector[] = [];
      cursor = null;
      do {
        const page: Page = await ok<Page>(app, 'POST', `${base}/vectors/scroll`, {
          limit: 5,
          filter: { must: [{ key: 'group', match: 'x' }] },
          includeValues: false,
          consistency: after,
          ...(cursor === null ? {} : { cursor }),
        });
        scrolled.push(...page.vectors);
        cursor = page.nextCursor;
      } while (cursor !== null && scrolled.length < 1000);
      expect(scrolled.map((v) => v.id)).toEqual(groupX);
      expect(scrolled.every((v) => v.values.length === 0 && (v.metadata as { group: string }).group === 'x')).toBe(true);

      // count, whole and filtered.
      const count = async (body: object): Promise<number> => (await ok<{ count: number }>(app, 'POST', `${base}/vectors/count`, { consistency: 'strong', ...body })).count;
      expect(await count({})).toBe(41);
      expect(await count({ filter: { must: [{ key: 'group', match: 'x' }] } })).toBe(groupX.length);
      expect(await count({ filter: { must: [{ key: 'n', range: { gte: 10, lt: 20 } }] } })).toBe(10);
      expect(await count({ filter: { must_not: [{ key: 'group', exists: true }] } })).toBe(1);

      // A filtered search answers only matches, best first.
      const filtered = await ok<{ results: Hit[] }>(app, 'POST', `${base}/search`, { vector: [3, 4, -3, 0.5], topK: 5, filter: { must: [{ key: 'group', match: 'y' }] } });
      // c-i is [i, i+1, -i, 0.5]: at distance sqrt(3)|i-3| from the query; ties go to the lower id.
      expect(filtered.results.map((h) => h.id)).toEqual(['c-02', 'c-04', 'c-01', 'c-05', 'c-07']);
      filtered.results.forEach((hit, i) => expect(hit.score).toBeCloseTo([1, 1, 2, 2, 4][i]! * Math.sqrt(3), 9));

      // Delete by ids, then by filter.
      const byIds = await ok<{ count: number; token: string }>(app, 'POST', `${base}/vectors/delete`, { ids: ['c-01', 'c-02'] });
      expect(byIds.count).toBe(2);
      expect((await ok<{ vectors: StoredVector[] }>(app, 'POST', `${base}/vectors/batch-get`, { ids: ['c-01', 'c-02', 'c-04'], consistency: { after: byIds.token } })).vectors.map((v) => v.id)).toEqual(['c-04']);
      expect(await count({})).toBe(39);
      const byFilter = await ok<{ count: number; token: string }>(app, 'POST', `${base}/vectors/delete`, { filter: { must: [{ key: 'group', match: 'x' }] } });
      expect(byFilter.count).toBe(groupX.length);
      expect(await count({})).toBe(39 - groupX.length);
      expect(await count({ filter: { must: [{ key: 'group', match: 'x' }] } })).toBe(0);
      expect(await count({ filter: { must: [{ key: 'group', match: 'y' }] } })).toBe(39 - groupX.length - 1);

      // The database: its count, an update (PATCH and PUT), and a drop.
      expect((await ok<DatabaseReply>(app, 'GET', base)).vectorCount).toBe(39 - groupX.length);
      const updated = await ok<DatabaseReply>(app, 'PATCH', base, { description: 'crud', index: { efSearch: 99 } });
      expect(updated).toMatchObject({ name: db, description: 'crud', index: { m: 16, efConstruction: 200, efSearch: 99 } });
      const put2 = await ok<DatabaseReply>(app, 'PUT', base, { description: null });
      expect(put2).toMatchObject({ description: null, index: { efSearch: 99 } });
      expect((await call(app, 'DELETE', base)).status).toBe(204);
      expectError(await call(app, 'GET', base), 404, 'JADE_ERR_DB_NOT_FOUND', 'get dropped');
      expectError(await call(app, 'POST', `${base}/vectors`, { values: [1, 2, 3, 4] }), 404, 'JADE_ERR_DB_NOT_FOUND', 'write to dropped');
      expect((await ok<{ databases: DatabaseReply[] }>(app, 'GET', '/v1/databases')).databases.map((d) => d.name)).not.toContain(db);
    }, 60_000);

    it('scrolls under concurrent upserts and deletes without repeating an id, and every id alive throughout appears once', async () => {
      const db = 'e2e-scroll';
      const base = `/v1/databases/${db}`;
      await ok(app, 'POST', '/v1/databases', { name: db, dimension: 4, metric: 'euclidean' }, 201);
      const key = (i: number): string => `k-${String(i).padStart(4, '0')}`;
      const initial = Array.from({ length: 600 }, (_, i) => key(i));
      await ok(app, 'POST', `${base}/vectors/batch`, { vectors: initial.map((id, i) => ({ id, values: [i, 1, 2, 3] })) }, 201);
      // Even ids stay for the whole scroll; odd ones are deleted while it runs; new ids land everywhere in the order.
      const stable = initial.filter((_, i) => i % 2 === 0);
      const deletable = initial.filter((_, i) => i % 2 === 1);
      const random = seededRandom(99);
      let written = 0;
      let deletedDuring = 0;
      let step = 0;
      const writeSome = async (): Promise<void> => {
        step += 1;
        const fresh = Array.from({ length: 4 }, (_, j) => `${key(Math.floor(random() * initial.length))}-new-${step}-${j}`);
        await ok(app, 'POST', `${base}/vectors/batch`, { vectors: fresh.map((id) => ({ id, values: [step, 0, 0, 1] })) }, 201);
        written += fresh.length;
        const victims = Array.from({ length: 3 }, () => deletable[Math.floor(random() * deletable.length)]!);
        await ok(app, 'POST', `${base}/vectors/delete`, { ids: victims });
        deletedDuring += new Set(victims).size;
      };

      let scrolling = true;
      const background = (async () => {
        while (scrolling) await writeSome();
      })();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      try {
        do {
          const page: Page = await ok<Page>(app, 'POST', `${base}/vectors/scroll`, { limit: 30, includeValues: false, consistency: 'strong', ...(cursor === null ? {} : { cursor }) });
          seen.push(...page.vectors.map((v) => v.id));
          cursor = page.nextCursor;
          pages += 1;
          // And one write between every two pages for sure, before and after the cursor alike.
          await writeSome();
        } while (cursor !== null && pages < 10_000);
      } finally {
        scrolling = false;
        await background;
      }
      expect(pages).toBeGreaterThan(15);
      expect(written).toBeGreaterThanOrEqual(pages * 4);
      expect(deletedDuring).toBeGreaterThan(30);
      const counts = new Map<string, number>();
      for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
      // In id order, strictly: an id behind the cursor can never come back.
      expect(seen.every((id, i) => i === 0 || seen[i - 1]! < id)).toBe(true);
      expect(stable.filter((id) => counts.get(id) !== 1)).toEqual([]);
      console.log(`scroll under writes (${target.name}): ${pages} pages, ${seen.length} ids, ${written} upserted and ${deletedDuring} deleted meanwhile`);
    }, 60_000);

    it('replays a retried write with the same Idempotency-Key and writes once; another body with that key is a 409', async () => {
      const db = 'e2e-idem';
      const base = `/v1/databases/${db}`;
      await ok(app, 'POST', '/v1/databases', { name: db, dimension: 4, metric: 'cosine' }, 201);
      // No ids: a second write would create new vectors, so the count shows whether it happened.
      const body = { vectors: Array.from({ length: 5 }, (_, i) => ({ values: [1, i, 2, 3], metadata: { i } })) };
      const key = randomUUID();
      const first = await call<WriteReply>(app, 'POST', `${base}/vectors/batch`, body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const retried = await call<WriteReply>(app, 'POST', `${base}/vectors/batch`, body, { 'idempotency-key': key });
      expect(retried.status).toBe(201);
      expect(retried.body).toEqual(first.body);
      expect(retried.headers['idempotent-replay']).toBe('true');

      // Two attempts in flight at once: one write, the same reply.
      const key2 = randomUUID();
      const [a, b] = await Promise.all([
        call<WriteReply>(app, 'POST', `${base}/vectors/batch`, body, { 'idempotency-key': key2 }),
        call<WriteReply>(app, 'POST', `${base}/vectors/batch`, body, { 'idempotency-key': key2 }),
      ]);
      expect(a.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(a.body.ids).not.toEqual(first.body.ids);

      // Without a key, the same body writes again (so the count above can tell).
      const third = await ok<WriteReply>(app, 'POST', `${base}/vectors/batch`, body, 201);
      const counted = await ok<{ count: number }>(app, 'POST', `${base}/vectors/count`, { consistency: { after: third.token } });
      expect(counted.count).toBe(15);

      const conflict = await call(app, 'POST', `${base}/vectors/batch`, { vectors: [{ values: [9, 9, 9, 9] }] }, { 'idempotency-key': key });
      expectError(conflict, 409, 'JADE_ERR_IDEMPOTENCY_CONFLICT', 'reused key');
      // A single upsert is replayed too.
      const single = { values: [1, 1, 1, 1] };
      const key3 = randomUUID();
      const s1 = await ok<WriteReply>(app, 'POST', `${base}/vectors`, single, 201, { 'idempotency-key': key3 });
      const s2 = await ok<WriteReply>(app, 'POST', `${base}/vectors`, single, 201, { 'idempotency-key': key3 });
      expect(s2).toEqual(s1);
      expect((await ok<{ count: number }>(app, 'POST', `${base}/vectors/count`, { consistency: 'strong' })).count).toBe(16);
    }, 30_000);

    it('serves /health, /ready, /status, /metrics, /openapi.json (every route) and /docs', async () => {
      expect(await ok(app, 'GET', '/health')).toEqual({ status: 'ok' });
      expect(await ok(app, 'GET', '/ready')).toEqual({ ready: true });

      const status = await ok<{ role: string; backbone: string; partitions: { partition: number; nextOffset: number; lag: number; ready: boolean }[]; databases: { name: string; vectorCount: number }[] }>(
        app,
        'GET',
        '/status',
      );
      expect(status.role).toBe('all');
      expect(status.backbone).toBe(target.backbone);
      expect(status.partitions.map((p) => p.partition)).toEqual([0, 1]);
      for (const p of status.partitions) {
        expect(p.ready).toBe(true);
        expect(p.nextOffset).toBeGreaterThan(0);
        expect(p.lag).toBeGreaterThanOrEqual(0);
      }
      const byName = new Map(status.databases.map((d) => [d.name, d.vectorCount]));
      for (const metric of METRICS) expect(byName.get(`e2e-${metric}`)).toBe(N);

      const metrics = await call(app, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(String(metrics.headers['content-type'])).toContain('text/plain');
      expect(metrics.text).toMatch(/^jade_partition_lag_records\{partition="0"\} \d+$/m);
      expect(metrics.text).toMatch(/^jade_partition_lag_records\{partition="1"\} \d+$/m);
      expect(metrics.text).toMatch(/^jade_http_requests_total\{method="POST",route="\/v1\/databases\/:db\/search",status="200"\} \d+$/m);

      const spec = await ok<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(app, 'GET', '/openapi.json');
      expect(spec.openapi).toMatch(/^3\./);
      const documented = new Set(Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
      const served = [...servedRoutes(app)].filter((r) => !/ \/(docs|openapi\.json|console)\b/.test(r));
      // The parse of the route tree found the routes (so the comparison below means something).
      expect(served).toEqual(expect.arrayContaining(['POST /v1/databases', 'GET /v1/databases/{db}/vectors/{id}', 'POST /v1/databases/{db}/vectors/batch-get', 'GET /metrics']));
      expect(served.length).toBeGreaterThanOrEqual(22);
      expect(served.filter((r) => !documented.has(r))).toEqual([]);
      expect([...documented].filter((r) => !served.includes(r))).toEqual([]);

      let docs = await call(app, 'GET', '/docs');
      for (let hops = 0; hops < 3 && docs.status >= 300 && docs.status < 400; hops++) docs = await call(app, 'GET', String(docs.headers.location));
      expect(docs.status).toBe(200);
      expect(String(docs.headers['content-type'])).toContain('text/html');
      expect(docs.text).toMatch(/<html/i);
    }, 30_000);
  });
}
