/**
 * Read-your-writes through the REST API, with shards that apply on purpose slowly (each batch waits before it is
 * applied), so a read that does not wait for its write visibly misses it. A token makes every read see its write;
 * `strong` does too; `eventual` does not (which shows the slowing works and the two tests above can fail).
 * Tokens beyond the log's end, for another topic, or garbage are refused at once; a wait that cannot finish in
 * `consistencyTimeoutMs` is a 504.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumedRecord } from '../../src/log/backbone';
import { Gateway } from '../../src/gateway/gateway';
import { InProcessShardRuntime, type ApplyOptions, type ShardRuntime } from '../../src/node/shard-runtime';
import { ForwardingShardRuntime } from '../helpers/forwarding-runtime';
import { seededRandom } from '../helpers/vectors';
import { call, expectError, ok, startTestServer, type Hit, type TestServer, type WriteReply } from './helpers';

/** A shard runtime whose `apply` waits `delayMs` first, as a busy or slow index node would. */
class SlowApplyRuntime extends ForwardingShardRuntime {
  applies = 0;
  private readonly waiting = new Set<() => void>();

  constructor(
    inner: ShardRuntime,
    public delayMs: number,
  ) {
    super(inner);
  }

  /** No more delays, and the applies waiting now go ahead (so a stop need not wait them out). */
  release(): void {
    this.delayMs = 0;
    for (const done of [...this.waiting]) done();
  }

  override async apply(partition: number, records: ConsumedRecord[], options: ApplyOptions) {
    if (this.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, this.delayMs);
        this.waiting.add(done);
      });
    }
    this.applies += 1;
    return this.inner.apply(partition, records, options);
  }
}

const DIM = 8;
const ROUNDS = 200;
const random = seededRandom(4242);
const vector = (): number[] => Array.from(Float32Array.from({ length: DIM }, () => random() * 2 - 1));

/** The token's content (it is opaque to clients; the test forges tokens from it). */
function decode(token: string): [string, number, number[]] {
  return JSON.parse(Buffer.from(token.slice('t1.'.length), 'base64url').toString('utf8')) as [string, number, number[]];
}
const encode = (content: unknown): string => 't1.' + Buffer.from(JSON.stringify(content)).toString('base64url');

