/**
 * Search load from `wrk` (Debian's package), scripted in Lua (bench/wrk/search.lua): a C event loop costs far less
 * CPU than a Node client on the 2 cores it shares with the server. One thread per connection, so each response is
 * matched to its query and recall is computed from the responses collected under load.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { meanRecall } from './stats';

export interface WrkRun {
  connections: number;
  durationS: number;
  requests: number;
  qps: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyMs: { min: number; mean: number; max: number; p50: number; p95: number; p99: number; p999: number };
  /** (latency ms, fraction at or below) from wrk's percentiles. */
  cdf: { x: number; y: number }[];
  /** Responses recorded with their ids (all of them, or all but the last unflushed few per thread). */
  recorded: number;
  non200: number;
  /** Mean recall@k over every recorded 200 response. */
  recall: number;
}

export interface WrkOptions {
  url: string;
  path: string;
  /** One JSON search body per query, in query order. */
  bodies: readonly string[];
  /** Exact top-k labels per query. */
  truth: readonly (readonly number[])[];
  k: number;
  connections: number;
  durationS: number;
  timeoutS?: number;
}

const SCRIPT = path.join(__dirname, 'wrk', 'search.lua');

export async function runWrk(options: WrkOptions): Promise<WrkRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-wrk-'));
  try {
    const bodiesFile = path.join(dir, 'bodies.txt');
    fs.writeFileSync(bodiesFile, options.bodies.join('\n') + '\n');
    const outPrefix = path.join(dir, 'responses-');
    const args = [
      '-t', String(options.connections),
      '-c', String(options.connections),
      '-d', `${options.durationS}s`,
      '--timeout', `${options.timeoutS ?? 10}s`,
      '-s', SCRIPT,
      options.url + options.path,
      '--', bodiesFile, outPrefix, options.path,
    ];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('wrk', args, { maxBuffer: 16 * 1024 * 1024 }, (err, out, errOut) => {
        if (err) reject(new Error(`wrk failed: ${err.message}\n${errOut}`));
        else resolve(out);
      });
    });
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
    const summary = JSON.parse(line.slice('WRK_JSON '.length)) as {
      requests: number;
      durationUs: number;
      errors: WrkRun['errors'];
      latencyUs: { min: number; max: number; mean: number; percentiles: Record<string, number> };
    };
    const answers: number[][] = [];
    const truths: (readonly number[])[] = [];
    let recorded = 0;
    let non200 = 0;
    for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('responses-'))) {
      for (const row of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        if (row === '') continue;
        const [index, status, ids] = row.split(' ');
        recorded++;
        if (status !== '200') {
          non200++;
          continue;
        }
        const q = Number(index) - 1;
        answers.push(ids === undefined || ids === '' ? [] : ids.split(',').map(Number));
        truths.push(options.truth[q]!);
      }
    }
    const pct = summary.latencyUs.percentiles;
    const ms = (us: number | undefined) => (us ?? Number.NaN) / 1000;
    const cdf = Object.entries(pct)
      .map(([p, us]) => ({ x: us / 1000, y: Number(p) / 100 }))
      .sort((a, b) => a.y - b.y);
    const durationS = summary.durationUs / 1e6;
    return {
      connections: options.connections,
      durationS,
      requests: summary.requests,
      qps: summary.requests / durationS,
      errors: summary.errors,
      latencyMs: {
        min: ms(summary.latencyUs.min),
        mean: ms(summary.latencyUs.mean),
        max: ms(summary.latencyUs.max),
        p50: ms(pct['50']),
        p95: ms(pct['95']),
        p99: ms(pct['99']),
        p999: ms(pct['99.9']),
      },
      cdf,
      recorded,
      non200,
      recall: meanRecall(answers, truths, options.k),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
