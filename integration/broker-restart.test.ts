/**
 * Durability across a broker restart (DESIGN.md invariants 2 and 5): a 3-broker cluster, a topic with RF 3 and
 * `min.insync.replicas=2`, and a produce loop through KafkaBackbone. While the loop runs, the broker leading the most
 * partitions is stopped (SIGKILL, then in a second run SIGTERM), writes keep being acknowledged by the two left, the
 * broker is restarted, and the loop goes on. Afterwards the whole topic is read back with a fresh consumer group:
 * - every acknowledged id is there (lost = 0), and no id that was never attempted (neverSent = 0);
 * - every acknowledgement names the partition and offset where its record really is;
 * - ids stored more than once (possible only where a produce was retried or the producer recreated) are counted and
 *   reported; since an upsert is idempotent by id, the state a shard builds from the log is the same as without them.
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
const BATCH = 200;
const WORKERS = 2;
const DATABASE = 'restart';
/** Bounds the loop's volume: a short pause after each acknowledged batch. */
const PAUSE_MS = 10;
const KILL_AT = Number(process.env.KILL_AT ?? '0.6');

interface LoopStats {
  attempted: Set<number>;
  acknowledged: Map<number, { partition: number; offset: number }>;
  failed: Set<number>;
  failedCalls: number;
  failures: string[];
  /** Time each successful produce call resolved. */
  ackTimes: number[];
  /** Duration of each successful call. */
  latencies: number[];
  /** When the latest call was issued, and how many calls were. */
  lastCallAt: number;
  calls: number;
}

