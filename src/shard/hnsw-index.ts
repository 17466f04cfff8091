/**
 * The vector index of one database in one shard: an HNSW graph (`hnswlib-node`) over caller-assigned labels.
 *
 * Identity: the caller maps its string ids to numeric labels (uint32) and keeps that map; this class only knows
 * labels. Labels index dense arrays here, so keep them small and reuse them: `allocateLabel()` hands out the lowest
 * free one, and `remove()` frees a label at once. A re-used label takes its old graph slot back, and a new label
 * takes the slot of any deleted one (hnswlib's `replaceDeleted`), so churn never grows memory.
 *
 * Scores follow the API: `cosine` similarity and `dot` product (higher is better), `euclidean` distance (lower is
 * better), best first, ties broken by the lower label. Every score is computed here in float64 from the stored
 * float32 values, whichever path found the point, so an approximate search and an exact one report the same score
 * for the same point, and shards' results merge consistently.
 *
 * Values: hnswlib's cosine space normalises what it stores, so scores need the values as given (for exact search,
 * the filtered fallback and the scores above): the index keeps its own copy, or, given a `ValueSource` (a shard
 * gives its live store), reads linked points' values from there and keeps only its backlog's. It is not where values are read back from: the
 * caller's store returns them as written. A zero vector has no direction and is refused under cosine (callers
 * should refuse it first, with their own error).
 *
 * Backlog: `upsert(label, values, { defer: true })` makes the point live at once without linking it into the graph;
 * searches scan such points exactly and merge them with the graph walk's, and `indexBacklog` links them later, in
 * slices its caller schedules between requests. Applying a log then costs a copy per vector, not a graph insertion.
 *
 * Not thread-safe: one owner (a shard worker) calls it. `writeTo` runs on libuv's pool; mutations are refused
 * until it finishes, searches are fine meanwhile.
 */
import fs from 'node:fs';
import { HierarchicalNSW, type SpaceName } from 'hnswlib-node';
import { jadeError, type JadeError } from '../errors';

export type Metric = 'cosine' | 'euclidean' | 'dot';

export interface VectorIndexParams {
  metric: Metric;
  /** Values per vector, 1..4096. */
  dimension: number;
  /** Graph degree (hnswlib `M`): more links, better recall, more memory (about 8·M bytes per point). @default 16 */
  m?: number;
  /** Candidate list size while building: higher builds slower and better. @default 200 */
  efConstruction?: number;
  /**
   * Candidate list size while searching, unless a search says otherwise (never below k). 64 gives recall@10 of about
   * 0.99 on 100k clustered 128-d vectors at M=16 (measured on 2-core machines, see docs/benchmarks.md) for ~6,000 QPS per thread.
   * @default 64
   */
  efSearch?: number;
  /** Points allocated up front; the graph doubles when full. @default 1024 */
  initialCapacity?: number;
  /** Seed of hnswlib's level generator (not saved with the graph). @default 100 */
  seed?: number;
  /**
   * A filtered search whose filter is estimated to match at most this many points scans them exactly instead of
   * walking the graph: a selective filter makes the walk visit most of the graph to find ef matches, and an exact
   * scan of a few points is both cheaper and complete. Measured on 20k x 128-d (M=16, ef=64): the walk wins from
   * about 1,500 matches up. @default 1500
   */
  exactFilterThreshold?: number;
}

export type ResolvedVectorIndexParams = Readonly<Required<VectorIndexParams>>;

export interface SearchOptions {
  /** Candidate list size for this search (never below k). */
  ef?: number;
  /**
   * Only points whose label passes are returned. Called during the graph walk (from native code, so it must be
   * synchronous), and it must not call back into this index. An error it throws is rethrown by `search`.
   */
  filter?: (label: number) => boolean;
  /** How many live points the caller knows (or estimates) match `filter`; skips the sampling estimate. */
  filterCount?: number;
  /**
   * Labels that may match (a superset is fine: `filter`, when given, still applies; labels that are not live are
   * skipped). The search is then exact over these labels only: use it when a metadata index narrowed them down.
   */
  candidates?: Iterable<number>;
  /** Brute force over every live point (or `candidates`): the reference answer, slower. */
  exact?: boolean;
}

/**
 * Where an index created with `values` reads the values it scores with: the caller's store, which must hold the
 * values of every live label the index has linked into its graph whenever the index is searched or written. The
 * index keeps its backlog's values itself until it links them. Without a source, the index keeps a copy of every
 * point's values (in pages).
 */
export interface ValueSource {
  /** Copies `label`'s values into `into`; false when the source has none. */
  read(label: number, into: Float32Array): boolean;
  /** Visits every label with its values (`values` may be a reused buffer, valid during the call only). */
  scan(visit: (label: number, values: Float32Array) => void): void;
}

export interface IndexStorageOptions {
  /** Read linked points' values from here instead of keeping a copy (see `ValueSource`). */
  values?: ValueSource;
}

export interface IndexHit {
  label: number;
  score: number;
}

export const DIMENSION_LIMIT = 4096;
/** Labels stay below 2^31 so that they are small integers everywhere (typed arrays, Sets, hnswlib's uint32). */
export const LABEL_LIMIT = 2 ** 31;
const MAX_M = 100;
const MAX_EF = 100_000;
const MAX_K = 100_000;
/** Cost of a float64 distance in JS per vector value, measured on the CI machines (about 0.1 us at 128-d). */
const DISTANCE_NS_PER_VALUE = 0.8;

const DEFAULTS = { m: 16, efConstruction: 200, efSearch: 64, initialCapacity: 1024, seed: 100, exactFilterThreshold: 1500 };

// Per-label state: the slot's kind in hnswlib, plus two flags.
const ABSENT = 0; // no slot in hnswlib (never added, or its tombstone was given to another label)
const LIVE = 1;
const TOMB = 2; // marked deleted in hnswlib (as far as we know: replaceDeleted may have taken the slot since)
const KIND = 3;
const RESERVED = 4; // handed out by allocateLabel() and not upserted yet
const IN_POOL = 8; // present in the free-label heap (possibly stale: the heap is cleaned lazily)
/**
 * Live, with its current values here, but not (yet) in the graph: its slot's kind is ABSENT, or TOMB when an older
 * version was in the graph. Searches find such points by an exact scan of the backlog until `indexBacklog` links them.
 */
