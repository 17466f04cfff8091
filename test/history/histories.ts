/**
 * Model-based history checking (in the spirit of Jepsen's histories and FoundationDB's simulation): from a seed,
 * generate a random history of operations — upserts, batch upserts, PATCHes, deletes, deletes by filter, drop and
 * re-create of the same name, restarts with and without snapshots (a cold one replays the compacted log from offset
 * 0, as a new replica group would), forced compaction — run it through the public REST API with several concurrent
 * clients, and check every read and the final state against `HistoryModel`. A failing history is shrunk to the
 * shortest one that still fails, and reported with its seed.
 *
 * The checker is target-agnostic: `HistoryTarget` is the embedded server in-process (test/history) or real processes
 * on Kafka (integration/histories.test.ts).
 */
import { HistoryModel, Violation, type IdWrite, type Outcome, type PointState } from './model';
import { seededRandom } from '../helpers/vectors';
import type { JsonObject } from '../../src/log/records';

/** A reply, or the fact that none came (`status` 0: the outcome of a write is then unknown). */
export interface TargetReply {
  status: number;
  body: unknown;
}

export interface HistoryTarget {
  /** The database the history creates and works on (a fresh name for each history). */
  readonly database: string;
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<TargetReply>;
  /** Waits until every shard has applied the log and settled its ids, then compacts the vectors topic. */
  compact(): Promise<void>;
  /** Stops and starts the database on the same data; `cold` removes the snapshots first (a replay from offset 0). */
  restart(options: { cold: boolean }): Promise<void>;
  /** Drops the history's database (a target may serve the next history on the same server). */
  close(): Promise<void>;
}

export interface HistoryOptions {
  seed: number;
  /** Requests in the history (global steps count as one). */
  operations: number;
  /** Concurrent clients in a write or read step. @default 3 */
  clients?: number;
  /** How many ids the clients share (smaller: more conflicts). @default 16 */
  ids?: number;
  /** Weight of restarts among steps (they dominate the run time). @default 2 */
  restartWeight?: number;
}

const DIMENSION = 4;

type WriteOp =
  | { kind: 'upsert'; points: { id: string; state: PointState }[] }
  | { kind: 'patch'; id: string; metadata: JsonObject | null }
  | { kind: 'delete'; ids: string[] }
  | { kind: 'delete-filter'; group: number };

type ReadOp = { kind: 'get'; ids: string[]; consistency: 'strong' | 'eventual' };

export type Step =
  | { kind: 'writes'; ops: WriteOp[] }
  | { kind: 'reads'; ops: ReadOp[] }
  | { kind: 'verify'; query: number[]; group: number }
  | { kind: 'compact' }
  | { kind: 'restart'; cold: boolean }
  | { kind: 'recreate' };

/** A history: its steps, generated from a seed without looking at any reply, so that any subset can be replayed. */
export function generateHistory(options: HistoryOptions): Step[] {
  const random = seededRandom(options.seed);
  const clients = options.clients ?? 3;
  const idCount = options.ids ?? 16;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ids = Array.from({ length: idCount }, (_, i) => `p${i}`);
  const someIds = (max: number): string[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(ids)))];
  let written = 0;
  const state = (): PointState => {
    written += 1;
    // Distinct values per write, exactly representable in float32, never a zero vector.
    return { values: [written, (written % 5) + 1, 0.5, -1], metadata: { w: written, g: written % 3 } };
  };
  const writeOp = (): WriteOp => {
    const r = random();
    if (r < 0.45) return { kind: 'upsert', points: someIds(4).map((id) => ({ id, state: state() })) };
    if (r < 0.75) return { kind: 'patch', id: pick(ids), metadata: random() < 0.1 ? null : { patched: Math.floor(random() * 1000), g: Math.floor(random() * 3) } };
    if (r < 0.95) return { kind: 'delete', ids: someIds(3) };
    return { kind: 'delete-filter', group: Math.floor(random() * 3) };
  };
  const weights: [Step['kind'], number][] = [
    ['writes', 60],
    ['reads', 22],
    ['verify', 6],
    ['compact', 5],
    ['restart', options.restartWeight ?? 2],
    ['recreate', 2],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const steps: Step[] = [];
  let operations = 0;
  while (operations < options.operations) {
    let r = random() * total;
    const kind = weights.find(([, w]) => (r -= w) < 0)?.[0] ?? 'writes';
    const width = 1 + Math.floor(random() * clients);
    switch (kind) {
      case 'writes':
        steps.push({ kind, ops: Array.from({ length: width }, writeOp) });
        operations += width;
        break;
      case 'reads':
        steps.push({ kind, ops: Array.from({ length: width }, () => ({ kind: 'get' as const, ids: someIds(5), consistency: random() < 0.6 ? ('strong' as const) : ('eventual' as const) })) });
        operations += width;
        break;
      case 'verify':
        steps.push({ kind, query: [random() * 40, random() * 6, random(), -random()], group: Math.floor(random() * 3) });
        operations += 4;
        break;
      case 'restart':
        steps.push({ kind, cold: random() < 0.5 });
        operations += 1;
        break;
      default:
        steps.push({ kind });
        operations += 1;
    }
  }
  // Every history ends with the checks that matter most: settle, compact, replay everything from offset 0, verify.
  steps.push({ kind: 'compact' }, { kind: 'restart', cold: true }, { kind: 'verify', query: [1, 1, 0.5, -1], group: 0 });
  return steps;
}

