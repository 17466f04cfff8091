/**
 * The distributed deployment as real processes on 127.0.0.1 (integration/harness/cluster.ts): a 3-broker KRaft
 * Kafka (RF 3, min.insync.replicas=2), two gateways, and two replica groups of two index nodes each, P = 4.
 * Run alone by `npm run test:cluster`. The tests share one cluster and run in order; each writes its own database
 * (the rolling restart searches the one the failover test loaded, so the shards it restarts are big).
 *
 * Every test prints one `figures[...]` line (acknowledged, lost, duplicated, failed searches, times) for CI's log.
 * Invariants (no acknowledged write lost, nothing never sent, no id in two shards, no failed search where another
 * replica group can serve) are asserted strictly; times are measured and reported, never asserted, except where a
 * bound is the behaviour (memory).
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { partitionForKey } from '../src/log/murmur2';
import { isReservedKey, parseMarkerKey, vectorKey, type JsonObject } from '../src/log/records';
import type { ShardVector } from '../src/shard/shard';
import { waitFor } from '../test/helpers/wait';
import { bruteForceTopK, clusteredVectors, recallAtK, seededRandom } from '../test/helpers/vectors';
import { JadeCluster, type ClusterNode, type GatewayProcess, type HttpReply } from './harness/cluster';

const P = 4;
const DIM = 128;
/** Vectors loaded before the index-node failure (the issue asks for 100,000; override to measure with less). */
const FAILOVER_VECTORS = Number(process.env.JADE_CLUSTER_FAILOVER_VECTORS ?? 100_000);
const STRESS_MS = process.env.JADE_STRESS_LONG === '1' ? 5 * 60_000 : 60_000;

type WriteReply = { count: number; ids: string[]; token: string };
type SearchReply = { results: { id: string; score: number }[] };
type ErrorReply = { code?: string; message?: string };

