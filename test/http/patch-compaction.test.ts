/**
 * A metadata PATCH survives compaction: the vectors topic keeps only the newest record under a key, so the record a
 * PATCH writes must carry the whole state. Before 0.2 it carried the metadata alone, and a replay after compaction
 * (a restart without snapshots, a new replica group) lost every patched vector.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { caughtUp } from './e2e';
import { ok, startTestServer, type StoredVector, type TestServer } from './helpers';

const D = '/v1/databases';
const N = 400;

function values(i: number): number[] {
  return [i + 1, (i % 7) + 1, 1, -1];
}

describe('PATCH then compaction', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('keeps every patched vector, values and metadata, through a replay of the compacted log', async () => {
    server = await startTestServer({ overrides: { minCompactionLagMs: 0, snapshotEveryRecords: 1_000_000 } });
    const { app, dir } = server;
    await ok(app, 'POST', D, { name: 'docs', dimension: 4, metric: 'euclidean' }, 201);
    const vectors = Array.from({ length: N }, (_, i) => ({ id: `v${i}`, values: values(i), metadata: { i } }));
    await ok(app, 'POST', `${D}/docs/vectors/batch`, { vectors }, 201);
    for (let i = 0; i < N; i += 4) await ok(app, 'PATCH', `${D}/docs/vectors/v${i}`, { metadata: { i, patched: true } });
    expect(await caughtUp(app, 'docs')).toBe(N);

    await (server.server.foundation.backbone as EmbeddedBackbone).compactNow();
    // Snapshots are a cache: without them the restart replays the compacted log from offset 0.
    await server.stop({ keepDir: true });
    fs.rmSync(path.join(dir, 'snapshots'), { recursive: true, force: true });
    server = await startTestServer({ dir, overrides: { minCompactionLagMs: 0 } });

    expect(await caughtUp(server.app, 'docs')).toBe(N);
    const got = (await ok<{ vectors: StoredVector[] }>(server.app, 'POST', `${D}/docs/vectors/batch-get`, { ids: vectors.map((v) => v.id), consistency: 'strong' })).vectors;
    expect(got).toHaveLength(N);
    for (const [i, v] of got.entries()) {
      expect(v).toEqual({ id: `v${i}`, values: values(i), metadata: i % 4 === 0 ? { i, patched: true } : { i } });
    }
  }, 120_000);
});