describe('read-your-writes through the REST API, with shards that apply slowly', () => {
  let t: TestServer;
  const runtime = new SlowApplyRuntime(new InProcessShardRuntime(), 20);
  const db = 'ryw';
  const base = `/v1/databases/${db}`;

  beforeAll(async () => {
    t = await startTestServer({ runtime, overrides: { consistencyTimeoutMs: 10_000 } });
    await ok(t.app, 'POST', '/v1/databases', { name: db, dimension: DIM, metric: 'euclidean' }, 201);
  }, 30_000);

  afterAll(async () => {
    runtime.release();
    await t?.stop();
  });

  /** Writes a new vector, then reads it at once with `consistency`; true when both reads see it. */
  async function writeThenRead(i: number, consistency: 'strong' | 'eventual' | 'token', prefix: string): Promise<{ search: boolean; get: boolean }> {
    const id = `${prefix}-${i}`;
    const values = vector();
    const written = await ok<WriteReply>(t.app, 'POST', `${base}/vectors`, { id, values }, 201);
    const level = consistency === 'token' ? { after: written.token } : consistency;
    const query = consistency === 'token' ? `after=${encodeURIComponent(written.token)}` : `consistency=${consistency}`;
    const [found, got] = await Promise.all([
      ok<{ results: Hit[] }>(t.app, 'POST', `${base}/search`, { vector: values, topK: 1, exact: true, consistency: level }),
      call(t.app, 'GET', `${base}/vectors/${id}?${query}`),
    ]);
    return { search: found.results[0]?.id === id, get: got.status === 200 };
  }

  it(`sees its own write with the write's token, ${ROUNDS} times in a row`, async () => {
    const appliesBefore = runtime.applies;
    let search = 0;
    let get = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const seen = await writeThenRead(i, 'token', 'tok');
      search += Number(seen.search);
      get += Number(seen.get);
    }
    console.log(`read-your-writes with the token: search ${search}/${ROUNDS}, GET ?after= ${get}/${ROUNDS}`);
    expect({ search, get }).toEqual({ search: ROUNDS, get: ROUNDS });
    expect(runtime.applies - appliesBefore).toBeGreaterThanOrEqual(ROUNDS / 2);
  }, 60_000);

  it(`sees its own write with strong consistency and no token, ${ROUNDS} times in a row`, async () => {
    let search = 0;
    let get = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const seen = await writeThenRead(i, 'strong', 'strong');
      search += Number(seen.search);
      get += Number(seen.get);
    }
    console.log(`read-your-writes with strong: search ${search}/${ROUNDS}, GET ?consistency=strong ${get}/${ROUNDS}`);
    expect({ search, get }).toEqual({ search: ROUNDS, get: ROUNDS });
  }, 60_000);

  it('misses its own write with eventual consistency (so the slowing works and the tests above can fail)', async () => {
    const rounds = 20;
    let missed = 0;
    for (let i = 0; i < rounds; i++) {
      const seen = await writeThenRead(i, 'eventual', 'eventual');
      if (!seen.search || !seen.get) missed += 1;
    }
    console.log(`eventual right after the write: ${missed}/${rounds} reads missed it`);
    expect(missed).toBeGreaterThan(0);
  }, 60_000);

  it('refuses at once a token with offsets beyond the end, for another topic, another layout, or garbage', async () => {
    const written = await ok<WriteReply>(t.app, 'POST', `${base}/vectors`, { id: 'token-source', values: vector() }, 201);
    const [identity, partitions, offsets] = decode(written.token);
    expect(partitions).toBe(2);
    const bad: [string, string][] = [
      ['beyond the end', encode([identity, partitions, offsets.map((o) => o + 1_000)])],
      ['one partition beyond the end', encode([identity, partitions, [offsets[0]!, offsets[1]! + 1_000_000]])],
      ['another topic', encode([randomUUID(), partitions, offsets])],
      ['another partition count', encode([identity, 3, [0, 0, 0]])],
      ['too few offsets', encode([identity, partitions, [0]])],
      ['a negative offset', encode([identity, partitions, [-1, 0]])],
      ['a fractional offset', encode([identity, partitions, [0.5, 0]])],
      ['a string offset', encode([identity, partitions, ['0', 0]])],
      ['not a triple', encode({ identity, partitions, offsets })],
      ['not JSON', 't1.' + Buffer.from('{nope').toString('base64url')],
      ['not base64', 't1.%%%'],
      ['no prefix', 'garbage'],
      ['another version', 't2.' + written.token.slice(3)],
    ];
    for (const [what, token] of bad) {
      const started = performance.now();
      expectError(await call(t.app, 'POST', `${base}/search`, { vector: vector(), consistency: { after: token } }), 400, 'JADE_ERR_TOKEN_INVALID', `search, ${what}`);
      expectError(await call(t.app, 'GET', `${base}/vectors/token-source?after=${encodeURIComponent(token)}`), 400, 'JADE_ERR_TOKEN_INVALID', `GET, ${what}`);
      expectError(await call(t.app, 'POST', `${base}/vectors/batch-get`, { ids: ['token-source'], consistency: { after: token } }), 400, 'JADE_ERR_TOKEN_INVALID', `batch-get, ${what}`);
      expectError(await call(t.app, 'POST', `${base}/vectors/scroll`, { consistency: { after: token } }), 400, 'JADE_ERR_TOKEN_INVALID', `scroll, ${what}`);
      expectError(await call(t.app, 'POST', `${base}/vectors/count`, { consistency: { after: token } }), 400, 'JADE_ERR_TOKEN_INVALID', `count, ${what}`);
      expectError(await call(t.app, 'GET', `${base}/vectors?after=${encodeURIComponent(token)}`), 400, 'JADE_ERR_TOKEN_INVALID', `list, ${what}`);
      // At once: nothing waited on the offsets (the wait bound here is 10 s).
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    // The real token still works.
    expect((await call(t.app, 'GET', `${base}/vectors/token-source?after=${encodeURIComponent(written.token)}`)).status).toBe(200);
  }, 30_000);

  it('answers 504 JADE_ERR_CONSISTENCY_TIMEOUT when the shards cannot catch up within consistencyTimeoutMs', async () => {
    const slow = new SlowApplyRuntime(new InProcessShardRuntime(), 0);
    const small = await startTestServer({ runtime: slow, overrides: { consistencyTimeoutMs: 50 } });
    try {
      await ok(small.app, 'POST', '/v1/databases', { name: 'late', dimension: DIM, metric: 'euclidean' }, 201);
      await ok(small.app, 'POST', '/v1/databases/late/vectors/count', { consistency: 'strong' });
      // From now on every batch takes far longer to apply than a read may wait.
      slow.delayMs = 60_000;
      const written = await ok<WriteReply>(small.app, 'POST', '/v1/databases/late/vectors', { id: 'x', values: vector() }, 201);
      const started = performance.now();
      expectError(
        await call(small.app, 'POST', '/v1/databases/late/search', { vector: vector(), consistency: { after: written.token } }),
        504,
        'JADE_ERR_CONSISTENCY_TIMEOUT',
        'search after the token',
      );
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(45);
      expect(waited).toBeLessThan(5_000);
      expectError(await call(small.app, 'GET', '/v1/databases/late/vectors/x?consistency=strong'), 504, 'JADE_ERR_CONSISTENCY_TIMEOUT', 'strong GET');
      expectError(await call(small.app, 'POST', '/v1/databases/late/vectors/count', { consistency: 'strong' }), 504, 'JADE_ERR_CONSISTENCY_TIMEOUT', 'strong count');
      // Eventual reads do not wait (and do not see the write yet).
      expect((await call(small.app, 'GET', '/v1/databases/late/vectors/x')).status).toBe(404);
    } finally {
      slow.release();
      await small.stop();
    }
  }, 30_000);
});