const PENDING = 16;

/** Whether a label's state is a live point, linked into the graph or waiting in the backlog. */
const isLive = (state: number): boolean => (state & KIND) === LIVE || (state & PENDING) !== 0;

// Values live in pages of labels, so growth never copies the whole slab and large shards stay under typed-array limits.
const PAGE_SHIFT = 10;
const PAGE_LABELS = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_LABELS - 1;

const SIDECAR_SUFFIX = '.vectors';
const SIDECAR_MAGIC = 0x4a565831; // "JVX1"
const SIDECAR_HEADER_WORDS = 10;
/** 2 added the backlog labels after the values (header word 8 counts them). */
const SIDECAR_VERSION = 2;
const METRIC_CODES: Record<Metric, number> = { cosine: 1, euclidean: 2, dot: 3 };
const SPACES: Record<Metric, SpaceName> = { cosine: 'cosine', euclidean: 'l2', dot: 'ip' };

/** An HNSW index over labelled float32 vectors, for one database in one shard. */
export class VectorIndex {
  readonly params: ResolvedVectorIndexParams;
  private inner: HierarchicalNSW | undefined;
  private readonly dim: number;
  private readonly higherIsBetter: boolean;
  /** Reused argument for hnswlib, which takes plain arrays only. */
  private readonly scratch: number[];
  private pages: (Float32Array | undefined)[] = [];
  /** Euclidean norms of the stored values, by label (cosine scores divide by them). */
  private norms = new Float64Array(0);
  private states = new Uint8Array(0);
  /** One past the highest label ever used or handed out: labels below it that are not live are free. */
  private highWater = 0;
  private live = 0;
  private readonly pool = new LabelHeap();
  private currentEf: number;
  /** Pending `writeTo` calls: the native writer reads the graph on another thread meanwhile. */
  private writes = 0;
  private closed = false;
  /** Stamps for de-duplicating `candidates` without allocating per search. */
  private seen = new Uint32Array(0);
  private seenEpoch = 0;
  /** Reused buffers of the score-first exact scan. */
  private scanKeys = new Float64Array(0);
  private scanLabels = new Uint32Array(0);
  /** Labels upserted with `defer`, oldest first (stale entries, whose PENDING flag is gone, are skipped). */
  private readonly backlogQueue = new LabelQueue();
  /** Labels with the PENDING flag. */
  private pendingCount = 0;
  /** With a value source: the backlog's values, by label (linked points' values are read from the source). */
  private readonly backlogValues = new Map<number, Float32Array>();
  private readonly source: ValueSource | undefined;
  private readonly readBuffer: Float32Array;

  private constructor(params: ResolvedVectorIndexParams, inner: HierarchicalNSW, storage: IndexStorageOptions) {
    this.params = params;
    this.source = storage.values;
    this.readBuffer = new Float32Array(params.dimension);
    this.inner = inner;
    this.dim = params.dimension;
    this.higherIsBetter = params.metric !== 'euclidean';
    this.scratch = new Array<number>(params.dimension).fill(0);
    this.currentEf = params.efSearch;
    inner.setEf(params.efSearch);
  }

  /** A new, empty index. */
  static create(params: VectorIndexParams, storage: IndexStorageOptions = {}): VectorIndex {
    const resolved = resolveParams(params);
    const inner = new HierarchicalNSW(SPACES[resolved.metric], resolved.dimension);
    native('initialise the index', () =>
      inner.initIndex(resolved.initialCapacity, resolved.m, resolved.efConstruction, resolved.seed, true),
    );
    return new VectorIndex(resolved, inner, storage);
  }

  /**
   * Loads an index written by `writeTo(file)`: the graph from `file`, the values and live labels from
   * `file + '.vectors'`. The parameters must match the ones it was built with (`efSearch` may differ).
   */
  static load(file: string, params: VectorIndexParams, storage: IndexStorageOptions = {}): VectorIndex {
    const resolved = resolveParams(params);
    const fail = (reason: string, cause?: unknown): JadeError =>
      jadeError('JADE_ERR_INDEX_LOAD_FAILED', [file, reason], cause === undefined ? {} : { cause });
    let sidecar: Buffer;
    try {
      sidecar = fs.readFileSync(file + SIDECAR_SUFFIX);
    } catch (err) {
      throw fail(`cannot read ${file + SIDECAR_SUFFIX}: ${messageOf(err)}`, err);
    }
    const header = readSidecarHeader(sidecar, fail);
    const expected: [string, number, number][] = [
      ['metric', header.metric, METRIC_CODES[resolved.metric]],
      ['dimension', header.dimension, resolved.dimension],
      ['m', header.m, resolved.m],
      ['efConstruction', header.efConstruction, resolved.efConstruction],
    ];
    for (const [name, found, wanted] of expected) {
      if (found !== wanted) throw fail(`it was built with ${name} ${found}, the database has ${wanted}`);
    }
    const inner = new HierarchicalNSW(SPACES[resolved.metric], resolved.dimension);
    try {
      inner.readIndexSync(file, true);
    } catch (err) {
      throw fail(messageOf(err), err);
    }
    const index = new VectorIndex(resolved, inner, storage);
    try {
      index.restore(sidecar, header, fail);
    } catch (err) {
      index.close();
      throw err;
    }
    return index;
  }

  /**
   * Writes the graph to `file` and the live labels with their values to `file + '.vectors'`; resolves to the
   * paths written (all of them belong in a snapshot). Searches may run meanwhile; mutations throw
   * `JADE_ERR_INDEX_BUSY`. The caller fsyncs and renames: nothing here is atomic.
   */
  async writeTo(file: string): Promise<string[]> {
    const inner = this.open();
    // Built now, so graph and sidecar describe the same state (mutations are refused until the write is done).
    const sidecar = this.encodeSidecar();
    const sidecarFile = file + SIDECAR_SUFFIX;
    const minimumBytes = 96 + inner.getCurrentCount() * this.dim * 4;
    this.writes += 1;
    try {
      // hnswlib opens the file with an unchecked std::ofstream and silently writes nothing when it cannot: create
      // it here first so that a bad path fails with its real reason.
      fs.closeSync(fs.openSync(file, 'w'));
      await inner.writeIndex(file);
      const written = fs.statSync(file).size;
      if (written < minimumBytes) throw new Error(`hnswlib wrote ${written} bytes, fewer than the ${minimumBytes} its points need`);
      await fs.promises.writeFile(sidecarFile, sidecar);
    } catch (err) {
      throw jadeError('JADE_ERR_INDEX_WRITE_FAILED', [file, messageOf(err)], { cause: err });
    } finally {
      this.writes -= 1;
      if (this.closed && this.writes === 0) this.inner = undefined;
    }
    return [file, sidecarFile];
  }

