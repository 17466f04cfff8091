/**
 * Prometheus metrics (prom-client), named per Prometheus conventions. Counters and histograms count events as they
 * happen (requests, writes, applies); the per-partition gauges are copied from the shard host's status at each scrape,
 * so they always describe the partitions this process owns now.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ApplyMetrics, type PartitionStatus } from '../node/shard-host';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestDuration: Histogram<'method' | 'route'>;
  readonly searchDuration: Histogram<'database'>;
  readonly vectorsWritten: Counter<'database'>;
  private readonly appliedOffset: Gauge<'partition'>;
  private readonly lag: Gauge<'partition'>;
  private readonly snapshotAge: Gauge<'partition'>;
  private readonly snapshotDuration: Gauge<'partition'>;
  private readonly recoveryDuration: Gauge<'partition' | 'source'>;
  private readonly indexBacklog: Gauge<'partition'>;

  /**
   * @param partitions the owned partitions' status, read at each scrape
   * @param applies counters of the shards' applies, registered here @default ApplyMetrics.process
   */
  constructor(
    private readonly partitions: () => PartitionStatus[],
    applies: ApplyMetrics = ApplyMetrics.process,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'jade_' });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'jade_http_requests_total', help: 'HTTP requests answered.', labelNames: ['method', 'route', 'status'], registers });
    this.requestDuration = new Histogram({
      name: 'jade_http_request_duration_seconds',
      help: 'HTTP request latency.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.searchDuration = new Histogram({
      name: 'jade_search_duration_seconds',
      help: 'Search latency, scatter-gather over every shard included.',
      labelNames: ['database'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.vectorsWritten = new Counter({ name: 'jade_vectors_written_total', help: 'Vectors acknowledged by the log (upserts and deletes).', labelNames: ['database'], registers });
    this.appliedOffset = new Gauge({ name: 'jade_partition_applied_offset', help: 'Next offset each owned partition will apply.', labelNames: ['partition'], registers });
    this.lag = new Gauge({ name: 'jade_partition_lag_records', help: 'Records each owned partition is behind the log.', labelNames: ['partition'], registers });
    this.snapshotAge = new Gauge({ name: 'jade_snapshot_age_seconds', help: 'Age of each owned partition’s newest snapshot.', labelNames: ['partition'], registers });
    this.snapshotDuration = new Gauge({ name: 'jade_snapshot_duration_seconds', help: 'How long the last snapshot of each partition took.', labelNames: ['partition'], registers });
    this.indexBacklog = new Gauge({
      name: 'jade_index_backlog_vectors',
      help: 'Vectors each owned partition has applied (and serves, by exact scan) but not linked into its HNSW graphs yet.',
      labelNames: ['partition'],
      registers,
    });
    this.recoveryDuration = new Gauge({
      name: 'jade_shard_recovery_duration_seconds',
      help: 'From assignment to caught up, for each owned partition: restoring its snapshot (source="snapshot") or replaying its log from offset 0 (source="replay"), then the tail.',
      labelNames: ['partition', 'source'],
      registers,
    });
    for (const metric of applies.metrics) this.registry.registerMetric(metric);
  }

  /** Copies the shard figures into the gauges just before a scrape. */
  refresh(): void {
    const now = Date.now();
    const gauges = [this.appliedOffset, this.lag, this.snapshotAge, this.snapshotDuration, this.indexBacklog, this.recoveryDuration];
    // Only the partitions owned now: one revoked since the last scrape must not linger with its last values.
    for (const gauge of gauges) gauge.reset();
    for (const p of this.partitions()) {
      const label = { partition: String(p.partition) };
      this.appliedOffset.set(label, p.nextOffset);
      this.lag.set(label, p.lag);
      this.indexBacklog.set(label, p.databases.reduce((sum, d) => sum + d.backlog, 0));
      if (p.lastSnapshotAtMs !== undefined) this.snapshotAge.set(label, (now - p.lastSnapshotAtMs) / 1000);
      if (p.lastSnapshotDurationMs !== undefined) this.snapshotDuration.set(label, p.lastSnapshotDurationMs / 1000);
      if (p.recoveryDurationMs !== undefined && p.recoverySource !== undefined) {
        this.recoveryDuration.set({ ...label, source: p.recoverySource }, p.recoveryDurationMs / 1000);
      }
    }
  }
}