describe('delete by filter, with shards that apply slowly', () => {
  it('deletes more ids than a page, a page at a time, with a token that covers every delete', async () => {
    const runtime = new SlowApplyRuntime(new InProcessShardRuntime(), 0);
    // Pages of 1000 ids: 1001 matches make a second page of one id, which lands in one partition only.
    const t = await startTestServer({ runtime, overrides: { consistencyTimeoutMs: 20_000, maxBatchSize: 1000 } });
    try {
      const gateway = t.server.gateway!;
      const base = '/v1/databases/purge';
      await ok(t.app, 'POST', '/v1/databases', { name: 'purge', dimension: DIM, metric: 'euclidean' }, 201);
      const total = 1200;
      const matching = 1001;
      for (let from = 0; from < total; from += 600) {
        const vectors = Array.from({ length: 600 }, (_, i) => ({ id: `p${from + i}`, values: vector(), metadata: { k: from + i < matching ? 'x' : 'y' } }));
        await ok(t.app, 'POST', `${base}/vectors/batch`, { vectors }, 201);
      }
      await ok(t.app, 'POST', `${base}/vectors/count`, { consistency: 'strong' });

      // What the gateway does, in order: each page is deleted before the next is read, so it holds one page at most.
      const steps: string[] = [];
      const backbone = t.server.foundation.backbone;
      const produce = backbone.produce.bind(backbone);
      const scroll = jest.spyOn(gateway, 'scroll').mockImplementation(async (...args) => {
        const page = await Gateway.prototype.scroll.apply(gateway, args);
        steps.push(`scroll ${page.vectors.length}`);
        return page;
      });
      const deletes = jest.spyOn(backbone, 'produce').mockImplementation((topic, records) => {
        if (topic === t.server.foundation.topics.names.vectors && records.every((r) => r.value === null)) steps.push(`delete ${records.length}`);
        return produce(topic, records);
      });
      runtime.delayMs = 300;
      const filter = { must: [{ key: 'k', match: 'x' }] };
      const deleted = await ok<{ count: number; token: string }>(t.app, 'POST', `${base}/vectors/delete`, { filter });
      scroll.mockRestore();
      deletes.mockRestore();
      expect(deleted.count).toBe(matching);
      expect(steps).toEqual(['scroll 1000', 'delete 1000', 'scroll 1', 'delete 1']);

      // Read-your-writes right away, while the shards are still applying: the token must name both partitions' deletes.
      const after = { after: deleted.token };
      expect(await ok(t.app, 'POST', `${base}/vectors/count`, { filter, consistency: after })).toEqual({ count: 0 });
      expect(await ok(t.app, 'POST', `${base}/vectors/count`, { consistency: after })).toEqual({ count: total - matching });
    } finally {
      runtime.release();
      await t.stop();
    }
  }, 60_000);
});