  /**
   * Inserts the vector under `label`, or replaces the label's vector. The graph grows as needed.
   *
   * With `defer`, the point is live and searchable at once (by an exact scan of the backlog, merged into every
   * search) and linked into the graph later by `indexBacklog`: applying a write then costs a copy, not a graph
   * insertion, so a shard catches up on its log at the speed of decoding it. An older version of the point leaves
   * the graph at once, so a search never sees two versions.
   */
  upsert(label: number, values: Float32Array, options: { defer?: boolean } = {}): void {
    const inner = this.mutable();
    checkLabel(label);
    const norm = this.loadScratch(values, 'vector');
    const state = label < this.states.length ? (this.states[label] ?? 0) : 0;
    const wasLive = isLive(state);
    let kind = state & KIND;
    if (options.defer === true) {
      if (kind === LIVE) {
        native('delete a point', () => inner.markDelete(label));
        kind = TOMB;
      }
      this.ensureLabel(label);
      if ((state & PENDING) === 0) {
        this.backlogQueue.push(label);
        this.pendingCount += 1;
      }
      this.states[label] = kind | PENDING | (state & IN_POOL);
    } else {
      this.link(inner, label, kind);
      if ((state & PENDING) !== 0) this.pendingCount -= 1; // its queue entry goes stale
      this.pruneBacklog();
      this.ensureLabel(label);
      this.states[label] = LIVE | (state & IN_POOL);
    }
    if (!wasLive) this.live += 1;
    this.storeValues(label, values, norm, options.defer === true);
  }

  /**
   * Links backlog points into the graph, oldest first, until the backlog is empty or `deadline` (a
   * `performance.now()` time) has passed; at least one point per call, so progress never stalls. Does nothing while
   * `writeTo` runs. Returns the points still waiting.
   */
  indexBacklog(deadline: number): number {
    if (this.closed || this.writes > 0) return this.pendingCount;
    if (this.pendingCount === 0) {
      this.backlogQueue.clear();
      return 0;
    }
    const inner = this.open();
    let linked = 0;
    for (;;) {
      const label = this.backlogQueue.shift();
      if (label === undefined) break;
      const state = this.states[label] ?? 0;
      if ((state & PENDING) === 0) continue;
      this.loadScratch(this.valuesFor(label), 'vector');
      try {
        this.link(inner, label, state & KIND);
      } catch (err) {
        this.backlogQueue.unshift(label); // still pending: the next call retries it
        throw err;
      }
      this.states[label] = LIVE | (state & IN_POOL);
      this.pendingCount -= 1;
      // Linked: from now on its values are the source's to give.
      this.backlogValues.delete(label);
      linked += 1;
      if (this.pendingCount === 0 || ((linked & 7) === 0 && performance.now() >= deadline)) break;
    }
    return this.pendingCount;
  }

  /** Drops stale backlog entries once they outnumber the pending ones, so the queue stays proportional to them. */
  private pruneBacklog(): void {
    if (this.pendingCount === 0) this.backlogQueue.clear();
    else if (this.backlogQueue.size() > 2 * this.pendingCount + 1024) {
      const epoch = this.nextSeenEpoch();
      this.backlogQueue.retain((label) => {
        if (((this.states[label] ?? 0) & PENDING) === 0 || this.seen[label] === epoch) return false;
        this.seen[label] = epoch;
        return true;
      });
    }
  }

  /** Live points not linked into the graph yet (upserted with `defer`). */
  backlog(): number {
    this.open();
    return this.pendingCount;
  }

  /** Puts the scratch vector into the graph under `label`, whose slot is of `kind`. */
  private link(inner: HierarchicalNSW, label: number, kind: number): void {
    if (kind === TOMB) {
      // A deleted label gets its own slot back: updating a tombstone in place is hnswlib's way to reuse it, and
      // adding it anew with replaceDeleted would leave its old slot under the same label (two slots, one label).
      try {
        inner.unmarkDelete(label);
      } catch (err) {
        // replaceDeleted gave this tombstone to another label since: the label has no slot any more.
        if (!messageOf(err).includes('Label not found')) throw nativeError('restore a deleted point', err);
        kind = ABSENT;
      }
      if (kind === TOMB) {
        try {
          inner.addPoint(this.scratch, label, false);
        } catch (err) {
          inner.markDelete(label);
          throw nativeError('update a point', err);
        }
      }
    }
    if (kind === LIVE) {
      native('update a point', () => inner.addPoint(this.scratch, label, false));
    } else if (kind === ABSENT) {
      const count = inner.getCurrentCount();
      // With no tombstone to take over, a new point needs a free slot: double the graph when full.
      if (count === this.graphLive() && count >= inner.getMaxElements()) {
        const grown = Math.max(count * 2, this.params.initialCapacity, 16);
        native('grow the index', () => inner.resizeIndex(grown));
      }
      native('add a point', () => inner.addPoint(this.scratch, label, true));
    }
  }

  /** Live points linked into the graph. */
  private graphLive(): number {
    return this.live - this.pendingCount;
  }

  /** Hides the label from every search at once and frees it for reuse. Returns whether it was live. */
  remove(label: number): boolean {
    const inner = this.mutable();
    if (!this.has(label)) return false;
    const state = this.states[label]!;
    if ((state & PENDING) !== 0) {
      // Not in the graph (or only as an older, already deleted version): nothing to unlink.
      this.pendingCount -= 1;
      this.live -= 1;
      this.free(label, state & KIND);
      this.pruneBacklog();
      return true;
    }
    native('delete a point', () => inner.markDelete(label));
    this.live -= 1;
    this.free(label, TOMB);
    return true;
  }

