/**
 * `npm run bench` (full) and `npm run bench -- --quick` (CI's smoke run): measures JadeVectorDB through its real
 * interfaces against baselines run in the same process or the same run (in-process hnswlib, exact search, LanceDB
 * embedded), so ratios hold on a noisy machine. Writes bench/results/<timestamp>.json and a Markdown report with
 * SVG charts. Missed targets are reported, not failures: the exit code is non-zero only when a measurement broke.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKafka } from '../integration/kafka/local-kafka';
import { buildHnsw, exactBaseline, sweepHnsw } from './baselines/hnswlib';
import { lanceBaseline } from './baselines/lancedb';
import { DbProcess } from './db-process';
import { extraVectors, loadDataset, vectorJson, type Dataset, type DatasetSpec } from './datasets';
import { groundTruth } from './ground-truth';
import { machineInfo, machineLoad, wrkVersion, type MachineLoad } from './machine';
import { parseOptions, type BenchOptions } from './options';
import { Progress } from './progress';
import { writeReport } from './report';
import { compare, evaluateTargets, operatingPoint, type BenchResults, type DatasetRun } from './results';
import { BatchStream, ingestKafka, ingestRest, strongRead, waitIndexed, type IngestResult } from './scenarios/ingest';
import { bareHnswMemory, memoryPoint } from './scenarios/memory';
import { freshness, searchDuringIngest } from './scenarios/mixed';
import { recovery, type RecoveryPoint } from './scenarios/recovery';
import { searchBodies, searchSweep } from './scenarios/search';

const DATABASE = 'bench';

/** Metrics the issue asks the database to export (Prometheus names), checked against /metrics. */
const WANTED_METRICS: { name: string; what: string }[] = [
  { name: 'jade_vectors_written_total', what: 'ingest rate (acknowledged)' },
  { name: 'jade_partition_records_applied_total', what: 'ingest rate (applied, per partition)' },
  { name: 'jade_partition_applied_offset', what: 'applied offset per partition' },
  { name: 'jade_partition_lag_records', what: 'lag per partition' },
  { name: 'jade_search_duration_seconds', what: 'search latency histogram' },
  { name: 'jade_snapshot_age_seconds', what: 'snapshot age' },
  { name: 'jade_snapshot_duration_seconds', what: 'snapshot duration' },
  { name: 'jade_write_visible_seconds', what: 'write-to-visible (freshness) histogram' },
  { name: 'jade_shard_recovery_duration_seconds', what: 'time to ready per partition (recovery)' },
];

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-bench-'));
  const loadStart = machineLoad();
  const loadSamples: MachineLoad[] = [loadStart];
  const loadTimer = setInterval(() => loadSamples.push(machineLoad()), 10_000);
  loadTimer.unref();
  const wrk = wrkVersion();
  if (wrk === undefined) throw new Error('wrk is not installed (apt-get install wrk, or npm run test:setup)');
  process.stderr.write(
    `bench: ${options.mode} run; load average at start ${loadStart.loadavg.map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores` +
      `${loadStart.loadavg[0] > os.availableParallelism() ? ' (the machine is busy: figures are provisional)' : ''}\n`,
  );

  const results: BenchResults = {
    version: 1,
    mode: options.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    durationMs: 0,
    machine: machineInfo(),
    loadStart,
    loadEnd: loadStart,
    loadSamples,
    generators: { search: `${wrk}, Lua script bench/wrk/search.lua, one thread per connection`, ingest: 'node:http keep-alive client in the bench process (bodies built before the clock starts)' },
    params: { k: options.k, m: options.index.m, efConstruction: options.index.efConstruction, batchSize: options.batchSize, ingestInFlight: options.ingestInFlight, searchDurationS: options.searchDurationS },
    datasets: [],
    targets: [],
    skipped: [],
    errors: [],
  };

  const running: DbProcess[] = [];
  const weights = planWeights(options);
  const progress = new Progress(weights.total);
  const attempt = async <T>(what: string, errors: string[], work: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      const crashed = running.map((db) => db.crash).filter((c) => c !== undefined);
      const message = `${what}: ${err instanceof Error ? err.message : String(err)}${crashed.length > 0 ? `\n${crashed.join('\n')}` : ''}`;
      errors.push(message);
      progress.note(`bench: ${message}`);
      return undefined;
    }
  };

  const startDb = async (name: string, config: Record<string, unknown> = {}) => {
    const dataDir = path.join(tmpRoot, name);
    const db = await DbProcess.start({ dataDir, config });
    running.push(db);
    return db;
  };
  const createDatabase = (db: DbProcess, dimension: number, metric: string) =>
    db.client.json('POST', '/v1/databases', { name: DATABASE, dimension, metric, index: { m: options.index.m, efConstruction: options.index.efConstruction } });

  try {
    for (const [i, spec] of options.datasets.entries()) {
      const primary = i === 0;
      const run = await benchDataset(spec, primary);
      if (run !== undefined) results.datasets.push(run);
    }
    const primarySpec = results.datasets[0]?.dataset;
    if (primarySpec !== undefined) {
      progress.step(`memory ${primarySpec.dimension}-d`, weights.memoryChild);
      await memoryRun(primarySpec.dimension, primarySpec.count, `memory-${primarySpec.dimension}`);
    }
    progress.step('memory 768-d', weights.memory768);
    await memoryRun(768, options.memory768, 'memory-768');
  } finally {
    for (const db of running) await db.kill().catch(() => undefined);
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }

  results.errors.push(...results.datasets.flatMap((d) => d.errors.map((e) => `${d.dataset.name}: ${e}`)));
  results.targets = evaluateTargets(results);
  results.loadEnd = machineLoad();
  results.finishedAt = new Date().toISOString();
  results.durationMs = Date.now() - startedAt.getTime();
  progress.finish();

  fs.mkdirSync(options.outDir, { recursive: true });
  const jsonFile = path.join(options.outDir, `${stamp}.json`);
  fs.writeFileSync(jsonFile, JSON.stringify(results, null, 1) + '\n');
  const reportFile = options.report ?? path.join(options.outDir, `${stamp}.md`);
  writeReport(results, reportFile);
  process.stderr.write(
    `bench: load average at end ${results.loadEnd.loadavg.map((l) => l.toFixed(2)).join(' ')}\nbench: results ${jsonFile}\nbench: report  ${reportFile}\n` +
      results.targets.map((t) => `  ${t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.target}: ${t.measured}${t.ratio === undefined ? '' : ` (${t.ratio.toFixed(2)})`}`).join('\n') +
      '\n',
  );
  if (results.errors.length > 0) {
    process.stderr.write(`bench: ${results.errors.length} measurement(s) failed:\n${results.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 1;
  }
  return 0;

  async function benchDataset(spec: DatasetSpec, primary: boolean): Promise<DatasetRun | undefined> {
    progress.step(`dataset ${spec.kind}`, weights.dataset);
    const dataset = await attempt(`dataset ${spec.kind}`, results.errors, () => loadDataset(spec, (m) => progress.note(`bench: ${m}`)));
    if (dataset === undefined) return undefined;
    progress.step(`ground truth ${dataset.name}`, weights.truth);
    const truth = groundTruth(dataset, options.k, (f) => progress.update(f));
    const run: DatasetRun = {
      dataset: { name: dataset.name, source: dataset.source, metric: dataset.metric, dimension: dataset.dimension, count: dataset.count, queryCount: dataset.queryCount },
      groundTruth: { k: options.k, cached: truth.cached, computeMs: truth.computeMs },
      errors: [],
    };
    const labels = truth.labels.map((l) => Array.from(l));

    // Baselines first, in this process, while no server runs.
    progress.step(`hnswlib baseline ${dataset.name}`, weights.hnsw);
    await attempt('hnswlib baseline', run.errors, () => {
      const { index, build } = buildHnsw(dataset, options.index, (f) => progress.update(f * 0.8));
      progress.update(0.8, 'sweep');
      const sweep = sweepHnsw(index, dataset, labels, options.hnswEfs, options.k, options.baselineMinMs);
      progress.update(0.95, 'exact');
      const exact = exactBaseline(dataset, labels, options.k, options.baselineMinMs);
      run.hnsw = { build, sweep, exact };
    });
    if (options.lance) {
      progress.step(`LanceDB baseline ${dataset.name}`, weights.lance);
      run.lance = await attempt('LanceDB baseline', run.errors, () =>
        lanceBaseline(
          dataset,
          labels,
          { m: options.index.m, efConstruction: options.index.efConstruction, efs: options.lanceEfs, refineFactors: options.lanceRefine, k: options.k, minMs: options.baselineMinMs, inFlight: options.lanceInFlight },
          (f, d) => progress.update(f, d),
        ),
      );
    } else {
      results.skipped.push('LanceDB baseline (--no-lance)');
    }

    // The database, default configuration (partitions = cores).
    progress.step(`ingest ${dataset.name} (REST, default partitions)`, weights.ingest);
    const db = await attempt('start database', run.errors, () => startDb(`${dataset.name}-default`));
    if (db === undefined) return run;
    let current: DbProcess = db;
    try {
      const partitions = (await db.client.json<{ partitions: unknown[] }>('GET', '/status')).partitions.length;
      if (primary) results.emptyStart = db.timings;
      await createDatabase(db, dataset.dimension, dataset.metric);
      await db.gc();
      const memoryBefore = db.memory();
      const ingest = await attempt('ingest (REST)', run.errors, () =>
        ingestRest(db, dataset, { database: DATABASE, partitions, batchSize: options.batchSize, inFlight: options.ingestInFlight, sampleEveryMs: options.sampleEveryMs }, (f) => progress.update(f)),
      );
      if (ingest === undefined) return run;
      await new Promise((r) => setTimeout(r, 1000));
      await db.gc();
      const memoryAfter = db.memory();
      if (run.hnsw !== undefined) {
        // The single-thread build again, right after the database's ingestion: load from other jobs varies.
        progress.update(0.97, 'hnswlib build again');
        const hnsw = run.hnsw;
        await attempt('hnswlib baseline (second build)', run.errors, () => {
          hnsw.buildAfter = buildHnsw(dataset, options.index).build;
        });
      }

      progress.step(`search ${dataset.name} (wrk)`, weights.search);
      const search =
        (await attempt('search sweep', run.errors, () =>
          searchSweep(
            db,
            dataset,
            labels,
            { database: DATABASE, k: options.k, efs: options.dbEfs, connections: options.clients, durationS: options.searchDurationS, warmupS: options.warmupS, exactDurationS: options.exactDurationS },
            (f, d) => progress.update(f, d),
          ),
        )) ?? [];
      const comparisons = compare(search, run.hnsw?.sweep, run.lance);
      run.db = { partitions, ingest, memoryBefore, memoryAfter, search, comparisons };
      if (!primary) return run;

      results.exportedMetrics = await attempt('exported metrics', results.errors, async () => {
        const text = (await db.client.request('GET', '/metrics')).body;
        const present = WANTED_METRICS.filter((m) => text.includes(`# TYPE ${m.name} `)).map((m) => `${m.name} (${m.what})`);
        const missing = WANTED_METRICS.filter((m) => !text.includes(`# TYPE ${m.name} `)).map((m) => `${m.name} (${m.what})`);
        return { present, missing };
      });

      if (options.recoveryTwice) {
        progress.step('recovery (first log size)', weights.recovery);
        const config = {};
        const rec = await attempt('recovery', results.errors, () => recovery(current, { database: DATABASE, config }));
        if (rec === undefined) return run;
        current = rec.db;
        running.push(current);
        recordRecovery(rec.points);
      }

      // Scenario 2: freshness at half the maximum (sustained) ingest rate, on the database that rate was measured on
      // (before scenario 4 makes it several times larger, and graph building slower), from a steady state: everything
      // applied and indexed, so it measures visibility, not a draining burst.
      progress.step('freshness', weights.freshness);
      await attempt('catch up before freshness', results.errors, () => caughtUp(current, vectorJson(dataset.base, dataset.dimension, 0)));
      const freshRate = Math.max(1, Math.round(ingest.vectorsPerSecond / 2));
      const freshCount = Math.ceil(freshRate * options.freshnessDurationS) + 100;
      results.freshness = await attempt('freshness', results.errors, () =>
        freshness(current, { database: DATABASE, dimension: dataset.dimension, vectors: extraVectors(dataset.dimension, freshCount, 777), idPrefix: 'f', ratePerSecond: freshRate, durationS: options.freshnessDurationS }),
      );

      // Scenario 4: search p99 while ingesting at full speed, against the idle points at the same ef.
      const op = operatingPoint(comparisons, 16);
      const ef = op?.ef ?? options.dbEfs[Math.floor(options.dbEfs.length / 2)]!;
      progress.step('search during ingestion', weights.mixed);
      // New vectors of the same distribution, ids x<n> (never a base id): every write is an insert. Recall is not
      // measured on this changing set.
      const writes = new BatchStream(extraVectors(dataset.dimension, Math.min(dataset.count, 20_000), 4242), dataset.dimension, options.batchSize, 'x');
      const bodies = searchBodies(dataset, options.k, { ef });
      const idle = search.filter((p) => p.ef === ef && !p.exact);
      results.idle = { ef, points: idle };
      for (const [j, connections] of options.clients.entries()) {
        progress.update(j / options.clients.length, `clients=${connections}`);
        // Each run starts from a steady state: the previous run's writes applied and indexed.
        await attempt('catch up before search during ingestion', results.errors, () => caughtUp(current, vectorJson(dataset.base, dataset.dimension, 0)));
        const mixed = await attempt(`search during ingestion (${connections} clients)`, results.errors, () =>
          searchDuringIngest(current, { database: DATABASE, ef, connections, durationS: options.mixedDurationS, bodies, truth: labels, k: options.k, writes, inFlight: options.ingestInFlight }),
        );
        if (mixed !== undefined) (results.mixed ??= []).push(mixed);
      }

      // Scenario 5: recovery at the final log size, once scenario 4's writes are all applied and indexed.
      progress.step('recovery', weights.recovery);
      await attempt('catch up before recovery', results.errors, () => caughtUp(current, vectorJson(dataset.base, dataset.dimension, 0)));
      const rec = await attempt('recovery', results.errors, () => recovery(current, { database: DATABASE, config: {} }));
      if (rec !== undefined) {
        current = rec.db;
        running.push(current);
        recordRecovery(rec.points);
      }
    } finally {
      await current.stop().catch(() => current.kill());
    }

    // Ingestion with one partition, against the same single-thread baseline.
    progress.step('ingest, 1 partition', weights.ingest);
    results.ingestOnePartition = await attempt('ingest (1 partition)', results.errors, async () => {
      const one = await startDb(`${dataset.name}-p1`, { partitions: 1 });
      try {
        await createDatabase(one, dataset.dimension, dataset.metric);
        return await ingestRest(one, dataset, { database: DATABASE, partitions: 1, batchSize: options.batchSize, inFlight: options.ingestInFlight, sampleEveryMs: options.sampleEveryMs }, (f) => progress.update(f));
      } finally {
        await one.stop();
      }
    });

    if (options.kafka) {
      progress.step('ingest via a Kafka producer', weights.kafka);
      results.kafka = await kafkaIngest(dataset);
    } else {
      results.skipped.push('ingestion through a direct Kafka producer (quick mode; the full run does it)');
    }
    return run;
  }

  function recordRecovery(points: RecoveryPoint[]): void {
    (results.recovery ??= []).push(...points);
    for (const p of points) {
      // Invariant 1: a replay from the log (or a snapshot and its tail) gives the same data.
      if (p.countAfter !== p.countBefore) results.errors.push(`recovery from ${p.mode}: ${p.countAfter} vectors after the restart, ${p.countBefore} before it (${p.logRecords} log records)`);
    }
  }

  async function kafkaIngest(dataset: Dataset): Promise<IngestResult | undefined> {
    let kafka: { brokers: string[]; stop(): Promise<void> } | undefined;
    try {
      kafka = await startKafka({ nodes: 1 });
    } catch (err) {
      results.skipped.push(`ingestion through a direct Kafka producer: no broker could be started (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
      return undefined;
    }
    try {
      return await attempt('ingest (Kafka producer)', results.errors, async () => {
        const prefix = `bench${Date.now()}`;
        const db = await startDb(`${dataset.name}-kafka`, { kafkaBrokers: kafka.brokers, topicPrefix: prefix });
        try {
          const partitions = (await db.client.json<{ partitions: unknown[] }>('GET', '/status')).partitions.length;
          await createDatabase(db, dataset.dimension, dataset.metric);
          return await ingestKafka(
            db,
            dataset,
            { database: DATABASE, partitions, brokers: kafka.brokers, topic: `${prefix}.vectors`, batchSize: options.batchSize, inFlight: options.ingestInFlight, sampleEveryMs: options.sampleEveryMs },
            (f) => progress.update(f),
          );
        } finally {
          await db.stop();
        }
      });
    } finally {
      await kafka.stop();
    }
  }

  /**
   * Memory at one dimension, in a database of its own: after a warm-up of a fifth of the vectors (heaps, JIT,
   * allocator arenas and buffers reach their working size), then after the rest. The growth between the two is what
   * each further vector costs; the growth from empty adds the fixed costs of a shard holding anything at all.
   */
  async function memoryRun(dimension: number, count: number, name: string): Promise<void> {
    await attempt(`memory ${dimension}-d`, results.errors, async () => {
      const dataset = await loadDataset({ kind: 'synthetic', count, dimension, queries: 1, seed: 7 });
      const warmCount = Math.floor(count / 5);
      const slice = (from: number, to: number): Dataset => ({ ...dataset, base: dataset.base.subarray(from * dimension, to * dimension), count: to - from });
      const db = await startDb(name);
      try {
        const partitions = (await db.client.json<{ partitions: unknown[] }>('GET', '/status')).partitions.length;
        await createDatabase(db, dimension, 'cosine');
        await db.gc();
        const before = db.memory();
        const ingest = { database: DATABASE, partitions, batchSize: Math.max(50, Math.floor((options.batchSize * 128) / dimension)), inFlight: options.ingestInFlight, sampleEveryMs: 1000 };
        await ingestRest(db, slice(0, warmCount), { ...ingest, idPrefix: 'w' }, (f) => progress.update(f * 0.15));
        await db.gc();
        const warm = db.memory();
        await ingestRest(db, slice(warmCount, count), { ...ingest, idPrefix: 'm' }, (f) => progress.update(0.15 + f * 0.55));
        await db.gc();
        const after = db.memory();
        progress.update(0.75, 'bare hnswlib');
        const bare = await bareHnswMemory({ count, dimension, m: options.index.m, efConstruction: options.index.efConstruction, seed: 7, warmCount });
        if (before !== undefined && after !== undefined && warm !== undefined) {
          (results.memory ??= []).push(memoryPoint(dimension, count, before, after, bare, { memory: warm, vectors: warmCount }));
        }
      } finally {
        await db.stop();
      }
    });
  }

}

/** Rough relative durations of the steps, for the progress bar. */
function planWeights(options: BenchOptions) {
  const n = options.datasets.reduce((s, d) => s + ('count' in d && d.count !== undefined ? d.count : 100_000), 0) / options.datasets.length / 20_000;
  const weights = {
    dataset: 1,
    truth: 2 * n,
    hnsw: 6 * n,
    lance: 5 * n,
    ingest: 8 * n,
    search: ((options.dbEfs.length * options.clients.length * options.searchDurationS + options.exactDurationS + options.warmupS) / 3) * 1.3,
    memoryChild: 4 * n,
    mixed: (options.mixedDurationS * options.clients.length) / 2,
    freshness: options.freshnessDurationS / 2,
    recovery: 10 + n * 2,
    kafka: options.kafka ? 20 + 8 * n : 0,
    memory768: (options.memory768 / 5000) * 3 + 8,
    total: 0,
  };
  const perDataset = weights.dataset + weights.truth + weights.hnsw + weights.lance + weights.ingest + weights.search;
  weights.total =
    perDataset * options.datasets.length +
    weights.memoryChild +
    weights.mixed +
    weights.freshness +
    weights.recovery * (options.recoveryTwice ? 2 : 1) +
    weights.ingest +
    weights.kafka +
    weights.memory768;
  return weights;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);

/** Waits until every write so far is applied (a strong read with `query`, a vector as JSON) and indexed (every backlog empty). */
async function caughtUp(db: DbProcess, query: string): Promise<void> {
  await strongRead(db.client, DATABASE, query);
  await waitIndexed(db.client);
}
