/** What the report says about the machine: cores, load, versions, and a process's memory from /proc. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface MachineLoad {
  atMs: number;
  loadavg: [number, number, number];
}

export function machineLoad(): MachineLoad {
  const [a, b, c] = os.loadavg();
  return { atMs: Date.now(), loadavg: [a ?? 0, b ?? 0, c ?? 0] };
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  commit: string | undefined;
  dirty: boolean | undefined;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  let commit: string | undefined;
  let dirty: boolean | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
  } catch {
    // Not a git checkout (a tarball): the report just leaves the commit out.
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
    dirty,
  };
}

export interface ProcessMemory {
  /** Resident set size, bytes. */
  rss: number;
  /** Anonymous resident memory (heap, HNSW graphs): RssAnon of /proc/<pid>/status, bytes. */
  rssAnon: number;
  /** File-backed resident memory (mapped LMDB files, code). */
  rssFile: number;
  /** `Anonymous` of /proc/<pid>/smaps_rollup, when readable, bytes. */
  anonymous: number | undefined;
}

/** Memory of a process (Linux /proc); undefined where /proc is missing. */
export function processMemory(pid: number = process.pid): ProcessMemory | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (text: string, field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m === null ? undefined : Number(m[1]) * 1024;
  };
  let anonymous: number | undefined;
  try {
    anonymous = kb(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Anonymous');
  } catch {
    anonymous = undefined;
  }
  return { rss: kb(status, 'VmRSS') ?? 0, rssAnon: kb(status, 'RssAnon') ?? 0, rssFile: kb(status, 'RssFile') ?? 0, anonymous };
}

/** Total size in bytes of the files under `dir`. */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory()) total += directoryBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

export function wrkVersion(): string | undefined {
  try {
    const out = execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]?.trim();
  } catch (err) {
    // wrk prints its version and usage, then exits 1.
    const out = (err as { stdout?: string }).stdout ?? '';
    const line = out.split('\n')[0]?.trim();
    return line === undefined || line === '' ? undefined : line;
  }
}