  /** Whether the label holds a live vector. */
  has(label: number): boolean {
    this.open();
    return Number.isInteger(label) && label >= 0 && label < this.states.length && isLive(this.states[label] ?? 0);
  }

  /**
   * Hands out the lowest label that is neither live nor handed out already; `upsert` it, or give it back with
   * `releaseLabel`. Lowest-first makes the labels a function of the live set, so a restored index hands out the
   * same ones as the original would have.
   */
  allocateLabel(): number {
    this.open();
    for (;;) {
      const label = this.pool.pop();
      if (label === undefined) break;
      const state = this.states[label] ?? 0;
      this.states[label] = state & ~IN_POOL;
      if (!isLive(state) && (state & RESERVED) === 0) {
        this.states[label] = (state & ~IN_POOL) | RESERVED;
        return label;
      }
    }
    const label = this.highWater;
    if (label >= LABEL_LIMIT) throw jadeError('JADE_ERR_INDEX_LABEL_INVALID', [label, `labels are exhausted (limit ${LABEL_LIMIT})`]);
    this.ensureLabel(label);
    this.states[label] = ABSENT | RESERVED;
    return label;
  }

  /** Gives back a label from `allocateLabel` that was not upserted. */
  releaseLabel(label: number): void {
    this.open();
    const state = Number.isInteger(label) && label >= 0 && label < this.states.length ? (this.states[label] ?? 0) : 0;
    if ((state & RESERVED) === 0 || isLive(state)) {
      throw jadeError('JADE_ERR_INDEX_LABEL_INVALID', [label, 'it was not handed out by allocateLabel, or is live']);
    }
    this.states[label] = state & ~RESERVED;
    this.free(label, state & KIND);
  }

  /**
   * The k best live points for `query`, best first (fewer when fewer are live or match). The graph walk is
   * approximate; it falls back to an exact scan when the filter is selective, when k covers every live point, and
   * when the walk comes back short, so a filtered search misses only what a walk can miss among plentiful matches.
   */
  search(query: Float32Array, k: number, options: SearchOptions = {}): IndexHit[] {
    const inner = this.open();
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw jadeError('JADE_ERR_INDEX_SEARCH_INVALID', [`k must be an integer in 1..${MAX_K}, got ${String(k)}`]);
    const ef = options.ef ?? this.params.efSearch;
    if (!Number.isInteger(ef) || ef < 1 || ef > MAX_EF) throw jadeError('JADE_ERR_INDEX_SEARCH_INVALID', [`ef must be an integer in 1..${MAX_EF}, got ${String(ef)}`]);
    const queryNorm = this.loadScratch(query, 'query');
    if (this.live === 0) return [];
    const filter = options.filter;
    if (options.candidates !== undefined) return this.exactOver(options.candidates, query, queryNorm, k, filter);
    if (k >= this.live) return this.exactScan(query, queryNorm, k, filter, false);
    if (filter !== undefined) {
      const estimate = options.filterCount === undefined ? this.estimateMatches(filter) : { matching: options.filterCount, filterNs: undefined };
      if (options.exact === true || estimate.matching <= this.params.exactFilterThreshold) {
        return this.exactScan(query, queryNorm, k, filter, this.preferScoreFirst(estimate.matching, k, estimate.filterNs));
      }
    } else if (options.exact === true) {
      return this.exactScan(query, queryNorm, k, undefined, false);
    }

    const wantEf = Math.max(ef, k);
    if (wantEf !== this.currentEf) {
      inner.setEf(wantEf);
      this.currentEf = wantEf;
    }
    // A throwing callback aborts the whole process inside hnswlib-node (it calls Napi::Error::New with an exception
    // pending), so errors are caught here and rethrown after the walk.
    let failure: { error: unknown } | undefined;
    const guarded =
      filter === undefined
        ? undefined
        : (label: number): boolean => {
            if (failure !== undefined) return false;
            try {
              return filter(label) === true;
            } catch (error) {
              failure = { error };
              return false;
            }
          };
    const graphLive = this.graphLive();
    const found = graphLive === 0 ? { neighbors: [] } : native('search', () => inner.searchKnn(this.scratch, Math.min(k, graphLive), guarded));
    if (failure !== undefined) throw failure.error;
    // Deleted points can leave parts of the graph unreachable, and a filter can leave fewer than k matches near the
    // query: a short answer is completed by an exact scan (which also confirms that there are fewer than k).
    if (found.neighbors.length < Math.min(k, graphLive)) return this.exactScan(query, queryNorm, k, filter, false);
    if (this.pendingCount === 0) {
      const hits = found.neighbors.map((label) => ({ label, score: this.score(label, query, queryNorm) }));
      return hits.sort(this.higherIsBetter ? byHigherScore : byLowerScore);
    }
    // Backlog points are not in the graph: they compete exactly with what the walk found.
    const top = new TopK(k, this.higherIsBetter);
    for (const label of found.neighbors) top.offer(label, this.score(label, query, queryNorm));
    this.scanBacklog(top, query, queryNorm, filter);
    return top.sorted();
  }

  /**
   * Rebuilds the graph from the live points alone, dropping tombstones. Churn through `allocateLabel` reuses
   * slots and never needs this; it is for an index that shrank for good (deleted far above live).
   */
  compact(): void {
    this.mutable();
    const capacity = Math.max(this.live, this.params.initialCapacity);
    const fresh = new HierarchicalNSW(SPACES[this.params.metric], this.dim);
    native('initialise the index', () => fresh.initIndex(capacity, this.params.m, this.params.efConstruction, this.params.seed, true));
    for (let label = 0; label < this.highWater; label++) {
      const state = this.states[label] ?? 0;
      if (isLive(state)) {
        this.loadScratch(this.valuesFor(label), 'vector');
        native('add a point', () => fresh.addPoint(this.scratch, label, false));
        this.states[label] = (state & ~KIND & ~PENDING) | LIVE;
      } else if ((state & KIND) === TOMB) {
        this.states[label] = (state & ~KIND) | ABSENT;
      }
    }
    fresh.setEf(this.currentEf);
    // Every backlog point is linked now.
    this.backlogQueue.clear();
    this.backlogValues.clear();
    this.pendingCount = 0;
    // The old graph is freed by the addon's finaliser once it is collected.
    this.inner = fresh;
  }

