/**
 * A restart of the embedded server (role `all`) keeps everything: stop, start a new server on the same data
 * directory, wait for /ready, then databases, counts, values, metadata, deletions and search results are as before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusteredVectors, seededRandom } from '../helpers/vectors';
import { caughtUp } from './e2e';
import { ok, startTestServer, type DatabaseReply, type Hit, type Page, type StoredVector, type TestServer, type WriteReply } from './helpers';

const D = '/v1/databases';
const N = 3_000;
const DIM = 32;

interface Observed {
  databases: DatabaseReply[];
  counts: Record<string, number>;
  sample: Record<string, StoredVector[]>;
  ids: Record<string, string[]>;
  approximate: Record<string, Hit[][]>;
  exact: Record<string, Hit[][]>;
}

describe('restart of the embedded server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-restart-'));
  const all = clusteredVectors({ count: N + 20, dimension: DIM, seed: 77, pointSpread: 1 });
  const queries = all.slice(N).map((v) => Array.from(v));
  const random = seededRandom(5);
  const sampleIds = Array.from({ length: 200 }, () => `v${Math.floor(random() * N)}`);
  let server: TestServer | undefined;

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What a client can see, read with `consistency` (eventual after a restart: /ready means caught up). */
  async function observe(t: TestServer, consistency: 'strong' | 'eventual'): Promise<Observed> {
    const databases = (await ok<{ databases: DatabaseReply[] }>(t.app, 'GET', D)).databases.sort((a, b) => (a.name < b.name ? -1 : 1));
    const seen: Observed = { databases, counts: {}, sample: {}, ids: {}, approximate: {}, exact: {} };
    for (const { name } of databases) {
      seen.counts[name] = (await ok<{ count: number }>(t.app, 'POST', `${D}/${name}/vectors/count`, { consistency })).count;
      seen.sample[name] = (await ok<{ vectors: StoredVector[] }>(t.app, 'POST', `${D}/${name}/vectors/batch-get`, { ids: [...sampleIds, 'v0', 'v1', 'v5'], consistency })).vectors;
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await ok<Page>(t.app, 'POST', `${D}/${name}/vectors/scroll`, { limit: 1000, includeValues: false, consistency, ...(cursor === null ? {} : { cursor }) });
        ids.push(...page.vectors.map((v) => `${v.id}:${JSON.stringify(v.metadata)}`));
        cursor = page.nextCursor;
      } while (cursor !== null);
      seen.ids[name] = ids;
      seen.approximate[name] = [];
      seen.exact[name] = [];
      for (const vector of queries) {
        seen.approximate[name].push((await ok<{ results: Hit[] }>(t.app, 'POST', `${D}/${name}/search`, { vector, topK: 10, consistency })).results);
        seen.exact[name].push((await ok<{ results: Hit[] }>(t.app, 'POST', `${D}/${name}/search`, { vector, topK: 10, exact: true, includeValues: true, consistency })).results);
      }
    }
    return seen;
  }

  it('keeps databases, vectors, deletions, metadata and search results across stop and start', async () => {
    server = await startTestServer({ dir, overrides: { shardThreads: 2, consistencyTimeoutMs: 60_000 } });
    let app = server.app;
    await ok(app, 'POST', D, { name: 'r-cos', dimension: DIM, metric: 'cosine', description: 'restart test' }, 201);
    await ok(app, 'POST', D, { name: 'r-euc', dimension: DIM, metric: 'euclidean', index: { m: 8, efConstruction: 100, efSearch: 40 } }, 201);
    for (const db of ['r-cos', 'r-euc']) {
      for (let i = 0; i < N; i += 1000) {
        const vectors = all.slice(i, i + 1000).map((v, j) => ({ id: `v${i + j}`, values: Array.from(v), metadata: { i: i + j, tag: (i + j) % 3 } }));
        await ok(app, 'POST', `${D}/${db}/vectors/batch`, { vectors }, 201);
      }
      // Deletions, a metadata patch and an overwrite must survive too.
      await ok(app, 'POST', `${D}/${db}/vectors/delete`, { ids: Array.from({ length: 100 }, (_, i) => `v${i}`) });
      await ok(app, 'POST', `${D}/${db}/vectors/delete`, { filter: { must: [{ key: 'i', range: { gte: 2900 } }] } });
      await ok(app, 'PATCH', `${D}/${db}/vectors/v100`, { metadata: { patched: true } });
      await ok(app, 'PUT', `${D}/${db}/vectors/v101`, { values: Array.from(all[2]!), metadata: { overwritten: true } });
    }
    await ok(app, 'PATCH', `${D}/r-euc`, { description: 'changed before the restart', index: { efSearch: 48 } });
    for (const db of ['r-cos', 'r-euc']) expect(await caughtUp(app, db)).toBe(N - 200);
    const before = await observe(server, 'strong');
    expect(before.counts).toEqual({ 'r-cos': N - 200, 'r-euc': N - 200 });

    await server.stop({ keepDir: true });
    server = undefined;
    server = await startTestServer({ dir, overrides: { shardThreads: 2, consistencyTimeoutMs: 60_000 } });
    app = server.app;
    // Ready means caught up: even eventual reads see everything now.
    const after = await observe(server, 'eventual');

    expect(after.databases).toEqual(before.databases);
    expect(after.databases.find((d) => d.name === 'r-euc')).toMatchObject({ description: 'changed before the restart', index: { m: 8, efConstruction: 100, efSearch: 48 } });
    expect(after.counts).toEqual(before.counts);
    expect(after.ids).toEqual(before.ids);
    expect(after.sample).toEqual(before.sample);
    for (const db of ['r-cos', 'r-euc']) {
      const byId = new Map(after.sample[db]!.map((v) => [v.id, v]));
      expect(byId.has('v0') || byId.has('v5')).toBe(false);
      expect(byId.get('v1')).toBeUndefined();
      expect(after.exact[db]).toEqual(before.exact[db]);
      // Approximate results agree on at least 99% of the top-10 ids (the design's bound; a snapshot gives 100%).
      let agree = 0;
      let total = 0;
      after.approximate[db]!.forEach((hits, q) => {
        const wanted = new Set(before.approximate[db]![q]!.map((h) => h.id));
        total += wanted.size;
        agree += hits.filter((h) => wanted.has(h.id)).length;
      });
      console.log(`restart (${db}): ${after.counts[db]} vectors, top-10 agreement ${agree}/${total}`);
      expect(agree / total).toBeGreaterThanOrEqual(0.99);
    }
    const patched = await ok<StoredVector>(app, 'GET', `${D}/r-cos/vectors/v100`);
    expect(patched).toEqual({ id: 'v100', values: Array.from(all[100]!), metadata: { patched: true } });
    expect(await ok<StoredVector>(app, 'GET', `${D}/r-euc/vectors/v101`)).toEqual({ id: 'v101', values: Array.from(all[2]!), metadata: { overwritten: true } });

    // The restarted server takes writes, and a duplicate create is still refused.
    const written = await ok<WriteReply>(app, 'POST', `${D}/r-cos/vectors`, { id: 'after-restart', values: queries[0] }, 201);
    expect((await ok<{ count: number }>(app, 'POST', `${D}/r-cos/vectors/count`, { consistency: { after: written.token } })).count).toBe(N - 200 + 1);
    expect((await ok<{ results: Hit[] }>(app, 'POST', `${D}/r-cos/search`, { vector: queries[0], topK: 1, consistency: { after: written.token } })).results[0]!.id).toBe('after-restart');
    await ok(app, 'POST', D, { name: 'r-cos', dimension: DIM, metric: 'cosine' }, 409);
  }, 60_000);
});
