/**
 * Durability across a broker restart (DESIGN.md invariants 2 and 5): a 3-broker cluster, a topic with RF 3 and
 * `min.insync.replicas=2`, and a produce loop through KafkaBackbone. While the loop runs, the broker leading the most
 * partitions is stopped (SIGKILL while a produce call is in flight, or SIGTERM), writes keep being acknowledged by
 * the two left, the broker is restarted, and the loop goes on. Afterwards the whole topic is read back with a fresh
 * consumer group:
 * - every acknowledged id is there (lost = 0), and no id that was never attempted (neverSent = 0);
 * - every acknowledgement names the partition and offset where its record really is;
 * - ids stored more than once (possible only where a produce call failed or the producer was recreated) are counted
 *   and reported; since an upsert is idempotent by id, the state a shard builds from the log is the same without them.
 *
 * Two shapes of produce calls: `mixed` (two concurrent calls of 200 consecutive ids, coalesced by the backbone, so
 * the count per partition varies) and `uniform` (one call at a time with the same count in every partition, as a
 * gateway sending same-sized requests does; single upserts are the extreme case). The uniform SIGKILL case repeats
 * the kill a few times, since whether the killed broker's last records reach a follower is a race.
 *
 * Why the uniform shape matters: KafkaJS 2.2.4's sendBatch can resolve without a partition whose leader moved during
 * its retries (producer/sendMessages.js skips brokers that already answered), having rolled back that partition's
 * sequence numbers although its records may be in the log. If the producer is kept, the next batch of the same size
 * for that partition reuses those sequence numbers, and the broker acknowledges it as a duplicate of the earlier one
 * (with the earlier batch's offsets) without writing it: `lost` and `ackMismatches` catch exactly that.
 *
 * The cluster is this file's own (free ports on loopback), stopped in afterAll whatever happens.
 */
import { Kafka, logLevel, type ITopicMetadata } from 'kafkajs';
import pino from 'pino';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { RecordCodec } from '../src/log/codec';
import { partitionForKey } from '../src/log/murmur2';
import { vectorKey } from '../src/log/records';
import { readUntil } from '../test/contract/backbone-contract';
import { randomName, waitFor } from '../test/helpers/wait';
import { startKafka, type LocalKafka } from './kafka/local-kafka';

const PARTITIONS = 6;
/** Ids per call in `mixed` loops, and concurrent calls. */
const BATCH = 200;
const WORKERS = 2;
/** Ids per partition per call in `uniform` loops (one call at a time). */
const PER_PARTITION = 30;
const DATABASE = 'restart';
/** Bounds the loop's volume: a short pause after each acknowledged call. */
const PAUSE_MS = 10;
/** A SIGKILL lands this far into a produce call, as a fraction of the recent median call time. */
const KILL_AT = 0.7;

type Shape = 'mixed' | 'uniform';
type Signal = 'SIGKILL' | 'SIGTERM';

interface LoopStats {
  attempted: Set<number>;
  acknowledged: Map<number, { partition: number; offset: number }>;
  failed: Set<number>;
  failedCalls: number;
  failures: string[];
  /** When each successful call resolved (ms since the epoch), and how long it took. */
  ackTimes: number[];
  latencies: number[];
  /** When the latest call was issued (performance.now()), and how many calls were issued. */
  lastCallAt: number;
  calls: number;
}

interface Loop {
  stats: LoopStats;
  /** Resolves once this many more calls have been acknowledged than when it was called. */
  callsBeyond(count: number, timeoutMs: number, what: string): Promise<void>;
  stop(): Promise<void>;
}

const codec = RecordCodec.load();

function idOf(n: number): string {
  return `r-${n}`;
}

