/**
 * Scenario 1, ingestion end to end: vectors per second from the first write until all of them are searchable
 * (a `strong` search after the last acknowledgement has returned), and until all of them are indexed (every shard's
 * backlog, `jade_index_backlog_vectors`, is empty: the vectors are linked into the HNSW graphs). The database serves
 * an applied vector before linking it, so "searchable" comes first; the rate compared with a baseline's build is the
 * indexed one, which is what the database can sustain. Writes go through the REST batch endpoint (bodies
 * built before the clock starts, a few batches in flight) or straight to Kafka with a producer as an outside
 * service would write (Avro single-object records, key `<database>/<id>`, Kafka's default partitioner). While it
 * runs, /metrics is sampled for the acknowledged count and the per-partition applied offset and lag.
 */
import { RecordCodec } from '../../src/log/codec';
import { vectorKey } from '../../src/log/records';
import type { DbProcess } from '../db-process';
import { row, vectorJson, type Dataset } from '../datasets';
import { HttpError, parseMetrics, partitionGauge, type HttpClient } from '../http-client';

export interface TimelineSample {
  tMs: number;
  /** Vectors acknowledged to the writer so far. */
  acked: number;
  /** Records applied by the shards since the start (sum of applied offsets minus their starting values). */
  applied: number;
  /** Lag per partition, records. */
  lag: number[];
}

export interface IngestResult {
  via: 'rest' | 'kafka';
  partitions: number;
  vectors: number;
  batchSize: number;
  inFlight: number;
  /** First write to last acknowledgement. */
  ackMs: number;
  /** First write to the end of the strong read after the last acknowledgement. */
  searchableMs: number;
  /** First write until every shard's indexing backlog is empty. */
  indexedMs: number;
  ackedPerSecond: number;
  searchablePerSecond: number;
  /** Vectors per second until indexed: the sustainable rate, the one compared with baselines. */
  vectorsPerSecond: number;
  /** Writes refused with 503 (back-pressure) and retried. */
  retried503: number;
  timeline: TimelineSample[];
}

/** Builds the batch bodies for vectors `from..to` (ids `${prefix}${i}`), before any clock starts. */
export function batchBodies(data: Float32Array, dimension: number, from: number, to: number, batchSize: number, prefix = ''): { body: string; count: number }[] {
  const out: { body: string; count: number }[] = [];
  for (let start = from; start < to; start += batchSize) {
    const end = Math.min(to, start + batchSize);
    const items: string[] = [];
    for (let i = start; i < end; i++) items.push(`{"id":"${prefix}${i}","values":${vectorJson(data, dimension, i)}}`);
    out.push({ body: `{"vectors":[${items.join(',')}]}`, count: end - start });
  }
  return out;
}

/**
 * Batches that never run out, for writers that run until stopped: vectors from a pre-serialised pool (cycled), each
 * written under a new id `${prefix}${n}`, so every write is an insert. Building a body is string concatenation only.
 */
export class BatchStream {
  private readonly pool: string[];
  private written = 0;

  constructor(
    data: Float32Array,
    dimension: number,
    private readonly batchSize: number,
    private readonly prefix: string,
  ) {
    this.pool = Array.from({ length: data.length / dimension }, (_, i) => vectorJson(data, dimension, i));
  }

  next(): { body: string; count: number } {
    const items: string[] = [];
    for (let j = 0; j < this.batchSize; j++, this.written++) items.push(`{"id":"${this.prefix}${this.written}","values":${this.pool[this.written % this.pool.length]!}}`);
    return { body: `{"vectors":[${items.join(',')}]}`, count: this.batchSize };
  }
}

/**
 * POSTs a batch, retrying 503 (back-pressure) after a short pause until acknowledged or `isStopped()`; returns whether
 * it was acknowledged and how many 503s it met. Any other refusal throws.
 */