/** Runs `steps` against `target` from an empty database, checking as it goes; throws a `Violation` on the first. */
export async function runHistory(target: HistoryTarget, steps: Step[]): Promise<void> {
  const DB = target.database;
  const D = `/v1/databases/${DB}`;
  const model = new HistoryModel();
  await expectStatus(target, 'POST', '/v1/databases', { name: DB, dimension: DIMENSION, metric: 'euclidean' }, [201]);
  for (const [index, step] of steps.entries()) {
    const at = `step ${index} (${step.kind})`;
    switch (step.kind) {
      case 'writes': {
        const writes = (await Promise.all(step.ops.map((op, i) => runWrite(target, D, op, model, `${at} op ${i}`)))).flat();
        for (const w of writes) {
          if (w.appliedUnlessRaced === true && writes.every((other) => other.id !== w.id || other.label === w.label)) w.outcome = 'applied';
        }
        // A delete by filter reads (strong) while the step's other writes land: it may delete any id they wrote too.
        for (const [i, op] of step.ops.entries()) {
          if (op.kind !== 'delete-filter') continue;
          const label = `${at} op ${i}`;
          const covered = new Set(writes.filter((w) => w.label === label).map((w) => w.id));
          for (const id of new Set(writes.filter((w) => w.label !== label).map((w) => w.id))) {
            if (!covered.has(id)) writes.push({ id, outcome: 'unknown', label, effect: () => undefined });
          }
        }
        model.applyStep(writes);
        break;
      }
      case 'reads': {
        const replies = await Promise.all(step.ops.map((op) => target.request('POST', `${D}/vectors/batch-get`, { ids: op.ids, consistency: op.consistency })));
        for (const [i, op] of step.ops.entries()) {
          const reply = replies[i]!;
          if (reply.status !== 200) throw new Violation(`${at}: batch-get answered ${reply.status} ${JSON.stringify(reply.body)}`);
          const found = new Map((reply.body as { vectors: StoredPoint[] }).vectors.map((v) => [v.id, { values: v.values, metadata: v.metadata }]));
          for (const id of op.ids) {
            if (op.consistency === 'strong') model.observe(id, found.get(id), `${at} strong get`);
            else model.observeEventual(id, found.get(id), `${at} eventual get`);
          }
        }
        break;
      }
      case 'verify':
        await verify(target, D, model, step, at);
        break;
      case 'compact':
        await target.compact();
        break;
      case 'restart':
        await target.restart({ cold: step.cold });
        break;
      case 'recreate': {
        await expectStatus(target, 'DELETE', D, undefined, [200, 204]);
        model.clear();
        // A re-create waits for every partition's erasure of the dropped incarnation (409 JADE_ERR_DB_ERASING meanwhile).
        const deadline = Date.now() + 30_000;
        for (;;) {
          const reply = await target.request('POST', '/v1/databases', { name: DB, dimension: DIMENSION, metric: 'euclidean' });
          if (reply.status === 201) break;
          if (reply.status !== 409 || (reply.body as { code?: string }).code !== 'JADE_ERR_DB_ERASING' || Date.now() > deadline) {
            throw new Violation(`${at}: re-create answered ${reply.status} ${JSON.stringify(reply.body)}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        break;
      }
      default: {
        const unknown: never = step;
        throw new Error(`unknown step ${JSON.stringify(unknown)}`);
      }
    }
  }
}

interface StoredPoint {
  id: string;
  values: number[];
  metadata: JsonObject | null;
}

/** An id's write, and (delete by filter) whether it certainly took effect if no other request of its step wrote the id. */
type StepWrite = IdWrite & { appliedUnlessRaced?: boolean };

async function runWrite(target: HistoryTarget, D: string, op: WriteOp, model: HistoryModel, label: string): Promise<StepWrite[]> {
  switch (op.kind) {
    case 'upsert': {
      const reply = await target.request('POST', `${D}/vectors/batch`, { vectors: op.points.map((p) => ({ id: p.id, values: p.state.values, metadata: p.state.metadata })) });
      const outcome = outcomeOf(reply, [201], label);
      return op.points.map((p) => ({ id: p.id, outcome, label, effect: () => p.state }));
    }
    case 'patch': {
      const reply = await target.request('PATCH', `${D}/vectors/${op.id}`, { metadata: op.metadata });
      // 404: absent when the gateway read it, so nothing was written.
      const outcome = reply.status === 404 ? 'not-applied' : outcomeOf(reply, [200], label);
      // A patch keeps the values of the state it lands on, and never brings a deleted id back.
      return [{ id: op.id, outcome, label, effect: (before) => (before === undefined ? undefined : { values: before.values, metadata: op.metadata }) }];
    }
    case 'delete': {
      const reply = await target.request('POST', `${D}/vectors/delete`, { ids: op.ids });
      const outcome = outcomeOf(reply, [200], label);
      return op.ids.map((id) => ({ id, outcome, label, effect: () => undefined }));
    }
    case 'delete-filter': {
      const reply = await target.request('POST', `${D}/vectors/delete`, { filter: { must: [{ key: 'g', match: op.group }] } });
      const outcome = outcomeOf(reply, [200], label);
      if (outcome === 'not-applied') return [];
      // It deletes what matched at its strong read, which concurrent writes may change: an id that may match may be
      // deleted; one that certainly matches is, unless another request of the step wrote it (see runWriteStep).
      const matches = (state: PointState | undefined): boolean => state?.metadata?.g === op.group;
      return model
        .ids()
        .filter((id) => model.statesOf(id).some(matches))
        .map((id) => ({
          id,
          outcome: 'unknown' as const,
          label,
          effect: () => undefined,
          ...(outcome === 'applied' && model.statesOf(id).every(matches) ? { appliedUnlessRaced: true } : {}),
        }));
    }
    default: {
      const unknown: never = op;
      throw new Error(`unknown write ${JSON.stringify(unknown)}`);
    }
  }
}

/** 2xx as expected: applied; 5xx or no reply: unknown; anything else is a refusal the history never provokes. */
function outcomeOf(reply: TargetReply, expected: number[], label: string): Outcome {
  if (expected.includes(reply.status)) return 'applied';
  if (reply.status === 0 || reply.status >= 500) return 'unknown';
  throw new Violation(`${label}: answered ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** A strong scroll of everything (each id once, each state possible), the count, and exact searches vs the model. */
async function verify(target: HistoryTarget, D: string, model: HistoryModel, step: Extract<Step, { kind: 'verify' }>, at: string): Promise<void> {
  const seen = new Map<string, StoredPoint>();
  let cursor: string | null = null;
  do {
    const reply: TargetReply = await expectStatus(target, 'POST', `${D}/vectors/scroll`, { limit: 7, consistency: 'strong', ...(cursor === null ? {} : { cursor }) }, [200]);
    const page = reply.body as { vectors: StoredPoint[]; nextCursor: string | null };
    for (const v of page.vectors) {
      if (seen.has(v.id)) throw new Violation(`${at}: scroll returned ${v.id} twice`);
      seen.set(v.id, v);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  for (const id of new Set([...model.ids(), ...seen.keys()])) {
    const v = seen.get(id);
    model.observe(id, v === undefined ? undefined : { values: v.values, metadata: v.metadata }, `${at} scroll`);
  }
  const count = (await expectStatus(target, 'POST', `${D}/vectors/count`, { consistency: 'strong' }, [200])).body as { count: number };
  if (count.count !== seen.size) throw new Violation(`${at}: count is ${count.count}, the scroll found ${seen.size}`);
  for (const filter of [undefined, { must: [{ key: 'g', match: step.group }] }]) {
    const body = { vector: step.query, topK: 5, exact: true, consistency: 'strong', ...(filter === undefined ? {} : { filter }) };
    const hits = ((await expectStatus(target, 'POST', `${D}/search`, body, [200])).body as { results: { id: string; score: number }[] }).results;
    const expected = [...seen.values()]
      .filter((v) => filter === undefined || v.metadata?.g === step.group)
      .map((v) => ({ id: v.id, score: distance(step.query, v.values) }))
      .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1))
      .slice(0, 5);
    const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));
    const ok =
      hits.length === expected.length &&
      hits.every((h, i) => close(h.score, expected[i]!.score) && seen.has(h.id) && close(h.score, distance(step.query, seen.get(h.id)!.values)));
    if (!ok) throw new Violation(`${at}: exact search${filter === undefined ? '' : ' (filtered)'} returned ${JSON.stringify(hits)}, the model says ${JSON.stringify(expected)}`);
  }
}

function distance(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.fround(a[i]!) - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

async function expectStatus(target: HistoryTarget, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body: unknown, expected: number[]): Promise<TargetReply> {
  const reply = await target.request(method, url, body);
  if (!expected.includes(reply.status)) throw new Violation(`${method} ${url} answered ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

export interface CheckResult {
  histories: number;
  operations: number;
  violations: { seed: number; message: string; shrunk: Step[] }[];
  seconds: number;
}

/**
 * Runs `histories` histories with seeds `firstSeed`, `firstSeed + 1`, ... each on a fresh target, and shrinks any that
 * fails: steps are removed (halves, then quarters, down to single steps) as long as the history still fails.
 */
export async function checkHistories(
  options: { histories: number; firstSeed: number; operations: number; clients?: number; restartWeight?: number; shrinkAttempts?: number },
  newTarget: () => Promise<HistoryTarget>,
  log: (line: string) => void = () => undefined,
): Promise<CheckResult> {
  const started = Date.now();
  const result: CheckResult = { histories: 0, operations: 0, violations: [], seconds: 0 };
  const attempt = async (steps: Step[]): Promise<string | undefined> => {
    const target = await newTarget();
    try {
      await runHistory(target, steps);
      return undefined;
    } catch (err) {
      if (!(err instanceof Violation)) throw err;
      return err.message;
    } finally {
      await target.close();
    }
  };
  for (let i = 0; i < options.histories; i++) {
    const seed = options.firstSeed + i;
    const steps = generateHistory({ seed, operations: options.operations, ...(options.clients === undefined ? {} : { clients: options.clients }), ...(options.restartWeight === undefined ? {} : { restartWeight: options.restartWeight }) });
    result.histories += 1;
    result.operations += options.operations;
    const failure = await attempt(steps);
    if (failure === undefined) continue;
    log(`seed ${seed}: ${failure}; shrinking`);
    let shrunk = steps;
    let message = failure;
    let budget = options.shrinkAttempts ?? 60;
    for (let chunk = Math.ceil(shrunk.length / 2); chunk >= 1 && budget > 0; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
      for (let from = 0; from < shrunk.length && budget > 0; ) {
        const candidate = [...shrunk.slice(0, from), ...shrunk.slice(from + chunk)];
        budget -= 1;
        const again = candidate.length === 0 ? undefined : await attempt(candidate);
        if (again !== undefined) {
          shrunk = candidate;
          message = again;
        } else {
          from += chunk;
        }
      }
    }
    result.violations.push({ seed, message, shrunk });
    log(`seed ${seed}: shrunk to ${shrunk.length} steps: ${message}\n${JSON.stringify(shrunk)}`);
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