  /** Live points. */
  size(): number {
    this.open();
    return this.live;
  }

  /** Slots used in the graph, deleted ones included (hnswlib `getCurrentCount`). */
  elementCount(): number {
    return this.open().getCurrentCount();
  }

  /** Slots allocated in the graph (hnswlib `getMaxElements`). */
  capacity(): number {
    return this.open().getMaxElements();
  }

  /** One past the highest label in use or handed out. */
  labelLimit(): number {
    this.open();
    return this.highWater;
  }

  /** Releases the graph; every later call throws `JADE_ERR_INDEX_CLOSED`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pages = [];
    this.backlogValues.clear();
    this.norms = new Float64Array(0);
    this.states = new Uint8Array(0);
    // A pending writeTo still reads the native graph on another thread: drop it only once that is done.
    if (this.writes === 0) this.inner = undefined;
  }

  private open(): HierarchicalNSW {
    if (this.closed || this.inner === undefined) throw jadeError('JADE_ERR_INDEX_CLOSED');
    return this.inner;
  }

  private mutable(): HierarchicalNSW {
    const inner = this.open();
    if (this.writes > 0) throw jadeError('JADE_ERR_INDEX_BUSY', ['it is being written to disk; retry when writeTo has finished']);
    return inner;
  }

  /** Validates `values` into the scratch array (pre-normalised under cosine); returns their norm. */
  private loadScratch(values: Float32Array, what: string): number {
    if (!(values instanceof Float32Array)) throw jadeError('JADE_ERR_INDEX_VECTOR_INVALID', [`the ${what} must be a Float32Array`]);
    if (values.length !== this.dim) throw jadeError('JADE_ERR_INDEX_DIMENSION_MISMATCH', [values.length, this.dim]);
    const scratch = this.scratch;
    let sumSquares = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (!Number.isFinite(x)) throw jadeError('JADE_ERR_INDEX_VECTOR_INVALID', [`the ${what} has a non-finite value at index ${i}`]);
      sumSquares += x * x;
      scratch[i] = x;
    }
    const norm = Math.sqrt(sumSquares);
    if (this.params.metric === 'cosine') {
      if (norm === 0) throw jadeError('JADE_ERR_INDEX_VECTOR_INVALID', [`the ${what} is a zero vector, which has no direction under cosine`]);
      // hnswlib normalises in float32, where squares of very large or very small values overflow or vanish (a norm
      // of 0 or infinity leaves the vector unnormalised or zeroed): normalising in float64 first keeps it exact.
      for (let i = 0; i < scratch.length; i++) scratch[i] = scratch[i]! / norm;
    }
    return norm;
  }

  /** Keeps `values` for scoring: in pages without a source; with one, only while the point waits in the backlog. */
  private storeValues(label: number, values: Float32Array, norm: number, pending: boolean): void {
    this.norms[label] = norm;
    if (this.source !== undefined) {
      if (pending) this.backlogValues.set(label, Float32Array.from(values));
      else this.backlogValues.delete(label);
      return;
    }
    const pageIndex = label >>> PAGE_SHIFT;
    let page = this.pages[pageIndex];
    if (page === undefined) {
      while (this.pages.length < pageIndex) this.pages.push(undefined);
      page = new Float32Array(PAGE_LABELS * this.dim);
      this.pages[pageIndex] = page;
    }
    page.set(values, (label & PAGE_MASK) * this.dim);
    this.norms[label] = norm;
  }

  /** A live label's values (with a source, in a buffer the next call reuses). */
  private valuesFor(label: number): Float32Array {
    if (this.source === undefined) {
      const offset = (label & PAGE_MASK) * this.dim;
      return this.pages[label >>> PAGE_SHIFT]!.subarray(offset, offset + this.dim);
    }
    const waiting = this.backlogValues.get(label);
    if (waiting !== undefined) return waiting;
    if (!this.source.read(label, this.readBuffer)) throw jadeError('JADE_ERR_INDEX_VALUES_MISSING', [label]);
    return this.readBuffer;
  }

  /**
   * Visits every live point with its values, as `values[base .. base + dimension)`: pages and offsets without a
   * source, the source's scan (and the backlog) with one. Order is unspecified.
   */
  private forEachLive(visit: (label: number, values: Float32Array, base: number) => void): void {
    if (this.source === undefined) {
      for (let label = 0; label < this.highWater; label++) {
        if (!isLive(this.states[label] ?? 0)) continue;
        visit(label, this.pages[label >>> PAGE_SHIFT]!, (label & PAGE_MASK) * this.dim);
      }
      return;
    }
    let visited = 0;
    this.source.scan((label, values) => {
      if (label >= this.highWater || ((this.states[label] ?? 0) & (KIND | PENDING)) !== LIVE) return;
      visited += 1;
      visit(label, values, 0);
    });
    for (const [label, values] of this.backlogValues) visit(label, values, 0);
    // A source that misses linked points would make exact answers silently incomplete.
    if (visited !== this.graphLive()) throw jadeError('JADE_ERR_INDEX_VALUES_MISSING', [`${this.graphLive() - visited} of ${this.graphLive()}`]);
  }

  /** Makes room for `label` in the per-label arrays; labels skipped over become free. */
  private ensureLabel(label: number): void {
    if (label >= this.states.length) {
      const size = Math.min(LABEL_LIMIT, Math.max(label + 1, this.states.length * 2, 1024));
      const states = new Uint8Array(size);
      states.set(this.states);
      this.states = states;
      const norms = new Float64Array(size);
      norms.set(this.norms);
      this.norms = norms;
    }
    for (let skipped = this.highWater; skipped < label; skipped++) this.free(skipped, ABSENT);
    if (label >= this.highWater) this.highWater = label + 1;
  }

  private free(label: number, kind: number): void {
    this.backlogValues.delete(label);
    const state = this.states[label] ?? 0;
    this.states[label] = (state & ~KIND & ~RESERVED & ~PENDING) | kind | IN_POOL;
    if ((state & IN_POOL) === 0) this.pool.push(label);
  }

  private score(label: number, query: Float32Array, queryNorm: number): number {
    if (this.source !== undefined) return this.scoreAt(label, this.valuesFor(label), 0, query, queryNorm);
    return this.scoreAt(label, this.pages[label >>> PAGE_SHIFT]!, (label & PAGE_MASK) * this.dim, query, queryNorm);
  }

  /** The API score of `label`, whose values are `page[base .. base + dimension)`. */
  private scoreAt(label: number, page: Float32Array, base: number, query: Float32Array, queryNorm: number): number {
    const dim = this.dim;
    if (this.params.metric === 'euclidean') {
      let sum = 0;
      for (let i = 0; i < dim; i++) {
        const d = query[i]! - page[base + i]!;
        sum += d * d;
      }
      return Math.sqrt(sum);
    }
    let dot = 0;
    for (let i = 0; i < dim; i++) dot += query[i]! * page[base + i]!;
    return this.params.metric === 'dot' ? dot : dot / (queryNorm * this.norms[label]!);
  }

  /**
   * Live points matching `filter`, estimated from a deterministic low-discrepancy sample of labels, and what one
   * filter call costs (timed on the sample; only the plan of an exact scan depends on it, never its answer).
   */
  private estimateMatches(filter: (label: number) => boolean): { matching: number; filterNs: number | undefined } {
    if (this.live <= this.params.exactFilterThreshold) return { matching: this.live, filterNs: undefined };
    // Sample until the estimate is good to about ±25% (16 matches) or 512 points say the filter is rare.
    let sampled = 0;
    let matched = 0;
    const goldenRatio = 0.6180339887498949;
    let position = 0.5;
    const started = performance.now();
    for (let probe = 0; probe < 4096 && sampled < 512 && matched < 16; probe++) {
      position += goldenRatio;
      if (position >= 1) position -= 1;
      const label = Math.floor(position * this.highWater);
      if (!isLive(this.states[label] ?? 0)) continue;
      sampled += 1;
      if (filter(label) === true) matched += 1;
    }
    if (sampled === 0) return { matching: 0, filterNs: undefined };
    return { matching: (matched / sampled) * this.live, filterNs: ((performance.now() - started) * 1e6) / sampled };
  }

  /**
   * Plans an exact filtered scan: filter first costs a filter call per live point and a distance per match; score
   * first costs a distance per live point and about k / selectivity filter calls. An unmeasured filter is assumed
   * to cost a few distances (a metadata read usually does).
   */
  private preferScoreFirst(matching: number, k: number, filterNs: number | undefined): boolean {
    if (matching <= k) return false;
    const live = this.live;
    const distanceNs = this.dim * DISTANCE_NS_PER_VALUE;
    const filterCost = filterNs ?? 4 * distanceNs;
    const filterFirst = live * filterCost + matching * distanceNs;
    const scoreFirst = live * distanceNs + Math.min(live, (k * live) / matching) * filterCost;
    return scoreFirst < filterFirst;
  }

  /**
   * Exact top k among live points passing `filter`. Filter first scores only the matches; score first ranks every
   * point and asks the filter best-first until k pass, about k / selectivity calls instead of one per point: the
   * better plan once many points match, since a metadata filter (a store read) costs more than a distance.
   */
  private exactScan(
    query: Float32Array,
    queryNorm: number,
    k: number,
    filter: ((label: number) => boolean) | undefined,
    scoreFirst: boolean,
  ): IndexHit[] {
    if (filter !== undefined && scoreFirst) return this.exactScoreFirst(query, queryNorm, k, filter);
    const top = new TopK(Math.min(k, this.live), this.higherIsBetter);
    this.forEachLive((label, values, base) => {
      if (filter !== undefined && filter(label) !== true) return;
      top.offer(label, this.scoreAt(label, values, base, query, queryNorm));
    });
    return top.sorted();
  }

  private exactScoreFirst(query: Float32Array, queryNorm: number, k: number, filter: (label: number) => boolean): IndexHit[] {
    if (this.scanKeys.length < this.live) {
      this.scanKeys = new Float64Array(this.live);
      this.scanLabels = new Uint32Array(this.live);
    }
    const keys = this.scanKeys;
    const labels = this.scanLabels;
    // Keys rank lower-is-better for every metric (negation is exact, so scores come back bit for bit).
    const sign = this.higherIsBetter ? -1 : 1;
    let n = 0;
    this.forEachLive((label, values, base) => {
      keys[n] = sign * this.scoreAt(label, values, base, query, queryNorm);
      labels[n] = label;
      n += 1;
    });
    for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(keys, labels, i, n);
    const hits: IndexHit[] = [];
    while (hits.length < k && n > 0) {
      const label = labels[0]!;
      const key = keys[0]!;
      n -= 1;
      keys[0] = keys[n]!;
      labels[0] = labels[n]!;
      siftDown(keys, labels, 0, n);
      if (filter(label) === true) hits.push({ label, score: sign * key });
    }
    return hits;
  }

  /** Offers every backlog point (passing `filter`) to `top`. */
  private scanBacklog(top: TopK, query: Float32Array, queryNorm: number, filter: ((label: number) => boolean) | undefined): void {
    const epoch = this.nextSeenEpoch();
    for (const label of this.backlogQueue.values()) {
      // Entries go stale when a point is deleted or linked, and a label deleted and upserted again is queued twice.
      if (((this.states[label] ?? 0) & PENDING) === 0 || this.seen[label] === epoch) continue;
      this.seen[label] = epoch;
      if (filter !== undefined && filter(label) !== true) continue;
      top.offer(label, this.score(label, query, queryNorm));
    }
  }

  /** A fresh stamp for `seen`, which then covers every label. */
  private nextSeenEpoch(): number {
    if (this.seen.length < this.states.length) this.seen = new Uint32Array(this.states.length);
    this.seenEpoch += 1;
    if (this.seenEpoch === 0xffffffff) {
      this.seen.fill(0);
      this.seenEpoch = 1;
    }
    return this.seenEpoch;
  }

  private exactOver(
    candidates: Iterable<number>,
    query: Float32Array,
    queryNorm: number,
    k: number,
    filter: ((label: number) => boolean) | undefined,
  ): IndexHit[] {
    const epoch = this.nextSeenEpoch();
    const top = new TopK(Math.min(k, this.live), this.higherIsBetter);
    for (const label of candidates) {
      if (!Number.isInteger(label) || label < 0 || label >= this.highWater) continue;
      if (!isLive(this.states[label] ?? 0) || this.seen[label] === epoch) continue;
      this.seen[label] = epoch;
      if (filter !== undefined && filter(label) !== true) continue;
      top.offer(label, this.score(label, query, queryNorm));
    }
    return top.sorted();
  }

  private encodeSidecar(): Buffer {
    const live: number[] = [];
    const pending: number[] = [];
    for (let label = 0; label < this.highWater; label++) {
      const state = this.states[label] ?? 0;
      if (isLive(state)) live.push(label);
      if ((state & PENDING) !== 0) pending.push(label);
    }
    const words = SIDECAR_HEADER_WORDS + live.length + live.length * this.dim + pending.length;
    const buffer = Buffer.alloc(words * 4);
    const u32 = new Uint32Array(buffer.buffer, buffer.byteOffset, words);
    u32.set([
      SIDECAR_MAGIC,
      SIDECAR_VERSION,
      METRIC_CODES[this.params.metric],
      this.dim,
      this.params.m,
      this.params.efConstruction,
      this.highWater,
      live.length,
      pending.length,
      0,
    ]);
    u32.set(live, SIDECAR_HEADER_WORDS);
    u32.set(pending, SIDECAR_HEADER_WORDS + live.length + live.length * this.dim);
    const f32 = new Float32Array(buffer.buffer, buffer.byteOffset + (SIDECAR_HEADER_WORDS + live.length) * 4, live.length * this.dim);
    live.forEach((label, i) => f32.set(this.valuesFor(label), i * this.dim));
    return buffer;
  }

  private restore(sidecar: Buffer, header: SidecarHeader, fail: (reason: string) => JadeError): void {
    const inner = this.open();
    const { highWater, liveCount, pendingCount } = header;
    const words = SIDECAR_HEADER_WORDS + liveCount + liveCount * this.dim + pendingCount;
    if (sidecar.length !== words * 4) throw fail(`the .vectors file has ${sidecar.length} bytes, expected ${words * 4}`);
    // Copied: a Buffer from readFileSync may sit at any offset of a shared pool, unaligned for typed views.
    const aligned = new Uint8Array(sidecar).buffer;
    const labels = new Uint32Array(aligned, SIDECAR_HEADER_WORDS * 4, liveCount);
    const values = new Float32Array(aligned, (SIDECAR_HEADER_WORDS + liveCount) * 4, liveCount * this.dim);
    const pendingLabels = new Uint32Array(aligned, (SIDECAR_HEADER_WORDS + liveCount + liveCount * this.dim) * 4, pendingCount);
    if (highWater > LABEL_LIMIT) throw fail(`label limit ${highWater} is out of range`);
    this.states = new Uint8Array(Math.max(highWater, 1024));
    this.norms = new Float64Array(this.states.length);
    this.highWater = highWater;
    const inGraph = new Set(inner.getIdsList());
    // Backlog points were live but not linked: the graph holds at most a deleted older version of them.
    const pendingSet = new Set<number>();
    for (const label of pendingLabels) {
      if (label >= highWater || pendingSet.has(label)) throw fail(`backlog label ${label} is out of range or listed twice`);
      pendingSet.add(label);
    }
    for (let i = 0; i < liveCount; i++) {
      const label = labels[i]!;
      const pending = pendingSet.has(label);
      if (label >= highWater || (!pending && !inGraph.has(label))) throw fail(`live label ${label} has no point in the graph`);
      if (this.states[label] !== 0) throw fail(`live label ${label} is listed twice`);
      const vector = values.subarray(i * this.dim, (i + 1) * this.dim);
      let sumSquares = 0;
      for (let j = 0; j < vector.length; j++) sumSquares += vector[j]! * vector[j]!;
      this.states[label] = pending ? PENDING | (inGraph.has(label) ? TOMB : ABSENT) : LIVE;
      if (pending) this.backlogQueue.push(label);
      this.storeValues(label, vector, Math.sqrt(sumSquares), pending);
    }
    if (this.backlogQueue.size() !== pendingSet.size) throw fail('a backlog label is not live');
    // Free labels go back in ascending order, which is already a valid min-heap order.
    for (let label = 0; label < highWater; label++) {
      if (this.states[label] === 0) this.free(label, inGraph.has(label) ? TOMB : ABSENT);
    }
    this.live = liveCount;
    this.pendingCount = pendingSet.size;
    if (inner.getCurrentCount() - inGraph.size !== 0) throw fail('the graph has slots without a label');
    // Every other label in the graph must be a tombstone, or it would show up in searches (and twice, for a backlog point).
    for (const label of inGraph) {
      if (((this.states[label] ?? 0) & KIND) === LIVE) continue;
      let alive = true;
      try {
        inner.getPoint(label);
      } catch {
        alive = false;
      }
      if (alive) throw fail(`label ${label} is live in the graph but not in the .vectors file`);
    }
  }
}

