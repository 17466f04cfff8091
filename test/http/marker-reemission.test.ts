/**
 * A gateway that restarts re-emits a live database's create markers only into partitions that lack them
 * (src/gateway/database-lifecycle.ts, `writable`): each re-emitted marker has a key of its own, which compaction never
 * removes, so re-emitting into every partition at every start grew the vectors topic without bound.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { parseMarkerKey } from '../../src/log/records';
import { topicNames } from '../../src/log/topics';
import { readUntil } from '../contract/backbone-contract';
import { randomName } from '../helpers/wait';
import { ok, startTestServer } from './helpers';

const D = '/v1/databases';
const P = 2;

/** Create markers per database in the vectors topic of the embedded log in `dir` (the server is stopped). */
async function createMarkers(dir: string): Promise<Record<string, number>> {
  const backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
  try {
    const topic = topicNames('jade').vectors;
    const read = await readUntil(backbone, topic, randomName('markers'), await backbone.endOffsets(topic));
    const counts: Record<string, number> = {};
    for (const record of [...read.values()].flat()) {
      if (record.key === null || !record.key.subarray(0, 3).equals(Buffer.from('\0m/'))) continue;
      const marker = parseMarkerKey(record.key);
      if (marker.kind === 'create') counts[marker.database] = (counts[marker.database] ?? 0) + 1;
    }
    return counts;
  } finally {
    await backbone.close();
  }
}

describe('create markers across gateway restarts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-markers-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stay one per partition and database however often the server restarts and writes', async () => {
    const counts: Record<string, number>[] = [];
    for (let start = 0; start < 4; start++) {
      const server = await startTestServer({ dir, overrides: { partitions: P } });
      try {
        if (start === 0) {
          for (const name of ['m-one', 'm-two']) await ok(server.app, 'POST', D, { name, dimension: 3, metric: 'cosine' }, 201);
        }
        for (const name of ['m-one', 'm-two']) {
          const vectors = Array.from({ length: 8 }, (_, i) => ({ id: `s${start}-${i}`, values: [1, i + 1, start + 1] }));
          await ok(server.app, 'POST', `${D}/${name}/vectors/batch`, { vectors }, 201);
        }
      } finally {
        await server.stop({ keepDir: true });
      }
      counts.push(await createMarkers(dir));
    }
    expect(counts).toEqual(counts.map(() => ({ 'm-one': P, 'm-two': P })));
  }, 120_000);
});