export async function postBatch(
  client: HttpClient,
  database: string,
  body: string,
  isStopped: () => boolean = () => false,
): Promise<{ acknowledged: boolean; refused: number }> {
  let refused = 0;
  for (;;) {
    const reply = await client.request('POST', `/v1/databases/${database}/vectors/batch`, body);
    if (reply.status === 201) return { acknowledged: true, refused };
    if (reply.status !== 503) throw new HttpError('POST', `/v1/databases/${database}/vectors/batch`, reply);
    // Held back by back-pressure when the run ends: not written, not a failure.
    if (isStopped()) return { acknowledged: false, refused };
    refused++;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once every partition reports an empty indexing backlog (polled from /metrics). */
export async function waitIndexed(client: HttpClient): Promise<void> {
  for (let attempt = 0; attempt < 12_000; attempt++) {
    const backlog = partitionGauge(parseMetrics((await client.request('GET', '/metrics')).body), 'jade_index_backlog_vectors');
    if (backlog.length > 0 && backlog.every((v) => v === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the indexing backlog did not drain in 10 minutes');
}

/** A `strong` search: returns once every partition has applied everything written before it (retrying 504s). */
export async function strongRead(client: HttpClient, database: string, query: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const reply = await client.request('POST', `/v1/databases/${database}/search`, `{"vector":${query},"topK":1,"consistency":"strong"}`);
    if (reply.status === 200) return;
    if (reply.status !== 504) throw new HttpError('POST', 'search (strong)', reply);
  }
  throw new Error('strong read did not succeed in 600 attempts');
}

/** Samples /metrics every `everyMs` until stopped. */
export function sampleTimeline(client: HttpClient, everyMs: number, acked: () => number): { stop(): Promise<TimelineSample[]> } {
  const samples: TimelineSample[] = [];
  const started = performance.now();
  let base: number[] | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const metrics = parseMetrics((await client.request('GET', '/metrics')).body);
        const applied = partitionGauge(metrics, 'jade_partition_applied_offset');
        base ??= applied;
        samples.push({
          tMs: performance.now() - started,
          acked: acked(),
          applied: applied.reduce((s, v, p) => s + v - (base![p] ?? 0), 0),
          lag: partitionGauge(metrics, 'jade_partition_lag_records'),
        });
      } catch {
        // A missed sample is a gap in the chart, not a failure of the run.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

export async function ingestRest(
  db: DbProcess,
  dataset: Dataset,
  options: { database: string; partitions: number; batchSize: number; inFlight: number; sampleEveryMs: number; idPrefix?: string },
  onProgress?: (fraction: number) => void,
): Promise<IngestResult> {
  const bodies = batchBodies(dataset.base, dataset.dimension, 0, dataset.count, options.batchSize, options.idPrefix);
  let acked = 0;
  let retried503 = 0;
  const sampler = sampleTimeline(db.client, options.sampleEveryMs, () => acked);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.inFlight }, async () => {
      for (let b = next++; b < bodies.length; b = next++) {
        retried503 += (await postBatch(db.client, options.database, bodies[b]!.body)).refused;
        acked += bodies[b]!.count;
        onProgress?.(acked / dataset.count);
      }
    }),
  );
  const ackMs = performance.now() - started;
  await strongRead(db.client, options.database, vectorJson(dataset.base, dataset.dimension, 0));
  const searchableMs = performance.now() - started;
  await waitIndexed(db.client);
  const indexedMs = performance.now() - started;
  // One more sample after the strong read, so the chart ends caught up.
  await new Promise((r) => setTimeout(r, options.sampleEveryMs));
  const timeline = await sampler.stop();
  return {
    via: 'rest',
    partitions: options.partitions,
    vectors: dataset.count,
    batchSize: options.batchSize,
    inFlight: options.inFlight,
    ackMs,
    searchableMs,
    indexedMs,
    ackedPerSecond: (dataset.count / ackMs) * 1000,
    searchablePerSecond: (dataset.count / searchableMs) * 1000,
    vectorsPerSecond: (dataset.count / indexedMs) * 1000,
    retried503,
    timeline,
  };
}

/** Writes straight to the vectors topic with a KafkaJS idempotent producer (acks=all), then waits for searchability. */
export async function ingestKafka(
  db: DbProcess,
  dataset: Dataset,
  options: { database: string; partitions: number; brokers: string[]; topic: string; batchSize: number; inFlight: number; sampleEveryMs: number },
  onProgress?: (fraction: number) => void,
): Promise<IngestResult> {
  const { Kafka, logLevel } = await import('kafkajs');
  const codec = RecordCodec.load();
  const kafka = new Kafka({ clientId: 'jade-bench', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // Encode every record before the clock starts, as the REST bodies are.
    const batches: { key: Buffer; value: Buffer }[][] = [];
    for (let start = 0; start < dataset.count; start += options.batchSize) {
      const messages: { key: Buffer; value: Buffer }[] = [];
      for (let i = start; i < Math.min(dataset.count, start + options.batchSize); i++) {
        const values = Float32Array.from(row(dataset.base, dataset.dimension, i));
        messages.push({ key: Buffer.from(vectorKey(options.database, String(i))), value: codec.encode({ type: 'vector-upsert', database: options.database, id: String(i), values, metadata: null }) });
      }
      batches.push(messages);
    }
    let acked = 0;
    const sampler = sampleTimeline(db.client, options.sampleEveryMs, () => acked);
    const started = performance.now();
    let next = 0;
    // One idempotent producer keeps at most one request in flight per broker; parallel sends queue behind it.
    await Promise.all(
      Array.from({ length: options.inFlight }, async () => {
        for (let b = next++; b < batches.length; b = next++) {
          await producer.send({ topic: options.topic, acks: -1, messages: batches[b]! });
          acked += batches[b]!.length;
          onProgress?.(acked / dataset.count);
        }
      }),
    );
    const ackMs = performance.now() - started;
    await strongRead(db.client, options.database, vectorJson(dataset.base, dataset.dimension, 0));
    const searchableMs = performance.now() - started;
    await waitIndexed(db.client);
    const indexedMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, options.sampleEveryMs));
    const timeline = await sampler.stop();
    return {
      via: 'kafka',
      partitions: options.partitions,
      vectors: dataset.count,
      batchSize: options.batchSize,
      inFlight: options.inFlight,
      ackMs,
      searchableMs,
      indexedMs,
      ackedPerSecond: (dataset.count / ackMs) * 1000,
      searchablePerSecond: (dataset.count / searchableMs) * 1000,
      vectorsPerSecond: (dataset.count / indexedMs) * 1000,
      retried503: 0,
      timeline,
    };
  } finally {
    await producer.disconnect();
  }
}
