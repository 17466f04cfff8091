/**
 * A local failure is not a bad record (src/errors.ts, FailureKind): when this node's native index fails while
 * applying a valid, acknowledged write, the record is not dead-lettered (another replica would apply it, and replicas
 * would disagree). The partition stops, says so in /status, refuses writes with 503 and Retry-After, is reopened with
 * backoff, and then applies the record it stopped at.
 */
import { jadeError } from '../../src/errors';
import { partitionForKey } from '../../src/log/murmur2';
import { vectorKey } from '../../src/log/records';
import { VectorIndex } from '../../src/shard/hnsw-index';
import { call, ok, startTestServer, type StoredVector, type TestServer } from '../http/helpers';
import { waitFor } from '../helpers/wait';

const D = '/v1/databases/docs';

describe('a local failure while applying', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await server?.stop();
    server = undefined;
  });

  it('stops and reopens the partition instead of dead-lettering the record, and refuses writes meanwhile', async () => {
    server = await startTestServer();
    const { app } = server;
    await ok(app, 'POST', '/v1/databases', { name: 'docs', dimension: 3, metric: 'euclidean' }, 201);
    await ok(app, 'PUT', `${D}/vectors/a`, { values: [1, 0, 0] });
    const partition = partitionForKey(vectorKey('docs', 'x'), 2);
    const sibling = Array.from({ length: 100 }, (_, i) => `s${i}`).find((id) => partitionForKey(vectorKey('docs', id), 2) === partition)!;

    let failing = true;
    const upsert = VectorIndex.prototype.upsert;
    jest.spyOn(VectorIndex.prototype, 'upsert').mockImplementation(function (this: VectorIndex, ...args: Parameters<VectorIndex['upsert']>) {
      if (failing) throw jadeError('JADE_ERR_INDEX_NATIVE_FAILED', ['add a point', 'simulated failure']);
      return upsert.apply(this, args);
    });
    // Acknowledged: it is durable in the log, whatever happens to its apply.
    await ok(app, 'PUT', `${D}/vectors/x`, { values: [0, 1, 0], metadata: { kept: true } });

    const failure = await waitFor(() => server!.server.node!.host.status().find((p) => p.partition === partition)?.failure, { what: 'the partition to report its failure' });
    expect(failure).toMatchObject({ code: 'JADE_ERR_INDEX_NATIVE_FAILED' });
    const refused = await call<{ code: string }>(app, 'PUT', `${D}/vectors/${sibling}`, { values: [0, 0, 1] });
    expect({ status: refused.status, code: refused.body.code, retryAfter: refused.headers['retry-after'] }).toEqual({ status: 503, code: 'JADE_ERR_PARTITION_STALLED', retryAfter: '1' });
    const status = await ok<{ partitions: { partition: number; failure?: { code: string } }[] }>(app, 'GET', '/status');
    expect(status.partitions.find((p) => p.partition === partition)?.failure?.code).toBe('JADE_ERR_INDEX_NATIVE_FAILED');

    failing = false;
    await waitFor(() => server!.server.node!.host.status().find((p) => p.partition === partition)?.failure === undefined, { timeoutMs: 40_000, what: 'the partition to reopen' });
    const got = await ok<{ vectors: StoredVector[] }>(app, 'POST', `${D}/vectors/batch-get`, { ids: ['a', 'x'], consistency: 'strong' });
    expect(got.vectors.map((v) => [v.id, v.values, v.metadata])).toEqual([
      ['a', [1, 0, 0], null],
      ['x', [0, 1, 0], { kept: true }],
    ]);
    expect(server.server.node!.host.status().reduce((sum, p) => sum + p.deadLetters, 0)).toBe(0);
    await ok(app, 'PUT', `${D}/vectors/${sibling}`, { values: [0, 0, 1] });
  }, 60_000);
});
