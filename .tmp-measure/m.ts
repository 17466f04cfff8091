import { VectorIndex, type Metric } from '/work/main/src/shard/hnsw-index';
import { clusteredVectors, bruteForceTopK, recallAtK, seededRandom } from '/work/main/test/helpers/vectors';

const n = 20000, dim = 128, Q = 200;
const data = clusteredVectors({ count: n, dimension: dim, seed: 7 });
const queries = clusteredVectors({ count: Q, dimension: dim, seed: 7 }).map((v, i) => v); // same centres? different seed below
const qs = clusteredVectors({ count: n + Q, dimension: dim, seed: 7 }).slice(n);
void queries;
for (const metric of ['cosine', 'euclidean', 'dot'] as Metric[]) {
  const index = VectorIndex.create({ metric, dimension: dim, initialCapacity: 1024 });
  let t = performance.now();
  for (let i = 0; i < n; i++) index.upsert(i, data[i]!);
  const ins = n / ((performance.now() - t) / 1000);
  for (const ef of [32, 64, 128]) {
    let r = 0;
    t = performance.now();
    const res = qs.map((q) => index.search(q, 10, { ef }));
    const qps = Q / ((performance.now() - t) / 1000);
    qs.forEach((q, i) => { r += recallAtK(res[i]!, bruteForceTopK(metric, data, q, 10)); });
    console.log(metric, 'insert/s', ins.toFixed(0), 'ef', ef, 'recall', (r / Q).toFixed(4), 'qps', qps.toFixed(0), 'cap', index.capacity());
  }
  t = performance.now();
  for (const q of qs.slice(0, 50)) index.search(q, 10, { exact: true });
  console.log('exact qps', (50 / ((performance.now() - t) / 1000)).toFixed(0));
  if (metric === 'euclidean') {
    const rnd = seededRandom(3);
    const u = Float64Array.from({ length: n }, () => rnd());
    for (const p of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]) {
      const f = (l: number) => u[l]! < p;
      for (const mode of ['walk', 'exact', 'auto'] as const) {
        let r = 0; let calls = 0;
        const counted = (l: number) => { calls++; return f(l); };
        t = performance.now();
        const res = qs.map((q) => index.search(q, 10, { filter: counted, ...(mode === 'walk' ? { filterCount: 1e9 } : mode === 'exact' ? { filterCount: 0 } : {}) }));
        const qps = Q / ((performance.now() - t) / 1000);
        qs.forEach((q, i) => { r += recallAtK(res[i]!, bruteForceTopK(metric, data, q, 10, f)); });
        console.log(`  p=${p} ${mode} recall ${(r / Q).toFixed(4)} qps ${qps.toFixed(0)} calls/q ${(calls / Q).toFixed(0)}`);
      }
    }
  }
  index.close();
}
