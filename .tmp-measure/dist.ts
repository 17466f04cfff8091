const dim = 128, n = 20000;
const page = new Float32Array(n * dim).map(() => Math.random());
const q = new Float32Array(dim).map(() => Math.random());
function l2a(base: number): number { let s = 0; for (let i = 0; i < dim; i++) { const d = q[i]! - page[base + i]!; s += d * d; } return Math.sqrt(s); }
function l2b(base: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0; let i = 0;
  for (; i + 3 < dim; i += 4) { const d0 = q[i]! - page[base + i]!; const d1 = q[i+1]! - page[base + i+1]!; const d2 = q[i+2]! - page[base + i+2]!; const d3 = q[i+3]! - page[base + i+3]!; s0 += d0*d0; s1 += d1*d1; s2 += d2*d2; s3 += d3*d3; }
  for (; i < dim; i++) { const d = q[i]! - page[base + i]!; s0 += d * d; }
  return Math.sqrt((s0 + s1) + (s2 + s3));
}
function l2c(base: number): number { let s = 0; let i = 0; for (; i + 3 < dim; i += 4) { const d0 = q[i]! - page[base + i]!; const d1 = q[i+1]! - page[base + i+1]!; const d2 = q[i+2]! - page[base + i+2]!; const d3 = q[i+3]! - page[base + i+3]!; s += d0*d0; s += d1*d1; s += d2*d2; s += d3*d3; } for (; i < dim; i++) { const d = q[i]! - page[base + i]!; s += d * d; } return Math.sqrt(s); }
for (const [name, f] of [['plain', l2a], ['unroll4-split', l2b], ['unroll4-seq', l2c], ['plain', l2a], ['unroll4-seq', l2c]] as const) {
  let x = 0; const t = performance.now();
  for (let r = 0; r < 20; r++) for (let j = 0; j < n; j++) x += f(j * dim);
  console.log(name, ((performance.now() - t) / 20).toFixed(2), 'ms per 20k', x > 0);
}
