/**
 * /metrics moves with real writes: records applied per partition, the write-to-visible histogram, applied offsets,
 * lag, snapshot age and duration, and recovery time with its source (replay, then snapshot after a restart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GatewayMetrics } from '../../src/http/metrics';
import { partitionForKey } from '../../src/log/murmur2';
import { vectorKey } from '../../src/log/records';
import { ApplyMetrics, type PartitionStatus } from '../../src/node/shard-host';
import { waitFor } from '../helpers/wait';
import { call, ok, startTestServer, type TestServer } from './helpers';

type Samples = Map<string, number>;

/** Parses the text format into `name{labels}` -> value (labels as printed, in prom-client's order). */
function parse(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

async function scrape(t: TestServer): Promise<Samples> {
  const reply = await call(t.app, 'GET', '/metrics');
  expect(reply.status).toBe(200);
  return parse(reply.text);
}

const at = (s: Samples, key: string): number => s.get(key) ?? 0;

describe('GatewayMetrics gauges', () => {
  const status = (partition: number, extra: Partial<PartitionStatus> = {}): PartitionStatus => ({
    partition,
    nextOffset: 10 + partition,
    endOffset: 20,
    lag: 10 - partition,
    ready: true,
    lastSnapshotOffset: undefined,
    lastSnapshotAtMs: undefined,
    lastSnapshotDurationMs: undefined,
    deadLetters: 0,
    awaitingErasure: [],
    databases: [],
    ...extra,
  });

  it('describe only the partitions owned at the scrape, with recovery time and source', async () => {
    let owned = [
      status(0, { recoverySource: 'replay', recoveryDurationMs: 1500, lastSnapshotAtMs: Date.now() - 4000, lastSnapshotDurationMs: 250 }),
      status(1, {
        recoverySource: 'snapshot',
        databases: [
          { name: 'a', incarnation: 1, count: 10, elementCount: 4, backlog: 6 },
          { name: 'b', incarnation: 2, count: 5, elementCount: 2, backlog: 3 },
        ],
      }),
    ];
    const metrics = new GatewayMetrics(() => owned, new ApplyMetrics());
    metrics.refresh();
    let s = parse(await metrics.registry.metrics());
    expect(at(s, 'jade_partition_applied_offset{partition="0"}')).toBe(10);
    expect(at(s, 'jade_partition_applied_offset{partition="1"}')).toBe(11);
    expect(at(s, 'jade_partition_lag_records{partition="1"}')).toBe(9);
    expect(at(s, 'jade_shard_recovery_duration_seconds{partition="0",source="replay"}')).toBe(1.5);
    // Partition 1 has not caught up yet: no recovery time to report.
    expect(s.has('jade_shard_recovery_duration_seconds{partition="1",source="snapshot"}')).toBe(false);
    expect(at(s, 'jade_snapshot_age_seconds{partition="0"}')).toBeGreaterThanOrEqual(4);
    expect(at(s, 'jade_snapshot_duration_seconds{partition="0"}')).toBe(0.25);
    expect(at(s, 'jade_index_backlog_vectors{partition="0"}')).toBe(0);
    expect(at(s, 'jade_index_backlog_vectors{partition="1"}')).toBe(9);

    // Partition 0 moves to another node; partition 1 catches up.
    owned = [status(1, { recoverySource: 'snapshot', recoveryDurationMs: 300 })];
    metrics.refresh();
    s = parse(await metrics.registry.metrics());
    expect([...s.keys()].filter((k) => k.includes('partition="0"'))).toEqual([]);
    expect(at(s, 'jade_shard_recovery_duration_seconds{partition="1",source="snapshot"}')).toBe(0.3);
  });

  it('export the apply counters it is given', async () => {
    const applies = new ApplyMetrics();
    const metrics = new GatewayMetrics(() => [], applies);
    applies.recordsApplied.inc({ partition: '3' }, 7);
    applies.writeVisible.observe(0.02);
    const s = parse(await metrics.registry.metrics());
    expect(at(s, 'jade_partition_records_applied_total{partition="3"}')).toBe(7);
    expect(at(s, 'jade_write_visible_seconds_count')).toBe(1);
    expect(at(s, 'jade_write_visible_seconds_bucket{le="0.025"}')).toBe(1);
    expect(at(s, 'jade_write_visible_seconds_bucket{le="0.01"}')).toBe(0);
  });
});

describe('/metrics of a running server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-metrics-'));
  let server: TestServer | undefined;
  const DB = 'm';
  const N = 240;

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts applied records per partition, write-to-visible delays, offsets, lag, snapshots and recovery', async () => {
    // Snapshots every 50 records, so this many writes take some.
    const overrides = { snapshotEveryRecords: 50 };
    server = await startTestServer({ dir, overrides });
    await ok(server.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'euclidean' }, 201);
    // The create's markers are applied before the first scrape, so the differences below are the vectors alone.
    await ok(server.app, 'POST', `/v1/databases/${DB}/search`, { vector: [0, 1, 2, 3], topK: 1, consistency: 'strong' });
    const before = await scrape(server);
    // An empty data directory: both partitions were replayed from offset 0.
    for (const p of [0, 1]) expect(before.has(`jade_shard_recovery_duration_seconds{partition="${p}",source="replay"}`)).toBe(true);

    const perPartition = [0, 0];
    for (let start = 0; start < N; start += 60) {
      const vectors = Array.from({ length: 60 }, (_, j) => ({ id: `v${start + j}`, values: [start + j, 1, 2, 3] }));
      for (const v of vectors) perPartition[partitionForKey(vectorKey(DB, v.id), 2)]! += 1;
      await ok(server.app, 'POST', `/v1/databases/${DB}/vectors/batch`, { vectors }, 201);
    }
    await ok(server.app, 'POST', `/v1/databases/${DB}/search`, { vector: [0, 1, 2, 3], topK: 1, consistency: 'strong' });
    const ends = await server.server.foundation.backbone.endOffsets(server.server.foundation.topics.names.vectors);

    // Snapshots are taken after the batch that made them due: wait for them rather than for a fixed time.
    const after = await waitFor(
      async () => {
        const s = await scrape(server!);
        return [0, 1].every((p) => s.has(`jade_snapshot_age_seconds{partition="${p}"}`)) ? s : undefined;
      },
      { what: 'snapshot gauges' },
    );
    for (const p of [0, 1]) {
      const label = `{partition="${p}"}`;
      expect(at(after, `jade_partition_records_applied_total${label}`) - at(before, `jade_partition_records_applied_total${label}`)).toBe(perPartition[p]);
      expect(at(after, `jade_partition_applied_offset${label}`)).toBe(ends[p]);
      expect(at(after, `jade_partition_lag_records${label}`)).toBe(0);
      expect(after.has(`jade_snapshot_duration_seconds${label}`)).toBe(true);
      expect(at(after, `jade_snapshot_age_seconds${label}`)).toBeLessThan(60);
    }
    // The indexing backlog drains in the background, and the gauge follows it down without further writes.
    await waitFor(
      async () => {
        const s = await scrape(server!);
        return [0, 1].every((p) => s.has(`jade_index_backlog_vectors{partition="${p}"}`) && at(s, `jade_index_backlog_vectors{partition="${p}"}`) === 0) ? s : undefined;
      },
      { what: 'an empty indexing backlog' },
    );
    // Every write was applied live, so every one was observed, none of them before it was written.
    expect(at(after, 'jade_write_visible_seconds_count') - at(before, 'jade_write_visible_seconds_count')).toBe(N);
    expect(at(after, 'jade_write_visible_seconds_bucket{le="+Inf"}')).toBe(at(after, 'jade_write_visible_seconds_count'));
    expect(at(after, 'jade_write_visible_seconds_bucket{le="60"}')).toBe(at(after, 'jade_write_visible_seconds_count'));
    expect(at(after, 'jade_write_visible_seconds_sum')).toBeGreaterThan(at(before, 'jade_write_visible_seconds_sum'));

    // A restart restores both partitions from their snapshots (taken on the way down at the latest).
    await server.stop({ keepDir: true });
    server = await startTestServer({ dir, overrides });
    const restarted = await scrape(server);
    for (const p of [0, 1]) {
      expect(restarted.has(`jade_shard_recovery_duration_seconds{partition="${p}",source="snapshot"}`)).toBe(true);
      expect(restarted.has(`jade_shard_recovery_duration_seconds{partition="${p}",source="replay"}`)).toBe(false);
      expect(at(restarted, `jade_partition_applied_offset{partition="${p}"}`)).toBe(ends[p]);
    }
  }, 60_000);
});