/** The value of id n: an upsert that names the id, so the log alone says which id a record carries. */
function valueOf(n: number): Buffer {
  return codec.encode({ type: 'vector-upsert', database: DATABASE, id: idOf(n), values: Float32Array.of(n, n + 0.5, -n, 1), metadata: { n } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startLoop(backbone: KafkaBackbone, topic: string, shape: Shape): Loop {
  const stats: LoopStats = {
    attempted: new Set(), acknowledged: new Map(), failed: new Set(), failedCalls: 0, failures: [],
    ackTimes: [], latencies: [], lastCallAt: 0, calls: 0,
  };
  let next = 0;
  let running = true;
  // Ids waiting for a uniform call, by partition (each id is used once; ids go out in order within a partition).
  const buckets = Array.from({ length: PARTITIONS }, () => [] as number[]);
  const nextIds = (): number[] => {
    if (shape === 'mixed') return Array.from({ length: BATCH }, () => next++);
    while (buckets.some((b) => b.length < PER_PARTITION)) {
      const n = next++;
      buckets[partitionForKey(vectorKey(DATABASE, idOf(n)), PARTITIONS)]!.push(n);
    }
    return buckets.flatMap((b) => b.splice(0, PER_PARTITION));
  };
  const worker = async (): Promise<void> => {
    while (running) {
      const ids = nextIds();
      for (const n of ids) stats.attempted.add(n);
      const records = ids.map((n) => ({ key: Buffer.from(vectorKey(DATABASE, idOf(n))), value: valueOf(n) }));
      const startedAt = performance.now();
      try {
        const call = backbone.produce(topic, records);
        stats.lastCallAt = startedAt;
        stats.calls++;
        const acks = await call;
        ids.forEach((n, i) => stats.acknowledged.set(n, acks[i]!));
        stats.ackTimes.push(Date.now());
        stats.latencies.push(performance.now() - startedAt);
        await sleep(PAUSE_MS);
      } catch (err) {
        // Such a write may or may not have landed. Records acknowledged before the failure are in the error.
        stats.failedCalls++;
        const acked = ((err as { context?: { acknowledged?: unknown } }).context?.acknowledged ?? []) as ({ partition: number; offset: number } | null)[];
        ids.forEach((n, i) => {
          const ack = acked[i];
          if (ack) stats.acknowledged.set(n, ack);
          else stats.failed.add(n);
        });
        if (stats.failures.length < 10) stats.failures.push(`${new Date().toISOString()} ${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);
        await sleep(100);
      }
    }
  };
  const workers = Array.from({ length: shape === 'mixed' ? WORKERS : 1 }, () => worker());
  return {
    stats,
    callsBeyond: async (count, timeoutMs, what) => {
      const target = stats.ackTimes.length + count;
      await waitFor(() => stats.ackTimes.length >= target, { timeoutMs, intervalMs: 20, what });
    },
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('broker restart during a produce loop (3 brokers, RF 3, min.insync.replicas=2)', () => {
  let kafka: LocalKafka | undefined;
  let backbone: KafkaBackbone | undefined;
  const prefix = randomName('jade-restart');
  /** Warnings the backbone logged (e.g. a recreated producer), for the report. */
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });

  beforeAll(async () => {
    const t = Date.now();
    kafka = await startKafka({ nodes: 3 });
    backbone = await KafkaBackbone.connect({ brokers: kafka.brokers, groupPrefix: prefix, sessionTimeoutMs: 6_000, logger });
    console.log(`3-broker cluster ready in ${Date.now() - t} ms: ${kafka.brokers.join(',')}`);
  }, 150_000);

  afterAll(async () => {
    await backbone?.close().catch(() => undefined);
    await kafka?.stop();
  }, 60_000);

  /** Partitions of a topic with their leaders and ISRs, from a fresh metadata request. */
  async function partitionsOf(topic: string): Promise<ITopicMetadata['partitions']> {
    const admin = new Kafka({ clientId: 'jade-restart-test', brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]!.partitions;
    } finally {
      await admin.disconnect();
    }
  }

  /** One outage: stop the broker leading the most partitions, keep producing, restart it, wait for a full ISR. */
  async function outage(topic: string, loop: Loop, signal: Signal, report: string[]): Promise<void> {
    const cluster = kafka!;
    const before = await partitionsOf(topic);
    const led = new Map<number, number[]>();
    for (const p of before) led.set(p.leader, [...(led.get(p.leader) ?? []), p.partitionId]);
    const [victim, partitions] = [...led].sort((a, b) => b[1].length - a[1].length)[0]!;
    const t0 = Date.now();
    let how = '';
    if (signal === 'SIGKILL') {
      // Kill while a call is in flight, part-way through its usual time: its records may have reached a follower
      // while the acknowledgement never leaves the broker.
      const recent = loop.stats.latencies.slice(-20).sort((a, b) => a - b);
      const median = recent[Math.floor(recent.length / 2)] ?? 5;
      const calls = loop.stats.calls;
      await waitFor(() => loop.stats.calls > calls, { timeoutMs: 30_000, intervalMs: 1, what: 'a call in flight' });
      const at = loop.stats.lastCallAt + median * KILL_AT;
      while (performance.now() < at) await new Promise((resolve) => setImmediate(resolve));
      process.kill(cluster.nodes.find((n) => n.nodeId === victim)!.pid!, 'SIGKILL');
      how = `, ${(performance.now() - loop.stats.lastCallAt).toFixed(0)} ms into a call (median ${median.toFixed(0)} ms)`;
    }
    await cluster.stopNode(victim, signal);
    const stopped = Date.now();
    // With 2 of 3 in sync, writes keep being acknowledged; keep producing at least 3 s with the broker down.
    await loop.callsBeyond(10, 60_000, `acknowledgements with broker ${victim} down`);
    const resumed = Date.now();
    await sleep(Math.max(0, stopped + 3_000 - Date.now()));
    const restart = Date.now();
    await cluster.startNode(victim);
    const restarted = Date.now();
    await loop.callsBeyond(10, 60_000, `acknowledgements after broker ${victim} came back`);
    // The next outage (or the end) finds every replica in sync again.
    await waitFor(async () => (await partitionsOf(topic)).every((p) => p.isr.length === 3), { timeoutMs: 60_000, intervalMs: 250, what: `broker ${victim} back in every ISR` });
    report.push(
      `${signal} broker ${victim} (leader of partitions ${partitions.join(',')})${how}: stop took ${stopped - t0} ms, acks went on ${resumed - stopped} ms later, ` +
      `restart took ${restarted - restart} ms, full ISR ${Date.now() - restarted} ms after`,
    );
  }

  it.each([
    ['SIGKILL', 'mixed', 1],
    ['SIGTERM', 'mixed', 1],
    ['SIGKILL', 'uniform', 3],
  ] as const)('keeps every acknowledged write and nothing unsent across a %s of a partition leader (%s calls, %i outages)', async (signal, shape, outages) => {
    const bb = backbone!;
    const topic = `${prefix}.vectors-${signal.toLowerCase()}-${shape}`;
    await bb.ensureTopic({
      name: topic,
      partitions: PARTITIONS,
      replicationFactor: 3,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2' },
    });
    expect((await partitionsOf(topic)).every((p) => p.isr.length === 3)).toBe(true);

    const warningsBefore = warnings.length;
    const report: string[] = [];
    const loop = startLoop(bb, topic, shape);
    const start = Date.now();
    let firstStop = 0;
    let loopEnd = 0;
    try {
      await loop.callsBeyond(40, 30_000, '40 acknowledged calls before the first outage');
      firstStop = Date.now();
      for (let i = 0; i < outages; i++) await outage(topic, loop, signal, report);
      await sleep(500);
    } finally {
      await loop.stop();
      loopEnd = Date.now();
    }

    // Read the whole topic back with a fresh consumer group.
    const t = Date.now();
    const ends = await bb.endOffsets(topic);
    const read = [...(await readUntil(bb, topic, randomName(`${prefix}-verify`), ends)).values()].flat();
    const readMs = Date.now() - t;

    const { attempted, acknowledged, failed } = loop.stats;
    const occurrences = new Map<number, number>();
    const state = new Map<string, Buffer>(); // what a shard applying upserts by id ends up with
    const bad: string[] = [];
    const idAt = new Map<string, number>();
    for (const record of read) {
      const decoded = codec.decode(record.value!);
      if (decoded.type !== 'vector-upsert' || record.key!.toString() !== vectorKey(decoded.database, decoded.id) || !/^r-\d+$/.test(decoded.id)) {
        bad.push(`${record.partition}/${record.offset}`);
        continue;
      }
      const n = Number(decoded.id.slice(2));
      occurrences.set(n, (occurrences.get(n) ?? 0) + 1);
      state.set(decoded.id, record.value!);
      idAt.set(`${record.partition}/${record.offset}`, n);
    }
    // An acknowledgement must name where its record is; a record acknowledged at another record's offset is lost.
    const ackMismatches: string[] = [];
    for (const [n, ack] of acknowledged) {
      const found = idAt.get(`${ack.partition}/${ack.offset}`);
      if (found !== n) ackMismatches.push(`${idOf(n)} acknowledged at ${ack.partition}/${ack.offset}, which holds ${found === undefined ? 'nothing' : idOf(found)}`);
    }
    const lost = [...acknowledged.keys()].filter((n) => !occurrences.has(n));
    const neverSent = [...occurrences.keys()].filter((n) => !attempted.has(n));
    const duplicated = [...occurrences].filter(([, c]) => c > 1).map(([n, c]) => `${idOf(n)}x${c}`);
    const failedPresent = [...failed].filter((n) => occurrences.has(n)).length;

    // Stall: the longest gap between two successful calls, counted from the first stop on.
    const times = loop.stats.ackTimes.slice().sort((a, b) => a - b);
    let stallMs = 0;
    for (let i = 1; i < times.length; i++) {
      if (times[i]! >= firstStop) stallMs = Math.max(stallMs, times[i]! - Math.max(times[i - 1]!, firstStop));
    }
    const recreated = warnings.slice(warningsBefore).filter((w) => w.includes('recreating')).length;
    console.log(
      [
        `${signal} x${outages}, ${shape} calls, topic ${topic}:`,
        `acknowledged=${acknowledged.size} failedCalls=${loop.stats.failedCalls} lost=${lost.length} duplicated=${duplicated.length} neverSent=${neverSent.length} stallMs=${stallMs}`,
        `attempted=${attempted.size} calls=${loop.stats.calls} failedIds=${failed.size} failedIdsPresent=${failedPresent} records=${read.length} ` +
          `producerRecreated=${recreated} ackMismatches=${ackMismatches.length} loop=${loopEnd - start} ms read=${readMs} ms`,
        ...report,
        ...(duplicated.length > 0 ? [`duplicates: ${duplicated.slice(0, 20).join(' ')}${duplicated.length > 20 ? ' ...' : ''}`] : []),
        ...ackMismatches.slice(0, 5).map((m) => `lost: ${m}`),
        ...loop.stats.failures.map((f) => `failed call: ${f}`),
      ].join('\n'),
    );

    expect(bad).toEqual([]);
    expect(neverSent.map(idOf)).toEqual([]);
    expect(lost.map(idOf)).toEqual([]);
    expect(ackMismatches.slice(0, 10)).toEqual([]);
    // Upserts are idempotent by id: the shard state holds each id that landed once, with its value.
    expect(state.size).toBe(occurrences.size);
    expect(occurrences.size).toBe(acknowledged.size + failedPresent);
    for (const [id, value] of state) expect(value.equals(valueOf(Number(id.slice(2))))).toBe(true);
    // Duplicates only where a call failed or the producer was recreated.
    if (loop.stats.failedCalls === 0 && recreated === 0) expect(duplicated).toEqual([]);
  }, 170_000);
});