interface Loop {
  stats: LoopStats;
  /** Resolves once this many more ids have been acknowledged than when it was called. */
  acksBeyond(count: number, timeoutMs: number, what: string): Promise<void>;
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

/**
 * How a loop forms its produce calls. `mixed`: WORKERS concurrent calls of BATCH consecutive ids each (the backbone
 * coalesces them), so a call's count per partition varies. `uniform`: one call at a time with exactly PER_PARTITION
 * ids in every partition, as a gateway sending same-sized requests (single upserts are the extreme case) does.
 */
type LoopShape = 'mixed' | 'uniform';
const PER_PARTITION = 30;

function startLoop(backbone: KafkaBackbone, topic: string, shape: LoopShape): Loop {
  const stats: LoopStats = { attempted: new Set(), acknowledged: new Map(), failed: new Set(), failedCalls: 0, failures: [], ackTimes: [], latencies: [], lastCallAt: 0, calls: 0 };
  let next = 0;
  let running = true;
  // Ids waiting for a uniform call, by partition (every id is used, in order within its partition).
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
      const startedAt = performance.now();
      try {
        const call = backbone.produce(topic, ids.map((n) => ({ key: Buffer.from(vectorKey(DATABASE, idOf(n))), value: valueOf(n) })));
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
    acksBeyond: async (count, timeoutMs, what) => {
      const target = stats.acknowledged.size + count;
      await waitFor(() => stats.acknowledged.size >= target, { timeoutMs, intervalMs: 20, what });
    },
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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

  /** Partition leaders of a topic, from a fresh metadata request. */
  async function leaders(topic: string): Promise<ITopicMetadata['partitions']> {
    const admin = new Kafka({ clientId: 'jade-restart-test', brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]!.partitions;
    } finally {
      await admin.disconnect();
    }
  }

  it.each([
    ['SIGKILL', 'mixed'],
    ['SIGTERM', 'mixed'],
    ['SIGKILL', 'uniform'],
  ] as const)('keeps every acknowledged write and nothing unsent across a %s of a partition leader (%s calls)', async (signal, shape) => {
    const bb = backbone!;
    const cluster = kafka!;
    const topic = `${prefix}.vectors-${signal.toLowerCase()}-${shape}`;
    await bb.ensureTopic({
      name: topic,
      partitions: PARTITIONS,
      replicationFactor: 3,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2' },
    });
    const before = await leaders(topic);
    expect(before.every((p) => p.isr.length === 3)).toBe(true);
    const count = new Map<number, number>();
    for (const p of before) count.set(p.leader, (count.get(p.leader) ?? 0) + 1);
    const victim = [...count].sort((a, b) => b[1] - a[1])[0]![0];
    const led = before.filter((p) => p.leader === victim).map((p) => p.partitionId);

    const warningsBefore = warnings.length;
    const loop = startLoop(bb, topic, shape);
    const marks = { stop: 0, stopped: 0, resumed: 0, restart: 0, restarted: 0, loopEnd: 0 };
    let stopped = false;
    try {
      await waitFor(() => loop.stats.latencies.length >= 40, { timeoutMs: 30_000, what: '40 acknowledged calls before the stop' });
      marks.stop = Date.now();
      if (signal === 'SIGKILL') {
        // Kill while a call is in flight, part-way through its usual latency: its records may be on the followers
        // while the acknowledgement never leaves the broker.
        const sorted = loop.stats.latencies.slice(-20).sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] ?? 5;
        const calls = loop.stats.calls;
        await waitFor(() => loop.stats.calls > calls, { timeoutMs: 10_000, intervalMs: 1, what: 'a call in flight' });
        const at = loop.stats.lastCallAt + median * KILL_AT;
        while (performance.now() < at) await new Promise((resolve) => setImmediate(resolve));
        process.kill(cluster.nodes.find((n) => n.nodeId === victim)!.pid!, 'SIGKILL');
        console.log(`median call ${median.toFixed(1)} ms (${sorted.map((x) => x.toFixed(0)).join(',')}), killed ${(performance.now() - loop.stats.lastCallAt).toFixed(1)} ms into call ${loop.stats.calls}`);
      }
      await cluster.stopNode(victim, signal);
      marks.stopped = Date.now();
      // With 2 of 3 in sync, writes keep being acknowledged: at least 3 s and 10 batches with the broker down.
      await loop.acksBeyond(10 * BATCH, 60_000, `acknowledgements with broker ${victim} down`);
      marks.resumed = Date.now();
      await sleep(Math.max(0, marks.stopped + 3_000 - Date.now()));
      marks.restart = Date.now();
      await cluster.startNode(victim);
      marks.restarted = Date.now();
      await loop.acksBeyond(10 * BATCH, 60_000, `acknowledgements after broker ${victim} came back`);
      await sleep(1_000);
    } finally {
      await loop.stop();
      marks.loopEnd = Date.now();
      stopped = true;
    }
    expect(stopped).toBe(true);

    // Read the whole topic back with a fresh consumer group.
    const t = Date.now();
    const ends = await bb.endOffsets(topic);
    const read = [...(await readUntil(bb, topic, randomName(`${prefix}-verify`), ends)).values()].flat();
    const readMs = Date.now() - t;

    const { attempted, acknowledged, failed } = loop.stats;
    const occurrences = new Map<number, number>();
    const state = new Map<string, Buffer>(); // what a shard applying upserts by id ends up with
    const ackMismatches: string[] = [];
    const bad: string[] = [];
    const at = new Map<string, number>();
    for (const record of read) {
      const decoded = codec.decode(record.value!);
      if (decoded.type !== 'vector-upsert' || record.key!.toString() !== vectorKey(decoded.database, decoded.id)) {
        bad.push(`${record.partition}/${record.offset}`);
        continue;
      }
      const n = Number(decoded.id.slice(2));
      occurrences.set(n, (occurrences.get(n) ?? 0) + 1);
      state.set(decoded.id, record.value!);
      at.set(`${record.partition}/${record.offset}`, n);
    }
    for (const [n, ack] of acknowledged) {
      if (at.get(`${ack.partition}/${ack.offset}`) !== n) ackMismatches.push(`${idOf(n)} acked at ${ack.partition}/${ack.offset}, found ${at.get(`${ack.partition}/${ack.offset}`)}`);
    }
    const lost = [...acknowledged.keys()].filter((n) => !occurrences.has(n));
    const neverSent = [...occurrences.keys()].filter((n) => !attempted.has(n));
    const duplicated = [...occurrences].filter(([, c]) => c > 1).map(([n, c]) => `${idOf(n)}x${c}`);
    const failedPresent = [...failed].filter((n) => occurrences.has(n)).length;

    // Stall: the longest gap between two successful acks, counted from the stop on.
    const times = loop.stats.ackTimes.slice().sort((a, b) => a - b);
    let stallMs = 0;
    for (let i = 1; i < times.length; i++) {
      if (times[i]! >= marks.stop) stallMs = Math.max(stallMs, times[i]! - Math.max(times[i - 1]!, marks.stop));
    }
    const recreated = warnings.slice(warningsBefore).filter((w) => w.includes('recreating')).length;
    console.log(
      [
        `${signal} broker ${victim} (leader of partitions ${led.join(',')}), ${shape} calls:`,
        `acknowledged=${acknowledged.size} failedCalls=${loop.stats.failedCalls} lost=${lost.length} duplicated=${duplicated.length} neverSent=${neverSent.length} stallMs=${stallMs}`,
        `attempted=${attempted.size} failedIds=${failed.size} failedIdsPresent=${failedPresent} records=${read.length} producerRecreated=${recreated} ackMismatches=${ackMismatches.length}`,
        `stop took ${marks.stopped - marks.stop} ms, acks resumed ${marks.resumed - marks.stopped} ms after, restart took ${marks.restarted - marks.restart} ms, loop ran ${marks.loopEnd - marks.stop} ms after the stop, read back in ${readMs} ms`,
        ...(duplicated.length > 0 ? [`duplicates: ${duplicated.slice(0, 30).join(' ')}`] : []),
        ...loop.stats.failures.map((f) => `failure: ${f}`),
        ...warnings.slice(warningsBefore, warningsBefore + 5).map((w) => `warning: ${w.slice(0, 400)}`),
      ].join('\n'),
    );

    expect(bad).toEqual([]);
    expect(lost.map(idOf)).toEqual([]);
    expect(neverSent.map(idOf)).toEqual([]);
    expect(ackMismatches.slice(0, 20)).toEqual([]);
    // Upserts are idempotent by id: the shard state holds exactly the ids that landed, once each, with their values.
    expect(state.size).toBe(occurrences.size);
    expect(occurrences.size).toBe(acknowledged.size + failedPresent);
    for (const [id, value] of state) expect(value.equals(valueOf(Number(id.slice(2))))).toBe(true);
    // Duplicates only where a call failed or the producer was recreated.
    if (loop.stats.failedCalls === 0 && recreated === 0) expect(duplicated).toEqual([]);
    expect(read.length).toBe(occurrences.size + [...occurrences.values()].reduce((s, c) => s + c - 1, 0));
  }, 150_000);
});
