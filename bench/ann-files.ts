/**
 * Readers (and a writer) for the standard ANN benchmark formats:
 * - `.fvecs` / `.ivecs` / `.bvecs` (TEXMEX, as SIFT1M and GIST1M ship): each vector is a little-endian int32
 *   dimension followed by that many float32 / int32 / uint8 values;
 * - ann-benchmarks `.hdf5` files (`train`, `test`, `neighbors` datasets and a `distance` attribute), read with
 *   h5wasm (HDF5's C library compiled to WebAssembly), loaded only when such a file is asked for.
 */
import fs from 'node:fs';

export type VecsKind = 'fvecs' | 'ivecs' | 'bvecs';

export interface Vecs<T extends Float32Array | Int32Array> {
  dimension: number;
  count: number;
  /** Row-major, `count * dimension` values. */
  data: T;
}

export function readFvecs(file: string, limit = Infinity, offset = 0): Vecs<Float32Array> {
  return readVecs(file, 'fvecs', limit, offset) as Vecs<Float32Array>;
}

export function readIvecs(file: string, limit = Infinity, offset = 0): Vecs<Int32Array> {
  return readVecs(file, 'ivecs', limit, offset) as Vecs<Int32Array>;
}

export function readBvecs(file: string, limit = Infinity, offset = 0): Vecs<Float32Array> {
  return readVecs(file, 'bvecs', limit, offset) as Vecs<Float32Array>;
}

/** Reads vectors `offset .. offset+limit` of a `.fvecs`/`.ivecs`/`.bvecs` file (bvecs values become float32). */
export function readVecs(file: string, kind: VecsKind, limit = Infinity, offset = 0): Vecs<Float32Array | Int32Array> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(4);
    if (size < 4 || fs.readSync(fd, head, 0, 4, 0) !== 4) throw new Error(`${file}: empty or truncated ${kind} file`);
    const dimension = head.readInt32LE(0);
    const width = kind === 'bvecs' ? 1 : 4;
    const recordBytes = 4 + dimension * width;
    if (dimension <= 0 || size % recordBytes !== 0) throw new Error(`${file}: not a ${kind} file (dimension ${dimension}, ${size} bytes)`);
    const total = size / recordBytes;
    const start = Math.min(offset, total);
    const count = Math.min(total - start, limit);
    const raw = Buffer.alloc(count * recordBytes);
    let read = 0;
    while (read < raw.length) {
      const n = fs.readSync(fd, raw, read, raw.length - read, start * recordBytes + read);
      if (n === 0) throw new Error(`${file}: truncated`);
      read += n;
    }
    const data = kind === 'ivecs' ? new Int32Array(count * dimension) : new Float32Array(count * dimension);
    for (let i = 0; i < count; i++) {
      const at = i * recordBytes;
      const d = raw.readInt32LE(at);
      if (d !== dimension) throw new Error(`${file}: vector ${start + i} has dimension ${d}, the first has ${dimension}`);
      for (let j = 0; j < dimension; j++) {
        const p = at + 4 + j * width;
        data[i * dimension + j] = kind === 'fvecs' ? raw.readFloatLE(p) : kind === 'ivecs' ? raw.readInt32LE(p) : raw[p]!;
      }
    }
    return { dimension, count, data };
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes row-major `data` as `.fvecs` (Float32Array) or `.ivecs` (Int32Array), via a temporary file. */
export function writeVecs(file: string, dimension: number, data: Float32Array | Int32Array): void {
  const count = data.length / dimension;
  if (!Number.isInteger(count)) throw new Error(`writeVecs: ${data.length} values are not rows of ${dimension}`);
  const recordBytes = 4 + dimension * 4;
  const out = Buffer.alloc(count * recordBytes);
  for (let i = 0; i < count; i++) {
    out.writeInt32LE(dimension, i * recordBytes);
    for (let j = 0; j < dimension; j++) {
      const p = i * recordBytes + 4 + j * 4;
      if (data instanceof Float32Array) out.writeFloatLE(data[i * dimension + j]!, p);
      else out.writeInt32LE(data[i * dimension + j]!, p);
    }
  }
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, file);
}

export interface AnnBenchmarksFile {
  metric: 'cosine' | 'euclidean' | 'dot';
  dimension: number;
  train: Float32Array;
  trainCount: number;
  test: Float32Array;
  testCount: number;
  /** Exact neighbours of each test vector (indices into train), `testCount * neighborsK`. */
  neighbors: Int32Array | undefined;
  neighborsK: number;
}

/** Reads an ann-benchmarks HDF5 file (`train`, `test`, optional `neighbors`; attribute `distance`). */
export async function readAnnBenchmarksHdf5(file: string, limits: { train?: number; test?: number } = {}): Promise<AnnBenchmarksFile> {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'r');
  try {
    const dataset = (name: string) => {
      const entity = f.get(name);
      if (!(entity instanceof h5wasm.Dataset)) return undefined;
      return entity;
    };
    const train = dataset('train');
    const test = dataset('test');
    if (train === undefined || test === undefined) throw new Error(`${file}: no train/test datasets (not an ann-benchmarks file)`);
    const [trainTotal, dimension] = train.shape ?? [];
    const [testTotal] = test.shape ?? [];
    if (trainTotal === undefined || dimension === undefined || testTotal === undefined) throw new Error(`${file}: train/test are not 2-d`);
    const trainCount = Math.min(trainTotal, limits.train ?? Infinity);
    const testCount = Math.min(testTotal, limits.test ?? Infinity);
    const rows = (d: InstanceType<typeof h5wasm.Dataset>, count: number, width: number) => d.slice([[0, count], [0, width]]);
    const trainData = Float32Array.from(rows(train, trainCount, dimension) as ArrayLike<number>);
    const testData = Float32Array.from(rows(test, testCount, dimension) as ArrayLike<number>);
    const neighborsSet = dataset('neighbors');
    let neighbors: Int32Array | undefined;
    let neighborsK = 0;
    // Stored neighbours are exact over the whole train set: they hold only when it is read whole.
    if (neighborsSet !== undefined && trainCount === trainTotal) {
      neighborsK = neighborsSet.shape?.[1] ?? 0;
      neighbors = Int32Array.from(rows(neighborsSet, testCount, neighborsK) as ArrayLike<number>);
    }
    const distanceAttr = f.attrs.distance?.value;
    const distance = typeof distanceAttr === 'string' ? distanceAttr : 'euclidean';
    const metric = distance === 'angular' || distance === 'cosine' ? 'cosine' : distance === 'dot' || distance === 'ip' ? 'dot' : 'euclidean';
    return { metric, dimension, train: trainData, trainCount, test: testData, testCount, neighbors, neighborsK };
  } finally {
    f.close();
  }
}
