/**
 * Local Kafka for development: `npx tsx integration/kafka/cli.ts <fetch|up|down|cluster:up|cluster:down>`.
 *
 * `up` and `cluster:up` start detached brokers that outlive this command and record them in a state file under
 * `.cache/`; `down` and `cluster:down` stop them and delete their data. Progress goes to stderr; `up` prints only the
 * bootstrap address on stdout (as its last line), so `$(npm run -s kafka:up)` captures it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CACHE_DIR, describeBrokers, ensureKafkaJars, isAlive, startKafka, stopProcess, type KafkaNodeHandle,
} from './local-kafka';

interface Layout {
  name: string;
  nodes: 1 | 3;
  basePort: number;
  stateFile: string;
}

const SINGLE: Layout = {
  name: 'single', nodes: 1, basePort: 9092, stateFile: path.join(CACHE_DIR, 'state-single.json'),
};
// Broker ports 9192/9194/9196, controllers 9193/9195/9197: beside a single broker on 9092 without clashing.
const CLUSTER: Layout = {
  name: 'cluster', nodes: 3, basePort: 9192, stateFile: path.join(CACHE_DIR, 'state-cluster.json'),
};

interface State {
  version: string;
  brokers: string[];
  dataDir: string;
  nodes: KafkaNodeHandle[];
  startedAt: string;
}

function info(message: string): void {
  console.error(`[kafka] ${message}`);
}

function readState(layout: Layout): State | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(layout.stateFile, 'utf8'));
  } catch {
    return undefined;
  }
  const s = raw as Partial<State>;
  if (!Array.isArray(s.brokers) || typeof s.dataDir !== 'string' || !Array.isArray(s.nodes)) {
    throw new Error(`unreadable state file ${layout.stateFile}: delete it after stopping any brokers by hand`);
  }
  return s as State;
}

/** True when `pid` is still one of our brokers (guards against a recycled pid), where /proc can tell. */
function isOurBroker(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
  } catch {
    return process.platform !== 'linux';
  }
}

async function answers(state: State, nodes: number): Promise<boolean> {
  if (!state.nodes.every((n) => n.pid !== undefined && isOurBroker(n.pid, state.dataDir))) return false;
  try {
    return (await describeBrokers(state.brokers[0]!, 3_000)).length >= nodes;
  } catch {
    return false;
  }
}

async function up(layout: Layout): Promise<void> {
  const existing = readState(layout);
  if (existing) {
    if (await answers(existing, layout.nodes)) {
      info(`${layout.name} Kafka already running (data in ${existing.dataDir})`);
      console.log(existing.brokers.join(','));
      return;
    }
    info(`stale ${layout.name} state found: cleaning it up`);
    await down(layout);
  }
  const t0 = Date.now();
  const { version } = await ensureKafkaJars();
  info(`starting Kafka ${version}, ${layout.nodes} node(s)...`);
  const kafka = await startKafka({ nodes: layout.nodes, basePort: layout.basePort, detached: true, keepData: true });
  const state: State = {
    version,
    brokers: kafka.brokers,
    dataDir: kafka.dataDir,
    nodes: kafka.nodes,
    startedAt: new Date().toISOString(),
  };
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(layout.stateFile, JSON.stringify(state, null, 2) + '\n');
  info(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; pids ${kafka.nodes.map((n) => n.pid).join(', ')}; ` +
    `logs in ${kafka.dataDir}/node-*/logs`);
  console.log(kafka.brokers.join(','));
}

async function down(layout: Layout): Promise<void> {
  const state = readState(layout);
  if (!state) {
    info(`no ${layout.name} Kafka recorded in ${layout.stateFile}`);
    return;
  }
  // The data is deleted right after, so a clean shutdown would only cost time (~8 s for a cluster whose controllers
  // all stop at once).
  await Promise.all(state.nodes.map(async (n) => {
    if (n.pid !== undefined && isOurBroker(n.pid, state.dataDir)) await stopProcess(n.pid, 'SIGKILL');
  }));
  fs.rmSync(state.dataDir, { recursive: true, force: true });
  fs.rmSync(layout.stateFile, { force: true });
  info(`${layout.name} Kafka stopped, ${state.dataDir} removed`);
}

async function main(cmd: string | undefined): Promise<void> {
  switch (cmd) {
    case 'fetch': {
      const t0 = Date.now();
      const { version, classpath } = await ensureKafkaJars();
      const jars = classpath.split(path.delimiter);
      info(`Kafka ${version}: ${jars.length} jars in ${path.dirname(jars[0]!)} (${Date.now() - t0} ms)`);
      return;
    }
    case 'up': return up(SINGLE);
    case 'down': return down(SINGLE);
    case 'cluster:up': return up(CLUSTER);
    case 'cluster:down': return down(CLUSTER);
    default:
      throw new Error(`usage: cli.ts fetch | up | down | cluster:up | cluster:down (got ${cmd ?? 'nothing'})`);
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