interface SidecarHeader {
  metric: number;
  dimension: number;
  m: number;
  efConstruction: number;
  highWater: number;
  liveCount: number;
  /** Live labels not linked into the graph (format 2; format 1 has none). */
  pendingCount: number;
}

function readSidecarHeader(sidecar: Buffer, fail: (reason: string) => JadeError): SidecarHeader {
  if (sidecar.length < SIDECAR_HEADER_WORDS * 4) throw fail('the .vectors file is truncated');
  const word = (i: number): number => sidecar.readUInt32LE(i * 4);
  if (word(0) !== SIDECAR_MAGIC) throw fail('the .vectors file has no JVX1 header');
  if (word(1) !== 1 && word(1) !== SIDECAR_VERSION) throw fail(`the .vectors file has format version ${word(1)}, expected 1 or ${SIDECAR_VERSION}`);
  const pendingCount = word(1) === 1 ? 0 : word(8);
  return { metric: word(2), dimension: word(3), m: word(4), efConstruction: word(5), highWater: word(6), liveCount: word(7), pendingCount };
}

function resolveParams(params: VectorIndexParams): ResolvedVectorIndexParams {
  const resolved = { ...DEFAULTS, ...stripUndefined(params) } as Required<VectorIndexParams>;
  const bad = (reason: string): JadeError => jadeError('JADE_ERR_INDEX_PARAMS_INVALID', [reason]);
  if (!Object.hasOwn(METRIC_CODES, resolved.metric)) throw bad(`metric must be cosine, euclidean or dot, got ${String(resolved.metric)}`);
  const ranges: [keyof VectorIndexParams, number, number][] = [
    ['dimension', 1, DIMENSION_LIMIT],
    ['m', 2, MAX_M],
    ['efConstruction', 1, MAX_EF],
    ['efSearch', 1, MAX_EF],
    ['initialCapacity', 1, LABEL_LIMIT],
    ['seed', 0, 0xffffffff],
    ['exactFilterThreshold', 0, LABEL_LIMIT],
  ];
  for (const [key, min, max] of ranges) {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw bad(`${key} must be an integer in ${min}..${max}, got ${String(value)}`);
    }
  }
  return Object.freeze(resolved);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= LABEL_LIMIT) {
    throw jadeError('JADE_ERR_INDEX_LABEL_INVALID', [label, `labels are integers in 0..${LABEL_LIMIT - 1}`]);
  }
}

