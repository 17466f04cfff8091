/**
 * Values are judged as stored, rounded to float32 (src/gateway/gateway.ts validates the rounded values, as the shard
 * does on apply in src/shard/shard.ts): a vector that is acknowledged is applied, never dead-lettered later.
 */
import { call, expectError, ok, startTestServer, type Hit, type StoredVector, type TestServer, type WriteReply } from './helpers';

const D = '/v1/databases';
const VEC = 'JADE_ERR_VECTOR_INVALID';
const BATCH = 'JADE_ERR_BATCH_INVALID';
const FLOAT32_MAX = 3.4028234663852886e38;

describe('vector values are validated after rounding to float32', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    await ok(t.app, 'POST', D, { name: 'cos', dimension: 4, metric: 'cosine' }, 201);
    await ok(t.app, 'POST', D, { name: 'euc', dimension: 4, metric: 'euclidean' }, 201);
  }, 30_000);

  afterAll(async () => {
    await t?.stop();
  });

  /** The ends of the vectors topic and of its dead letters, once the shards have applied everything written so far. */
  async function ends(): Promise<{ vectors: number[]; deadLetters: number[] }> {
    for (const db of ['cos', 'euc']) await ok(t.app, 'POST', `${D}/${db}/vectors/count`, { consistency: 'strong' });
    const { backbone, topics } = t.server.foundation;
    return { vectors: await backbone.endOffsets(topics.names.vectors), deadLetters: await backbone.endOffsets(topics.names.deadLetters) };
  }

  it('refuses a vector that rounds to zero under cosine with 400, and produces nothing', async () => {
    expect(Math.fround(1e-46)).toBe(0);
    const before = await ends();
    const tiny = [1e-46, 0, 0, 0];

    const single = await call(t.app, 'POST', `${D}/cos/vectors`, { id: 'tiny', values: tiny });
    expectError(single, 400, VEC, 'POST a vector that rounds to zero');
    expect((single.body as { message: string }).message).toMatch(/zero vector/);
    expect((single.body as { token?: string }).token).toBeUndefined();

    expectError(await call(t.app, 'PUT', `${D}/cos/vectors/tiny`, { values: [0, -1e-46, 1e-47, 0] }), 400, VEC, 'PUT a vector that rounds to zero');
    const batch = await call(t.app, 'POST', `${D}/cos/vectors/batch`, { vectors: [{ id: 'ok', values: [1, 0, 0, 0] }, { id: 'tiny', values: tiny }] });
    expectError(batch, 400, BATCH, 'a batch with a vector that rounds to zero');
    expect((batch.body as { message: string }).message).toMatch(/item 1: .*zero vector/);
    expectError(await call(t.app, 'POST', `${D}/cos/search`, { vector: tiny }), 400, VEC, 'a query that rounds to zero');

    // Nothing reached the log, so nothing can be dead-lettered, and nothing is readable.
    expect(await ends()).toEqual(before);
    expect(await ok<{ vectors: StoredVector[] }>(t.app, 'POST', `${D}/cos/vectors/batch-get`, { ids: ['tiny', 'ok'], consistency: 'strong' })).toEqual({ vectors: [] });
  });

  it('refuses a value that overflows to Infinity in float32 with 400, and produces nothing', async () => {
    const before = await ends();
    const res = await call(t.app, 'POST', `${D}/euc/vectors`, { id: 'big', values: [1, 3.5e38, 1, 1] });
    expectError(res, 400, VEC, 'POST a value that overflows float32');
    expect((res.body as { message: string }).message).toMatch(/index 1 is not a finite float32/);
    expect(await ends()).toEqual(before);
  });

  it('stores a subnormal float32 that survives rounding as written, and applies it', async () => {
    const before = await ends();
    const values = [1e-40, 0, 0, 0];
    const written = await ok<WriteReply>(t.app, 'POST', `${D}/cos/vectors`, { id: 'subnormal', values }, 201);
    const extremes = await ok<WriteReply>(t.app, 'POST', `${D}/euc/vectors`, { id: 'extremes', values: [2 ** -149, -FLOAT32_MAX, 3.4028235e38, 0] }, 201);
    expect(typeof written.token).toBe('string');

    const [stored] = (await ok<{ vectors: StoredVector[] }>(t.app, 'POST', `${D}/cos/vectors/batch-get`, { ids: ['subnormal'], consistency: { after: written.token } })).vectors;
    expect(stored?.values).toEqual(Array.from(Float32Array.from(values)));
    expect(stored!.values[0]).not.toBe(0);
    const [extreme] = (await ok<{ vectors: StoredVector[] }>(t.app, 'POST', `${D}/euc/vectors/batch-get`, { ids: ['extremes'], consistency: { after: extremes.token } })).vectors;
    expect(extreme?.values).toEqual([2 ** -149, -FLOAT32_MAX, FLOAT32_MAX, 0]);

    // Found by a search in its direction (a subnormal query is a valid query), and nothing was dead-lettered.
    const hits = (await ok<{ results: Hit[] }>(t.app, 'POST', `${D}/cos/search`, { vector: [1e-40, 0, 0, 0], topK: 1, consistency: 'strong' })).results;
    expect(hits.map((h) => h.id)).toEqual(['subnormal']);
    expect(hits[0]!.score).toBeCloseTo(1, 6);
    const after = await ends();
    expect(after.deadLetters).toEqual(before.deadLetters);
    expect(after.vectors.reduce((a, b) => a + b, 0)).toBe(before.vectors.reduce((a, b) => a + b, 0) + 2);
  });
});
