/**
 * Scenario 4, search while ingestion runs at full speed: the same wrk load as the idle sweep at one efSearch,
 * while a writer posts new vectors (same distribution, other seed) as fast as the database acknowledges them.
 * Scenario 2, freshness: at half the measured maximum ingest rate (open loop), each acknowledged batch is followed
 * by a search with `consistency: {after: token}` for its last vector; the time from the acknowledgement to that
 * search's answer (which must contain the vector) is the write's time to visibility.
 */
import type { DbProcess } from '../db-process';
import { vectorJson } from '../datasets';
import { HttpError, parseMetrics, partitionGauge } from '../http-client';
import { summarise, cdfPoints, type LatencySummary } from '../stats';
import { runWrk, type WrkRun } from '../wrk';
import { batchBodies, postBatch, type BatchStream } from './ingest';

export interface MixedResult extends WrkRun {
  ef: number;
  /** Vectors acknowledged per second by the writer while wrk ran. */
  ingestPerSecond: number;
  /** Records the shards applied per second meanwhile (from /metrics). */
  appliedPerSecond: number;
  ingested: number;
}

async function appliedRecords(db: DbProcess): Promise<number> {
  const metrics = parseMetrics((await db.client.request('GET', '/metrics')).body);
  return partitionGauge(metrics, 'jade_partition_applied_offset').reduce((a, b) => a + b, 0);
}

/** A writer that posts batches as fast as they are acknowledged, until stopped. */
export function startWriter(db: DbProcess, database: string, batches: BatchStream, inFlight: number) {
  let stopped = false;
  let acked = 0;
  const started = performance.now();
  let endedMs: number | undefined;
  let failure: Error | undefined;
  const run = Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (!stopped) {
        const b = batches.next();
        if ((await postBatch(db.client, database, b.body, () => stopped)).acknowledged) acked += b.count;
      }
    }),
  ).then(
    () => {
      endedMs = performance.now();
    },
    (err: unknown) => {
      // Held until stop(): a rejection nobody awaits yet would kill the process.
      stopped = true;
      failure = err instanceof Error ? err : new Error('writer failed', { cause: err });
    },
  );
  return {
    get acked() {
      return acked;
    },
    stop: async () => {
      stopped = true;
      await run;
      if (failure !== undefined) throw failure;
      return { acked, ms: (endedMs ?? performance.now()) - started };
    },
  };
}

export async function searchDuringIngest(
  db: DbProcess,
  options: {
    database: string;
    ef: number;
    connections: number;
    durationS: number;
    bodies: readonly string[];
    truth: readonly (readonly number[])[];
    k: number;
    writes: BatchStream;
    inFlight: number;
  },
): Promise<MixedResult> {
  const writer = startWriter(db, options.database, options.writes, options.inFlight);
  await new Promise((r) => setTimeout(r, 500)); // let the writer reach full speed first
  const appliedBefore = await appliedRecords(db);
  const before = writer.acked;
  const t0 = performance.now();
  const run = await runWrk({ url: db.url, path: `/v1/databases/${options.database}/search`, bodies: options.bodies, truth: options.truth, k: options.k, connections: options.connections, durationS: options.durationS });
  const ingested = writer.acked - before;
  const elapsed = performance.now() - t0;
  const applied = (await appliedRecords(db)) - appliedBefore;
  await writer.stop();
  // Recall is not meaningful here (the set changes under the queries); the latencies are the point.
  return { ...run, ef: options.ef, ingestPerSecond: (ingested / elapsed) * 1000, appliedPerSecond: (applied / elapsed) * 1000, ingested };
}

export interface FreshnessResult {
  targetPerSecond: number;
  achievedPerSecond: number;
  batchSize: number;
  batches: number;
  /** Acknowledgement to a search that returned the vector, ms. */
  visibility: LatencySummary;
  cdf: { x: number; y: number }[];
  /** Probes whose answer did not contain the written vector. */
  missing: number;
  /** Of those, how many an exact search with the same token did not find either: read-your-writes broken, not recall. */
  missingExact: number;
  /** Probes that timed out waiting for the token's offsets (504) and were sent again; visibility includes the waits. */
  timeouts: number;
  ackLatency: LatencySummary;
}