// Errors from the addon may come from another realm (Jest's vm contexts): read the message without instanceof.
function messageOf(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

function nativeError(action: string, err: unknown): JadeError {
  return jadeError('JADE_ERR_INDEX_NATIVE_FAILED', [action, messageOf(err)], { cause: err });
}

function native<T>(action: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw nativeError(action, err);
  }
}

/** Restores the min-heap order (by key, then label) below `i` in parallel arrays of `n` entries. */
function siftDown(keys: Float64Array, labels: Uint32Array, i: number, n: number): void {
  const key = keys[i]!;
  const label = labels[i]!;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    let child = left;
    if (right < n && (keys[right]! < keys[left]! || (keys[right] === keys[left] && labels[right]! < labels[left]!))) child = right;
    const childKey = keys[child]!;
    if (childKey > key || (childKey === key && labels[child]! > label)) break;
    keys[i] = childKey;
    labels[i] = labels[child]!;
    i = child;
  }
  keys[i] = key;
  labels[i] = label;
}

const byHigherScore = (a: IndexHit, b: IndexHit): number => b.score - a.score || a.label - b.label;
const byLowerScore = (a: IndexHit, b: IndexHit): number => a.score - b.score || a.label - b.label;

/** A min-heap of free labels, cleaned lazily (entries whose label was taken meanwhile are skipped on pop). */
class LabelHeap {
  private items = new Uint32Array(64);
  private length = 0;

