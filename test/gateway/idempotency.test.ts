/** Idempotency-Key cache: one run per key, conflicts, expiry, and the bounds on entries and on the memory replies hold. */
import { isJadeError } from '../../src/errors';
import { IdempotencyCache, replyBytes } from '../../src/gateway/idempotency';

const ok = (body: unknown) => () => Promise.resolve({ statusCode: 201, body });
const settle = () => new Promise((r) => setImmediate(r));

describe('IdempotencyCache', () => {
  test('a retry with the same key and request gets the first reply without running again', async () => {
    const cache = new IdempotencyCache();
    let runs = 0;
    const work = () => {
      runs += 1;
      return Promise.resolve({ statusCode: 201, body: { ids: ['a'], token: `t${runs}` } });
    };
    const first = cache.run('k', 'f', work);
    const concurrent = cache.run('k', 'f', work);
    expect(await first).toEqual({ statusCode: 201, body: { ids: ['a'], token: 't1' } });
    expect(await concurrent).toBe(await first);
    expect(await cache.run('k', 'f', work)).toBe(await first);
    expect(runs).toBe(1);
  });

  test('the same key on another request is a conflict', async () => {
    const cache = new IdempotencyCache();
    await cache.run('k', 'f', ok({}));
    const err: unknown = await cache.run('k', 'other', ok({})).catch((e: unknown) => e);
    expect(isJadeError(err) && err.code).toBe('JADE_ERR_IDEMPOTENCY_CONFLICT');
  });

  test('a failed attempt is forgotten, so a retry runs for real', async () => {
    const cache = new IdempotencyCache();
    await expect(cache.run('k', 'f', () => Promise.reject(new Error('log down')))).rejects.toThrow('log down');
    await settle();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    expect(await cache.run('k', 'f', ok({ ids: ['a'] }))).toEqual({ statusCode: 201, body: { ids: ['a'] } });
  });

  test('an expired key runs again and goes to the back of the eviction order', async () => {
    const cache = new IdempotencyCache(2, 1_000);
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(0);
      await cache.run('a', 'f', ok(1));
      now.mockReturnValue(500);
      await cache.run('b', 'f', ok(2));
      now.mockReturnValue(1_200); // a has expired, b has not
      let ran = false;
      await cache.run('a', 'f', () => {
        ran = true;
        return Promise.resolve({ statusCode: 201, body: 3 });
      });
      expect(ran).toBe(true);
      await cache.run('c', 'f', ok(4)); // over two entries: the oldest, b, goes
      await settle();
      expect(cache.size).toBe(2);
      const again = jest.fn(ok(5));
      await cache.run('a', 'f', again);
      expect(again).not.toHaveBeenCalled();
      await cache.run('b', 'f', again);
      expect(again).toHaveBeenCalledTimes(1);
    } finally {
      now.mockRestore();
    }
  });

  test('expired entries are dropped even when the cache is within its bounds', async () => {
    const cache = new IdempotencyCache(100, 1_000);
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(0);
      for (let i = 0; i < 10; i++) await cache.run(`k${i}`, 'f', ok({ ids: [`${i}`] }));
      now.mockReturnValue(5_000);
      await cache.run('fresh', 'f', ok({}));
      await settle();
      expect(cache.size).toBe(1);
    } finally {
      now.mockRestore();
    }
  });

  test('replies are bounded by the memory they hold: the oldest keys go first', async () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `vector-${i}`);
    const perReply = replyBytes({ ids, token: 'x' });
    expect(perReply).toBeGreaterThan(3 * 10_000);
    const cache = new IdempotencyCache(10_000, 3_600_000, 5 * perReply);
    for (let i = 0; i < 20; i++) await cache.run(`batch-${i}`, 'f', ok({ ids, token: 'x' }));
    await settle();
    expect(cache.size).toBeLessThanOrEqual(5);
    expect(cache.size).toBeGreaterThanOrEqual(4);
    expect(cache.bytes).toBeLessThanOrEqual(5 * perReply);
    const again = jest.fn(ok({}));
    await cache.run('batch-19', 'f', again);
    expect(again).not.toHaveBeenCalled();
    await cache.run('batch-0', 'f', again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  test('a reply that cannot be serialised still counts its entry', async () => {
    const cache = new IdempotencyCache();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await cache.run('k', 'f', ok(cyclic));
    await settle();
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeGreaterThan(0);
  });
});