export async function freshness(
  db: DbProcess,
  options: { database: string; dimension: number; vectors: Float32Array; idPrefix: string; ratePerSecond: number; durationS: number },
): Promise<FreshnessResult> {
  const batchSize = Math.max(1, Math.ceil(options.ratePerSecond / 100));
  const count = options.vectors.length / options.dimension;
  const bodies = batchBodies(options.vectors, options.dimension, 0, count, batchSize, options.idPrefix);
  const intervalMs = (batchSize / options.ratePerSecond) * 1000;
  const maxBatches = Math.min(bodies.length, Math.floor((options.durationS * 1000) / intervalMs));
  const visibility: number[] = [];
  const ackLatency: number[] = [];
  let missing = 0;
  let missingExact = 0;
  let timeouts = 0;
  const pending: Promise<void>[] = [];
  let failure: Error | undefined;
  const started = performance.now();
  for (let b = 0; b < maxBatches; b++) {
    // Open loop: batch b is due at b * interval, whether or not earlier ones are done.
    const due = started + b * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const last = Math.min(count, (b + 1) * batchSize) - 1;
    pending.push(
      (async () => {
        const sent = performance.now();
        let reply = await db.client.request('POST', `/v1/databases/${options.database}/vectors/batch`, bodies[b]!.body);
        // Back-pressure (503) is retried: the wait is part of write -> ack.
        for (let retries = 0; reply.status === 503 && retries < 600; retries++) {
          await new Promise((r) => setTimeout(r, 100));
          reply = await db.client.request('POST', `/v1/databases/${options.database}/vectors/batch`, bodies[b]!.body);
        }
        if (reply.status !== 201) throw new HttpError('POST', 'vectors/batch (freshness)', reply);
        const acked = performance.now();
        ackLatency.push(acked - sent);
        const token = (JSON.parse(reply.body) as { token: string }).token;
        const search = `{"vector":${vectorJson(options.vectors, options.dimension, last)},"topK":10,"consistency":{"after":${JSON.stringify(token)}}}`;
        let probe = await db.client.request('POST', `/v1/databases/${options.database}/search`, search);
        // A read-your-writes search waits a bounded time (504 after it): keep asking, the wait is part of the figure.
        for (let retries = 0; probe.status === 504 && retries < 60; retries++) {
          timeouts++;
          probe = await db.client.request('POST', `/v1/databases/${options.database}/search`, search);
        }
        if (probe.status !== 200) throw new HttpError('POST', 'search after token (freshness)', probe);
        visibility.push(performance.now() - acked);
        const id = `${options.idPrefix}${last}`;
        const ids = (JSON.parse(probe.body) as { results: { id: string }[] }).results.map((r) => r.id);
        if (!ids.includes(id)) {
          missing++;
          // Approximate search may miss a point; an exact one with the same token must not.
          const exact = await db.client.request('POST', `/v1/databases/${options.database}/search`, search.replace(/}$/, ',"exact":true}'));
          const exactIds = exact.status === 200 ? (JSON.parse(exact.body) as { results: { id: string }[] }).results.map((r) => r.id) : [];
          if (!exactIds.includes(id)) missingExact++;
        }
      })().catch((err: unknown) => {
        failure ??= err instanceof Error ? err : new Error('freshness probe failed', { cause: err });
      }),
    );
    if (failure !== undefined) break;
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  const elapsed = performance.now() - started;
  return {
    targetPerSecond: options.ratePerSecond,
    achievedPerSecond: ((maxBatches * batchSize) / elapsed) * 1000,
    batchSize,
    batches: maxBatches,
    visibility: summarise(visibility),
    cdf: cdfPoints(visibility),
    missing,
    missingExact,
    timeouts,
    ackLatency: summarise(ackLatency),
  };
}