  push(label: number): void {
    if (this.length === this.items.length) {
      const grown = new Uint32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const items = this.items;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= label) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = label;
  }

  pop(): number | undefined {
    if (this.length === 0) return undefined;
    const items = this.items;
    const top = items[0]!;
    const last = items[--this.length]!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.length) break;
      const right = left + 1;
      const child = right < this.length && items[right]! < items[left]! ? right : left;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    if (this.length > 0) items[i] = last;
    return top;
  }
}

/** The k best (score, label) pairs seen, kept in a heap whose root is the worst of them. */
class TopK {
  private readonly labels: Uint32Array;
  private readonly scores: Float64Array;
  private length = 0;

  constructor(
    private readonly k: number,
    private readonly higherIsBetter: boolean,
  ) {
    this.labels = new Uint32Array(k);
    this.scores = new Float64Array(k);
  }

  offer(label: number, score: number): void {
    if (this.length < this.k) {
      let i = this.length++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, label, this.scores[parent]!, this.labels[parent]!)) break;
        this.labels[i] = this.labels[parent]!;
        this.scores[i] = this.scores[parent]!;
        i = parent;
      }
      this.labels[i] = label;
      this.scores[i] = score;
      return;
    }
    if (this.k === 0 || !this.worse(this.scores[0]!, this.labels[0]!, score, label)) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.length) break;
      const right = left + 1;
      let child = left;
      if (right < this.length && this.worse(this.scores[right]!, this.labels[right]!, this.scores[left]!, this.labels[left]!)) child = right;
      if (!this.worse(this.scores[child]!, this.labels[child]!, score, label)) break;
      this.labels[i] = this.labels[child]!;
      this.scores[i] = this.scores[child]!;
      i = child;
    }
    this.labels[i] = label;
    this.scores[i] = score;
  }

  sorted(): IndexHit[] {
    const hits: IndexHit[] = [];
    for (let i = 0; i < this.length; i++) hits.push({ label: this.labels[i]!, score: this.scores[i]! });
    return hits.sort(this.higherIsBetter ? byHigherScore : byLowerScore);
  }

  /** Whether (scoreA, labelA) ranks below (scoreB, labelB). */
  private worse(scoreA: number, labelA: number, scoreB: number, labelB: number): boolean {
    if (scoreA !== scoreB) return this.higherIsBetter ? scoreA < scoreB : scoreA > scoreB;
    return labelA > labelB;
  }
}

/** A FIFO of labels in a growable ring. */
class LabelQueue {
  private items = new Uint32Array(64);
  private head = 0;
  private length = 0;

  push(label: number): void {
    this.grow();
    this.items[(this.head + this.length) % this.items.length] = label;
    this.length += 1;
  }

  /** Puts a label back at the front. */
  unshift(label: number): void {
    this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = label;
    this.length += 1;
  }

  shift(): number | undefined {
    if (this.length === 0) return undefined;
    const label = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.length -= 1;
    return label;
  }

  size(): number {
    return this.length;
  }

  /** Keeps the labels `keep` accepts, in order. */
  retain(keep: (label: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const label = this.items[(this.head + i) % this.items.length]!;
      if (keep(label)) this.items[(this.head + kept++) % this.items.length] = label;
    }
    this.length = kept;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }

  *values(): IterableIterator<number> {
    for (let i = 0; i < this.length; i++) yield this.items[(this.head + i) % this.items.length]!;
  }

  private grow(): void {
    if (this.length < this.items.length) return;
    const grown = new Uint32Array(this.items.length * 2);
    for (let i = 0; i < this.length; i++) grown[i] = this.items[(this.head + i) % this.items.length]!;
    this.items = grown;
    this.head = 0;
  }
}