function figures(test: string, values: Record<string, string | number>): void {
  console.log(`figures[${test}]: ${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A write is acknowledged by any 2xx reply (a batch answers 201). */
function acknowledgedReply(reply: HttpReply): boolean {
  return reply.status >= 200 && reply.status < 300;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeFailure(reply: HttpReply): string {
  const body = reply.body as ErrorReply | undefined;
  return `${reply.status} ${body?.code ?? ''} ${body?.message ?? ''}`.trim();
}

/** Exactly the float32 values the shard stores for `values`. */
function asStored(values: Float32Array): number[] {
  return Array.from(values);
}

function sameValues(a: readonly number[], b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Searches from several concurrent clients over every gateway until stopped; counts answers and failures. */
class SearchLoad {
  ok = 0;
  failed = 0;
  readonly failures: string[] = [];
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(gateways: readonly GatewayProcess[], database: string, queries: readonly Float32Array[], concurrency = 2, pauseMs = 20) {
    this.workers = Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; this.running; i += concurrency) {
        const gateway = gateways[i % gateways.length]!;
        const query = queries[i % queries.length]!;
        try {
          const reply = await gateway.request<SearchReply>('POST', `/v1/databases/${database}/search`, { vector: asStored(query), topK: 10 }, 30_000);
          if (reply.status === 200 && Array.isArray(reply.body.results) && reply.body.results.length > 0) this.ok++;
          else this.fail(`${gateway.name}: ${describeFailure(reply)}`);
        } catch (err) {
          this.fail(`${gateway.name}: ${(err as Error).message}`);
        }
        await sleep(pauseMs);
      }
    });
  }

  private fail(why: string): void {
    this.failed++;
    if (this.failures.length < 10) this.failures.push(`${new Date().toISOString()} ${why}`);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }
}

/** What the shards of one replica group hold for a database, read through the nodes' internal scroll. */
interface GroupScan {
  vectors: Map<string, { partition: number; vector: ShardVector }>;
  /** Ids found twice (in two partitions, or twice in one). */
  duplicated: string[];
  /** Ids held by a shard other than the one murmur2 gives for their key. */
  misplaced: string[];
  /** Ids per partition. */
  byPartition: Map<number, Set<string>>;
}

describe('cluster: gateways and replica groups of index nodes on a 3-broker Kafka', () => {
  let cluster: JadeCluster;
  const suiteStarted = Date.now();

  beforeAll(async () => {
    const t = Date.now();
    cluster = await JadeCluster.start({ partitions: P, gateways: 2 });
    console.log(
      `cluster up in ${seconds(Date.now() - t)}: brokers ${cluster.kafka.brokers.join(',')}, prefix ${cluster.prefix}, ` +
        `gateways ${cluster.gateways.map((g) => g.url).join(' ')}, index nodes ${cluster.nodes.map((n) => n.id).join(' ')}`,
    );
  }, 600_000);

  afterAll(async () => {
    console.log(`cluster suite ran ${seconds(Date.now() - suiteStarted)}`);
    await cluster?.stop();
  }, 120_000);

  /** Every failure leaves the node and gateway logs' tails in the output. */
  function logs(): string {
    return [
      ...cluster.nodes.map((n) => `--- ${n.id} (${n.process.logFile}) ---\n${n.process.tail(15)}`),
      ...cluster.gateways.map((g) => `--- ${g.name} (${g.logFile}) ---\n${g.tail(15)}`),
    ].join('\n');
  }

  async function createDatabase(name: string, metric: 'euclidean' | 'cosine' = 'euclidean'): Promise<void> {
    const reply = await cluster.gateways[0]!.request('POST', '/v1/databases', { name, dimension: DIM, metric });
    if (reply.status !== 201) throw new Error(`create ${name}: ${describeFailure(reply)}`);
    // The other gateways learn of it from the catalog topic.
    for (const gateway of cluster.gateways) {
      await waitFor(async () => (await gateway.request('GET', `/v1/databases/${name}`)).status === 200, { timeoutMs: 30_000, what: `${gateway.name} knows ${name}` });
    }
  }

  async function upsert(gateway: GatewayProcess, database: string, vectors: { id: string; values: number[]; metadata?: JsonObject }[]): Promise<HttpReply<WriteReply>> {
    return gateway.request<WriteReply>('POST', `/v1/databases/${database}/vectors/batch`, { vectors }, 120_000);
  }

  /** Loads vectors `from..to` of `data` as ids `<prefix><n>`, in batches across the gateways; throws on any failure. */
  async function load(database: string, data: readonly Float32Array[], idPrefix: string, from: number, to: number, batch = 2000): Promise<void> {
    for (let start = from, i = 0; start < to; start += batch, i++) {
      const vectors = [];
      for (let n = start; n < Math.min(to, start + batch); n++) vectors.push({ id: `${idPrefix}${n}`, values: asStored(data[n]!) });
      const reply = await upsert(cluster.gateways[i % cluster.gateways.length]!, database, vectors);
      if (!acknowledgedReply(reply)) throw new Error(`loading ${database}: ${describeFailure(reply)}`);
    }
  }

  async function scanGroup(group: number, database: string): Promise<GroupScan> {
    const scan: GroupScan = { vectors: new Map(), duplicated: [], misplaced: [], byPartition: new Map() };
    const statuses = await cluster.statuses();
    for (const node of cluster.group(group)) {
      for (const { partition } of statuses.get(node.id)?.partitions ?? []) {
        const ids = scan.byPartition.get(partition) ?? new Set<string>();
        scan.byPartition.set(partition, ids);
        let after: string | undefined;
        for (;;) {
          const page = await node.process.reads.scroll(partition, database, { limit: 5000, ...(after === undefined ? {} : { after }) });
          for (const vector of page) {
            if (scan.vectors.has(vector.id)) scan.duplicated.push(vector.id);
            if (partitionForKey(vectorKey(database, vector.id), P) !== partition) scan.misplaced.push(`${vector.id}@${partition}`);
            scan.vectors.set(vector.id, { partition, vector });
            ids.add(vector.id);
          }
          if (page.length < 5000) break;
          after = page[page.length - 1]!.id;
        }
      }
    }
    return scan;
  }

  function ownership(): Promise<string> {
    return cluster.statuses().then((statuses) =>
      cluster.nodes.map((n) => `${n.id}=[${(statuses.get(n.id)?.partitions ?? []).map((p) => `${p.partition}${p.ready ? '' : '*'}`).join(',')}]`).join(' '),
    );
  }

  it('forms: every partition owned in each group; searches merge all shards, exact ones equal brute force, recall@10 >= 0.95', async () => {
    const db = 'formation';
    const count = 10_000;
    const all = clusteredVectors({ count: count + 300, dimension: DIM, seed: 11 });
    const data = all.slice(0, count);
    const queries = all.slice(count);
    await createDatabase(db);
    const loadStart = Date.now();
    await load(db, data, 'v', 0, count, 1000);
    await cluster.waitCaughtUp();
    const loadMs = Date.now() - loadStart;

    // Ownership: each group covers every partition once, balanced between its two nodes, and the gateways agree.
    const statuses = await cluster.statuses();
    for (let g = 0; g < cluster.groupCount; g++) {
      const view = await cluster.groupView(g, statuses);
      expect({ group: g, whole: view.whole }).toEqual({ group: g, whole: true });
      const counts = cluster.group(g).map((n) => statuses.get(n.id)?.partitions.length ?? 0);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    for (const gateway of cluster.gateways) {
      const status = await gateway.request<{ partitions: { partition: number; ready: boolean }[]; databases: { name: string; vectorCount: number }[] }>('GET', '/status');
      expect(status.status).toBe(200);
      expect(status.body.partitions.map((p) => [p.partition, p.ready])).toEqual(Array.from({ length: P }, (_, p) => [p, true]));
      // A count is a sum over every shard.
      expect(status.body.databases.find((d) => d.name === db)?.vectorCount).toBe(count);
    }

    // Exact searches equal brute force over all the data; a wide one gathers hits from every shard.
    const points = new Map(data.map((v, n) => [n, v]));
    let exactMismatches = 0;
    for (let q = 0; q < 40; q++) {
      const gateway = cluster.gateways[q % cluster.gateways.length]!;
      const reply = await gateway.request<SearchReply>('POST', `/v1/databases/${db}/search`, { vector: asStored(queries[q]!), topK: 10, exact: true, consistency: 'strong' });
      expect(reply.status).toBe(200);
      const want = bruteForceTopK('euclidean', points, queries[q]!, 10);
      const got = reply.body.results;
      const same = got.length === want.length && got.every((hit, i) => hit.id === `v${want[i]!.label}` && Math.abs(hit.score - want[i]!.score) <= 1e-9 * Math.max(1, want[i]!.score));
      if (!same) exactMismatches++;
    }
    const wide = await cluster.gateways[0]!.request<SearchReply>('POST', `/v1/databases/${db}/search`, { vector: asStored(queries[0]!), topK: 1000, exact: true });
    const wideWant = bruteForceTopK('euclidean', points, queries[0]!, 1000).map((h) => `v${h.label}`);
    expect(wide.body.results.map((h) => h.id)).toEqual(wideWant);
    const shardsInWide = new Set(wide.body.results.map((h) => partitionForKey(vectorKey(db, h.id), P)));
    expect(shardsInWide.size).toBe(P);

    // Approximate searches: recall@10 against brute force.
    let recall = 0;
    const approximate = queries.slice(40, 240);
    for (let q = 0; q < approximate.length; q++) {
      const gateway = cluster.gateways[q % cluster.gateways.length]!;
      const reply = await gateway.request<SearchReply>('POST', `/v1/databases/${db}/search`, { vector: asStored(approximate[q]!), topK: 10 });
      expect(reply.status).toBe(200);
      const found = reply.body.results.map((h) => ({ label: Number(h.id.slice(1)) }));
      recall += recallAtK(found, bruteForceTopK('euclidean', points, approximate[q]!, 10));
    }
    recall /= approximate.length;

    figures('formation', {
      acknowledged: count,
      lost: count - (await cluster.gateways[1]!.request<{ count: number }>('POST', `/v1/databases/${db}/vectors/count`, { consistency: 'strong' })).body.count,
      exactMismatches,
      shardsInWideSearch: shardsInWide.size,
      recallAt10: recall.toFixed(4),
      load: seconds(loadMs),
      owners: `"${await ownership()}"`,
    });
    expect(exactMismatches).toBe(0);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it('routes: a raw reader finds every id in exactly the partition murmur2 gives, and each shard holds exactly its partition', async () => {
    await cluster.waitCaughtUp();
    const ends = await cluster.backbone.endOffsets(cluster.topics.vectors);
    // An independent reader: KafkaJS's own consumer and its Java-compatible partitioner, none of our code.
    const kafka = new Kafka({ clientId: 'cluster-routing-check', brokers: cluster.kafka.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${cluster.prefix}-routing-check`, maxWaitTimeInMs: 250 });
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: P }, (_, p) => ({ partitionId: p, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    const seen = new Map<string, Set<number>>();
    const wrongPartition: string[] = [];
    const reached = new Array<number>(P).fill(0);
    /** Create markers of the database the previous test made through one gateway and loaded through both. */
    const formationMarkers = new Array<number>(P).fill(0);
    let records = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: cluster.topics.vectors, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        reached[partition] = Number(message.offset) + 1;
        const key = message.key;
        if (key !== null && isReservedKey(key) && key.toString('utf8').startsWith('\0m/formation/')) {
          if (parseMarkerKey(key).kind === 'create') formationMarkers[partition]! += 1;
        }
        if (key === null || isReservedKey(key)) return;
        records++;
        const expected = partitioner({ topic: cluster.topics.vectors, partitionMetadata, message: { key, value: message.value } });
        if (expected !== partition) wrongPartition.push(`${key.toString()}@${partition} (murmur2: ${expected})`);
        const name = key.toString('utf8');
        const set = seen.get(name) ?? new Set<number>();
        set.add(partition);
        seen.set(name, set);
        return Promise.resolve();
      },
    });
    try {
      await waitFor(() => ends.every((end, p) => reached[p]! >= end), { timeoutMs: 120_000, what: 'the raw reader at the end of every partition' });
    } finally {
      await consumer.disconnect();
    }
    const inSeveral = [...seen].filter(([, parts]) => parts.size > 1).map(([key]) => key);

    // Each shard (in each group) holds exactly the ids its partition carries, for every database.
    const databases = [...new Set([...seen.keys()].map((key) => key.slice(0, key.indexOf('/'))))];
    let shardMismatches = 0;
    let checkedIds = 0;
    for (const db of databases) {
      const logIds = new Map<number, Set<string>>(Array.from({ length: P }, (_, p) => [p, new Set<string>()]));
      for (const [key, parts] of seen) if (key.startsWith(`${db}/`)) for (const p of parts) logIds.get(p)!.add(key.slice(db.length + 1));
      for (let g = 0; g < cluster.groupCount; g++) {
        const scan = await scanGroup(g, db);
        for (let p = 0; p < P; p++) {
          const held = [...(scan.byPartition.get(p) ?? [])].sort();
          const want = [...logIds.get(p)!].sort();
          checkedIds += held.length;
          if (JSON.stringify(held) !== JSON.stringify(want)) {
            shardMismatches++;
            console.log(`group ${g} partition ${p} of ${db}: holds ${held.length} ids, its partition carries ${want.length}`);
          }
        }
      }
    }
    figures('routing', { records, keys: seen.size, wrongPartition: wrongPartition.length, inSeveralPartitions: inSeveral.length, shardMismatches, checkedIds });
    expect(records).toBeGreaterThan(0);
    expect(wrongPartition.slice(0, 10)).toEqual([]);
    expect(inSeveral.slice(0, 10)).toEqual([]);
    expect(shardMismatches).toBe(0);
    // The second gateway found every partition holding the database: it re-emitted no create marker.
    expect(formationMarkers).toEqual(new Array<number>(P).fill(1));
  }, 300_000);

  it(`survives a SIGKILLed index node under ingestion and search load with ${FAILOVER_VECTORS} vectors loaded`, async () => {
    const db = 'failover';
    /** Most vectors the ingestion during the failure may write (it runs until the group is whole again). */
    const extra = 40_000;
    const all = clusteredVectors({ count: FAILOVER_VECTORS + extra + 200, dimension: DIM, seed: 21 });
    const queries = all.slice(FAILOVER_VECTORS + extra);
    await createDatabase(db);
    const loadStart = Date.now();
    await load(db, all, 'f', 0, FAILOVER_VECTORS);
    const acknowledgedAtLoad = Date.now();
    await cluster.waitCaughtUp(600_000);
    const loadMs = Date.now() - loadStart;
    const indexedMs = Date.now() - acknowledgedAtLoad;

    // Steady ingestion (a batch of 100 every half second at most, about 200 vectors/s) and search load from two
    // clients on both gateways. Ingestion goes on through the failure: the survivor catches up while it grows.
    const acknowledged = new Set<string>();
    const attempted = new Set<string>();
    let failedWrites = 0;
    const writeFailures: string[] = [];
    let writing = true;
    let next = FAILOVER_VECTORS;
    const writer = (async () => {
      for (let i = 0; writing && next < FAILOVER_VECTORS + extra; i++) {
        const started = Date.now();
        const vectors = [];
        for (let n = next; n < Math.min(FAILOVER_VECTORS + extra, next + 100); n++) vectors.push({ id: `f${n}`, values: asStored(all[n]!) });
        next += vectors.length;
        for (const v of vectors) attempted.add(v.id);
        try {
          const reply = await upsert(cluster.gateways[i % cluster.gateways.length]!, db, vectors);
          if (acknowledgedReply(reply)) for (const v of vectors) acknowledged.add(v.id);
          else {
            failedWrites++;
            if (writeFailures.length < 5) writeFailures.push(describeFailure(reply));
          }
        } catch (err) {
          failedWrites++;
          if (writeFailures.length < 5) writeFailures.push((err as Error).message);
        }
        await sleep(Math.max(0, started + 500 - Date.now()));
      }
    })();
    const searches = new SearchLoad(cluster.gateways, db, queries);
    let failoverMs = Number.NaN;
    let reassignedMs = Number.NaN;
    let rejoinMs = Number.NaN;
    let ackedAtKill = 0;
    let ackedDuringFailover = 0;
    const victim: ClusterNode = cluster.group(0)[0]!;
    const before = await ownership();
    try {
      await waitFor(() => searches.ok >= 20 && acknowledged.size >= 1000, { timeoutMs: 60_000, what: 'load running' });
      const killedAt = Date.now();
      ackedAtKill = acknowledged.size;
      await victim.process.kill('SIGKILL');
      // The survivor owns every partition once its group has rebalanced, and is whole once it has caught up on them.
      await waitFor(
        async () => {
          const view = await cluster.groupView(0);
          if (Number.isNaN(reassignedMs) && [...view.owners.values()].every((o) => o.length === 1)) reassignedMs = Date.now() - killedAt;
          return view.whole;
        },
        { timeoutMs: 300_000, intervalMs: 100, what: 'replica group 0 whole again' },
      );
      failoverMs = Date.now() - killedAt;
      ackedDuringFailover = acknowledged.size - ackedAtKill;
      // Keep the load on a little longer, then bring the node back; its group rebalances again.
      const ackedAtWhole = acknowledged.size;
      await waitFor(() => acknowledged.size >= ackedAtWhole + 1000 || next >= FAILOVER_VECTORS + extra, { timeoutMs: 120_000, what: 'writes after the failover' });
    } finally {
      writing = false;
      await writer;
      await searches.stop();
    }
    const restartAt = Date.now();
    await victim.process.start();
    await cluster.waitNodeReady(victim);
    await cluster.waitWhole(300_000);
    rejoinMs = Date.now() - restartAt;
    await cluster.waitCaughtUp(600_000);

    const expected = new Map<string, Float32Array>();
    for (let n = 0; n < FAILOVER_VECTORS; n++) expected.set(`f${n}`, all[n]!);
    for (const id of acknowledged) expected.set(id, all[Number(id.slice(1))]!);
    let lost = 0;
    let wrong = 0;
    let neverSent = 0;
    let duplicated = 0;
    let misplaced = 0;
    for (let g = 0; g < cluster.groupCount; g++) {
      const scan = await scanGroup(g, db);
      duplicated += scan.duplicated.length;
      misplaced += scan.misplaced.length;
      for (const [id, values] of expected) {
        const held = scan.vectors.get(id);
        if (held === undefined) lost++;
        else if (!sameValues(held.vector.values, values)) wrong++;
      }
      for (const id of scan.vectors.keys()) if (!expected.has(id) && !attempted.has(id)) neverSent++;
    }
    figures('index-node-failure', {
      vectors: FAILOVER_VECTORS,
      acknowledged: expected.size,
      lost,
      wrong,
      neverSent,
      duplicated,
      misplaced,
      failedSearches: searches.failed,
      searches: searches.ok,
      failedWrites,
      writesDuringFailover: ackedDuringFailover,
      ingestRate: `${Math.round(ackedDuringFailover / (failoverMs / 1000))}/s`,
      reassigned: seconds(reassignedMs),
      failover: seconds(failoverMs),
      rejoin: seconds(rejoinMs),
      load: seconds(loadMs),
      indexedAfterAck: seconds(indexedMs),
      before: `"${before}"`,
      after: `"${await ownership()}"`,
    });
    if (searches.failures.length > 0) console.log(`failed searches:\n${searches.failures.join('\n')}`);
    if (writeFailures.length > 0) console.log(`failed writes:\n${writeFailures.join('\n')}`);
    if (failoverMs > 10_000) console.log(`failover took ${seconds(failoverMs)}, above the 10 s target (reported, not asserted)`);
    expect({ lost, wrong, neverSent, duplicated, misplaced }).toEqual({ lost: 0, wrong: 0, neverSent: 0, duplicated: 0, misplaced: 0 });
    expect(searches.failures).toEqual([]);
    expect(searches.ok).toBeGreaterThan(0);
    // Writes go to the log, not to index nodes: they go on while a group is short of a node.
    expect(ackedDuringFailover).toBeGreaterThan(0);
  }, 900_000);

  it('keeps acknowledging writes while one of three brokers is down, and loses or duplicates nothing', async () => {
    const db = 'brokers';
    await createDatabase(db);
    const random = seededRandom(31);
    const valuesOf = new Map<string, Float32Array>();
    const acknowledged = new Set<string>();
    const attempted = new Set<string>();
    const ackTimes: number[] = [];
    let failedWrites = 0;
    const writeFailures: string[] = [];
    let running = true;
    let next = 0;
    const writers = Array.from({ length: 2 }, async (_, w) => {
      for (let i = w; running; i += 2) {
        const vectors = Array.from({ length: 100 }, () => {
          const id = `b${next++}`;
          const values = Float32Array.from({ length: DIM }, () => random() * 2 - 1);
          valuesOf.set(id, values);
          attempted.add(id);
          return { id, values: asStored(values) };
        });
        try {
          const reply = await upsert(cluster.gateways[i % cluster.gateways.length]!, db, vectors);
          if (acknowledgedReply(reply)) {
            for (const v of vectors) acknowledged.add(v.id);
            ackTimes.push(Date.now());
          } else {
            failedWrites++;
            if (writeFailures.length < 10) writeFailures.push(`${new Date().toISOString()} ${describeFailure(reply)}`);
          }
        } catch (err) {
          failedWrites++;
          if (writeFailures.length < 10) writeFailures.push(`${new Date().toISOString()} ${(err as Error).message}`);
        }
        await sleep(20);
      }
    });
    const acksSince = (t: number): number => ackTimes.filter((a) => a >= t).length;

    // The broker leading the most partitions of the vectors topic goes down.
    const admin = new Kafka({ clientId: 'cluster-broker-check', brokers: cluster.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    let victim = 0;
    let downMs = 0;
    let acksWhileDown = 0;
    let stallMs = 0;
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [cluster.topics.vectors] });
      const led = new Map<number, number>();
      for (const p of topics[0]!.partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
      victim = [...led].sort((a, b) => b[1] - a[1])[0]![0];
      await waitFor(() => ackTimes.length >= 20, { timeoutMs: 60_000, what: 'writes before the outage' });
      const stoppedAt = Date.now();
      await cluster.kafka.stopNode(victim, 'SIGKILL');
      await waitFor(() => acksSince(stoppedAt) >= 20 && Date.now() - stoppedAt >= 10_000, { timeoutMs: 120_000, what: `writes acknowledged with broker ${victim} down` });
      acksWhileDown = acksSince(stoppedAt);
      const restartAt = Date.now();
      downMs = restartAt - stoppedAt;
      await cluster.kafka.startNode(victim);
      await waitFor(() => acksSince(restartAt) >= 20, { timeoutMs: 120_000, what: 'writes after the restart' });
      await waitFor(
        async () => (await admin.fetchTopicMetadata({ topics: [cluster.topics.vectors] })).topics[0]!.partitions.every((p) => p.isr.length === 3),
        { timeoutMs: 120_000, intervalMs: 250, what: `broker ${victim} back in every ISR` },
      );
      const sorted = ackTimes.slice().sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) if (sorted[i]! >= stoppedAt) stallMs = Math.max(stallMs, sorted[i]! - Math.max(sorted[i - 1]!, stoppedAt));
    } finally {
      running = false;
      await Promise.all(writers);
      await admin.disconnect();
    }
    await cluster.waitCaughtUp(300_000);

    let lost = 0;
    let wrong = 0;
    let neverSent = 0;
    let duplicated = 0;
    let misplaced = 0;
    let unacknowledgedPresent = 0;
    for (let g = 0; g < cluster.groupCount; g++) {
      const scan = await scanGroup(g, db);
      duplicated += scan.duplicated.length;
      misplaced += scan.misplaced.length;
      for (const id of acknowledged) if (!scan.vectors.has(id)) lost++;
      for (const [id, held] of scan.vectors) {
        const values = valuesOf.get(id);
        if (values === undefined || !attempted.has(id)) neverSent++;
        else if (!sameValues(held.vector.values, values)) wrong++;
        if (!acknowledged.has(id)) unacknowledgedPresent++;
      }
    }
    figures('broker-failure', {
      broker: victim,
      acknowledged: acknowledged.size,
      lost,
      duplicated,
      wrong,
      neverSent,
      misplaced,
      failedWrites,
      unacknowledgedPresent,
      acksWhileDown,
      brokerDown: seconds(downMs),
      longestStall: seconds(stallMs),
    });
    if (writeFailures.length > 0) console.log(`failed writes (the ids may or may not have landed):\n${writeFailures.join('\n')}`);
    expect(acksWhileDown).toBeGreaterThanOrEqual(20);
    expect({ lost, duplicated, wrong, neverSent, misplaced }).toEqual({ lost: 0, duplicated: 0, wrong: 0, neverSent: 0, misplaced: 0 });
  }, 600_000);

  it('restarts every index node in turn (SIGTERM, start, ready) under search load with zero failed searches', async () => {
    const queries = clusteredVectors({ count: 100, dimension: DIM, seed: 21 });
    await cluster.waitCaughtUp();
    const searches = new SearchLoad(cluster.gateways, 'failover', queries);
    const steps: string[] = [];
    const owned = async (): Promise<Record<string, number[]>> => {
      const statuses = await cluster.statuses();
      return Object.fromEntries(cluster.nodes.map((n) => [n.id, (statuses.get(n.id)?.partitions ?? []).map((p) => p.partition)]));
    };
    const ownedBefore = await owned();
    const movedAfter: string[] = [];
    try {
      await waitFor(() => searches.ok >= 20, { timeoutMs: 60_000, what: 'searches running' });
      for (const node of cluster.nodes) {
        const t0 = Date.now();
        await node.process.stop();
        const stopped = Date.now();
        await node.process.start();
        await cluster.waitNodeReady(node);
        const ready = Date.now();
        // The next node goes only once every group is whole again, as the gateways see it.
        await cluster.waitWhole(300_000);
        steps.push(`${node.id}:stop=${seconds(stopped - t0)},ready=${seconds(ready - stopped)},whole=${seconds(Date.now() - stopped)}`);
        // Sticky: the node gets its own partitions back (and resumes them from the snapshot it took on SIGTERM),
        // while its sibling keeps those it held all along.
        if (JSON.stringify(await owned()) !== JSON.stringify(ownedBefore)) movedAfter.push(node.id);
      }
      const okBefore = searches.ok;
      await waitFor(() => searches.ok >= okBefore + 20, { timeoutMs: 60_000, what: 'searches after the last restart' });
    } finally {
      await searches.stop();
    }
    figures('rolling-restart', {
      restarts: cluster.nodes.length,
      failedSearches: searches.failed,
      searches: searches.ok,
      partitionsMoved: movedAfter.length,
      steps: steps.join(';'),
    });
    if (searches.failures.length > 0) console.log(`failed searches:\n${searches.failures.join('\n')}\n${logs()}`);
    expect(searches.failures).toEqual([]);
    expect(searches.failed).toBe(0);
    expect(movedAfter).toEqual([]);
  }, 900_000);

  it(`holds every acknowledged write and nothing never sent after ${STRESS_MS / 1000} s of mixed load from several clients, in bounded memory`, async () => {
    const db = 'stress';
    await createDatabase(db);
    const clients = 4;
    const poolSize = 2000;
    const queries = clusteredVectors({ count: 50, dimension: DIM, seed: 41 });
    /** Every operation on an id, in order (one client owns an id, so its operations are sequential). */
    type Op = { kind: 'upsert'; version: number; acknowledged: boolean } | { kind: 'delete'; acknowledged: boolean };
    const history = new Map<string, Op[]>();
    const versions = new Map<string, number>();
    const valuesFor = (id: string, version: number): Float32Array => {
      let seed = version * 2_654_435_761;
      for (let i = 0; i < id.length; i++) seed = (Math.imul(seed, 31) + id.charCodeAt(i)) >>> 0;
      const random = seededRandom(seed);
      return Float32Array.from({ length: DIM }, () => random() * 2 - 1);
    };
    const counters = { upserts: 0, deletes: 0, searches: 0, failedWrites: 0, failedSearches: 0 };
    const failures: string[] = [];
    const rss = new Map<string, number[]>();
    const sampleRss = (): void => {
      for (const n of cluster.nodes) {
        const kb = JadeCluster.rssKb(n.process.pid);
        if (kb !== undefined) rss.set(n.id, [...(rss.get(n.id) ?? []), kb]);
      }
    };
    sampleRss();
    const sampler = setInterval(sampleRss, 2_000);
    const deadline = Date.now() + STRESS_MS;
    const worker = async (client: number): Promise<void> => {
      const random = seededRandom(1000 + client);
      for (let i = 0; Date.now() < deadline; i++) {
        const gateway = cluster.gateways[(client + i) % cluster.gateways.length]!;
        const roll = random();
        const pick = (n: number): string[] => [...new Set(Array.from({ length: n }, () => `c${client}-${Math.floor(random() * poolSize)}`))];
        try {
          if (roll < 0.45) {
            const ids = pick(50);
            const ops = ids.map((id) => {
              const version = (versions.get(id) ?? 0) + 1;
              versions.set(id, version);
              const op: Op = { kind: 'upsert', version, acknowledged: false };
              history.set(id, [...(history.get(id) ?? []), op]);
              return { id, op, values: valuesFor(id, version) };
            });
            const reply = await upsert(gateway, db, ops.map(({ id, op, values }) => ({ id, values: asStored(values), metadata: { v: (op as { version: number }).version } })));
            if (acknowledgedReply(reply)) {
              for (const { op } of ops) op.acknowledged = true;
              counters.upserts++;
            } else throw new Error(describeFailure(reply));
          } else if (roll < 0.65) {
            const ids = pick(20);
            const ops = ids.map((id) => {
              const op: Op = { kind: 'delete', acknowledged: false };
              history.set(id, [...(history.get(id) ?? []), op]);
              return op;
            });
            const reply = await gateway.request<WriteReply>('POST', `/v1/databases/${db}/vectors/delete`, { ids });
            if (acknowledgedReply(reply)) {
              for (const op of ops) op.acknowledged = true;
              counters.deletes++;
            } else throw new Error(describeFailure(reply));
          } else {
            const query = queries[Math.floor(random() * queries.length)]!;
            const reply = await gateway.request<SearchReply>('POST', `/v1/databases/${db}/search`, { vector: asStored(query), topK: 10 });
            if (reply.status !== 200) {
              counters.failedSearches++;
              if (failures.length < 10) failures.push(`search: ${describeFailure(reply)}`);
            } else counters.searches++;
          }
        } catch (err) {
          counters.failedWrites++;
          if (failures.length < 10) failures.push(`write: ${(err as Error).message}`);
        }
      }
    };
    const started = Date.now();
    try {
      await Promise.all(Array.from({ length: clients }, (_, c) => worker(c)));
    } finally {
      clearInterval(sampler);
    }
    const ranMs = Date.now() - started;
    sampleRss();
    await cluster.waitCaughtUp(300_000);

    // What each id may hold: the state of its last acknowledged operation, or of any later unacknowledged one.
    const allowed = new Map<string, (number | null)[]>();
    let acknowledgedOps = 0;
    for (const [id, ops] of history) {
      let lastAck = -1;
      ops.forEach((op, i) => {
        if (op.acknowledged) {
          lastAck = i;
          acknowledgedOps++;
        }
      });
      const states = ops.slice(lastAck < 0 ? 0 : lastAck).map((op) => (op.kind === 'upsert' ? op.version : null));
      if (lastAck < 0) states.push(null);
      allowed.set(id, states);
    }
    let lost = 0;
    let resurrected = 0;
    let wrong = 0;
    let neverSent = 0;
    let duplicated = 0;
    let misplaced = 0;
    let live = 0;
    for (let g = 0; g < cluster.groupCount; g++) {
      const scan = await scanGroup(g, db);
      duplicated += scan.duplicated.length;
      misplaced += scan.misplaced.length;
      live = scan.vectors.size;
      for (const [id, states] of allowed) {
        const held = scan.vectors.get(id);
        if (held === undefined) {
          if (!states.includes(null)) lost++;
          continue;
        }
        const version = (held.vector.metadata as { v?: unknown } | null)?.v;
        if (typeof version !== 'number' || !states.includes(version)) {
          if (states.every((s) => s === null)) resurrected++;
          else wrong++;
        } else if (!sameValues(held.vector.values, valuesFor(id, version))) wrong++;
      }
      for (const id of scan.vectors.keys()) if (!history.has(id)) neverSent++;
    }
    const mb = (kb: number): string => (kb / 1024).toFixed(0);
    const rssLine = cluster.nodes
      .map((n) => {
        const samples = rss.get(n.id) ?? [];
        return `${n.id}:${mb(samples[0] ?? 0)}/${mb(Math.max(0, ...samples))}/${mb(samples[samples.length - 1] ?? 0)}`;
      })
      .join(',');
    figures('stress', {
      seconds: (ranMs / 1000).toFixed(0),
      clients,
      acknowledged: acknowledgedOps,
      upsertBatches: counters.upserts,
      deleteBatches: counters.deletes,
      lost,
      resurrected,
      wrong,
      neverSent,
      duplicated,
      misplaced,
      live,
      searches: counters.searches,
      failedSearches: counters.failedSearches,
      failedWrites: counters.failedWrites,
      rssMB: `"${rssLine}" (start/peak/end)`,
    });
    if (failures.length > 0) console.log(`failures:\n${failures.join('\n')}`);
    expect({ lost, resurrected, wrong, neverSent, duplicated, misplaced }).toEqual({ lost: 0, resurrected: 0, wrong: 0, neverSent: 0, duplicated: 0, misplaced: 0 });
    expect(counters.failedSearches).toBe(0);
    expect(counters.upserts).toBeGreaterThan(0);
    expect(counters.deletes).toBeGreaterThan(0);
    // Bounded memory: the pool of ids is fixed (at most clients x poolSize ids live), so churn must not grow the nodes:
    // growth over the run stays under 256 MiB and no node goes past 1.5 GiB.
    for (const [id, samples] of rss) {
      const growthMb = ((samples[samples.length - 1] ?? 0) - (samples[0] ?? 0)) / 1024;
      const peakMb = Math.max(...samples) / 1024;
      expect({ id, growthBounded: growthMb < 256, peakBounded: peakMb < 1536 }).toEqual({ id, growthBounded: true, peakBounded: true });
    }
  }, 900_000);
});
