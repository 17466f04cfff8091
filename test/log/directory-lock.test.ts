/**
 * The data-directory lock (src/log/directory-lock.ts) across real processes: holders are child processes running
 * test/fixtures/lock/hold-directory-lock.ts, killed with SIGKILL the way a crash or an OOM kill ends them.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flockSync } from 'fs-ext';
import { DirectoryLock } from '../../src/log/directory-lock';

const ROOT = path.join(__dirname, '..', '..');
const HOLDER = path.join(ROOT, 'test', 'fixtures', 'lock', 'hold-directory-lock.ts');
const HOLDER_COMMAND = [process.execPath, '--import', 'tsx', HOLDER];
const TIMEOUT_MS = 20_000;

/** A child process speaking the line protocol of test/fixtures/lock/hold-directory-lock.ts. */
class Holder {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | string>;
  private exitedWith: number | string | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        this.lines.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
      }
      this.wake();
    });
    // Writing to or closing the stdin of a child that already exited fails with EPIPE: nothing to do then.
    child.stdin.on('error', () => undefined);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitedWith = code ?? signal ?? 'unknown';
        this.wake();
        resolve(this.exitedWith);
      });
    });
  }

  /** The first line starting with one of `prefixes`. */
  async line(...prefixes: string[]): Promise<string> {
    const [line] = await this.linesStarting(prefixes, 1);
    return line!;
  }

  /** The first `count` lines starting with one of `prefixes`; fails as soon as the process exits without them, or at the deadline. */
  linesStarting(prefixes: readonly string[], count: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const describe = (): string => `${count} line(s) ${prefixes.join('/')} from pid ${this.child.pid}; stdout ${JSON.stringify(this.lines)}, stderr ${this.stderr}`;
      const check = (): void => {
        const found = this.lines.filter((line) => prefixes.some((prefix) => line.startsWith(prefix)));
        if (found.length < count && this.exitedWith === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        if (found.length >= count) resolve(found.slice(0, count));
        else reject(new Error(`exited (${this.exitedWith}) before printing ${describe()}`));
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${describe()}`));
      }, TIMEOUT_MS);
      this.waiters.add(check);
      check();
    });
  }

  /** Closes stdin (a holder then releases and exits) and waits for the exit. */
  async stop(): Promise<number | string> {
    this.child.stdin.end();
    return this.exited;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

const holders: Holder[] = [];
const dirs: string[] = [];

function start(command: readonly string[]): Holder {
  const [file, ...args] = command;
  const holder = new Holder(spawn(file!, args, { cwd: ROOT, stdio: 'pipe' }));
  holders.push(holder);
  return holder;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-lock-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const holder of holders.splice(0)) {
    if (holder.child.exitCode === null && holder.child.signalCode === null) holder.child.kill('SIGKILL');
    await holder.exited;
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function lockedError(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected the lock to be refused');
}

/**
 * Whether `pid` has died and not been reaped by its parent yet: its main thread is a zombie and its other threads
 * are gone (a killed process's main thread can turn zombie while its other threads, which share its open files,
 * are still exiting). Such a process still "exists" for `kill(pid, 0)`.
 */
function deadUnreaped(pid: number): boolean {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  return /^State:\s*Z/m.test(status) && /^Threads:\s*1$/m.test(status);
}

/** Blocks the thread (so the event loop cannot reap children) until `check` holds, for at most `timeoutMs`. */
function blockUntil(check: () => boolean, what: string, timeoutMs = TIMEOUT_MS): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    Atomics.wait(pause, 0, 0, 1);
  }
}

/** Pids whose parent is `parent`, from /proc/<pid>/stat. */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // The process ended while the directory was read.
    }
  }
  return children;
}

const hasProc = fs.existsSync('/proc/self/stat');
const unshareProbe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
const unshareWorks = hasProc && unshareProbe.status === 0;
if (!unshareWorks) {
  console.warn(
    `Skipping the pid-1 lock test: \`unshare --pid --fork --mount-proc true\` failed (${unshareProbe.error?.message ?? unshareProbe.stderr.trim()}); it needs util-linux and root (or user namespaces).`,
  );
}
if (!hasProc) console.warn('Skipping the SIGKILL-before-reaping lock test: it reads process states from /proc.');

describe('DirectoryLock', () => {
  jest.setTimeout(60_000);

  it('refuses a second acquire in the same process until released, naming the owner by pid', () => {
    const dir = tempDir();
    const lock = DirectoryLock.acquire(dir);
    const refused = lockedError(() => DirectoryLock.acquire(dir));
    expect(refused.code).toBe('JADE_ERR_DATA_DIR_LOCKED');
    expect(refused.message).toContain(`(pid ${process.pid})`);
    lock.release();
    lock.release();
    DirectoryLock.acquire(dir).release();
  });

  it('refuses an acquire from another process while one process holds the lock, and frees it on release', async () => {
    const dir = tempDir();
    const holder = start([...HOLDER_COMMAND, dir]);
    expect(await holder.line('locked', 'refused')).toBe(`locked ${holder.child.pid}`);

    const second = start([...HOLDER_COMMAND, dir]);
    const refused = await second.line('locked', 'refused');
    expect(refused).toMatch(/^refused JADE_ERR_DATA_DIR_LOCKED /);
    expect(refused).toContain(`(pid ${holder.child.pid})`);
    expect(await second.exited).toBe(3);
    expect(lockedError(() => DirectoryLock.acquire(dir)).code).toBe('JADE_ERR_DATA_DIR_LOCKED');

    expect(await holder.stop()).toBe(0);
    DirectoryLock.acquire(dir).release();
  });

  it('is refused while the LOCK file is locked even if no pid was written in it, naming the owner unknown', () => {
    const dir = tempDir();
    const fd = fs.openSync(path.join(dir, 'LOCK'), 'w');
    try {
      flockSync(fd, 'exnb');
      const refused = lockedError(() => DirectoryLock.acquire(dir));
      expect(refused.code).toBe('JADE_ERR_DATA_DIR_LOCKED');
      expect(refused.message).toContain('(pid unknown)');
    } finally {
      fs.closeSync(fd);
    }
    DirectoryLock.acquire(dir).release();
  });

  (hasProc ? it : it.skip)('is free as soon as its holder dies by SIGKILL, before the dead holder is reaped', async () => {
    const dir = tempDir();
    const holder = start([...HOLDER_COMMAND, dir]);
    await holder.line('locked');
    const pid = holder.child.pid!;

    // From here to the assertions nothing yields to the event loop, so Node cannot reap the child: it stays a zombie,
    // which `kill(pid, 0)` still reports as existing.
    holder.child.kill('SIGKILL');
    blockUntil(() => deadUnreaped(pid), `pid ${pid} to die`);
    let lock: DirectoryLock | undefined;
    let error: unknown;
    try {
      lock = DirectoryLock.acquire(dir);
    } catch (err) {
      error = err;
    }
    expect(deadUnreaped(pid)).toBe(true);
    expect(error).toBeUndefined();
    lock?.release();
    expect(await holder.exited).toBe('SIGKILL');
  });

  (unshareWorks ? it : it.skip)('is taken again by a restart after its holder, pid 1 of a pid namespace (a container), was killed', async () => {
    const dir = tempDir();
    const command = ['unshare', '--pid', '--fork', '--mount-proc', ...HOLDER_COMMAND, dir];
    const first = start(command);
    expect(await first.line('locked', 'refused')).toBe('locked 1');

    // unshare --fork runs the holder as its only child; kill that one (pid 1 inside) from outside.
    const [holderPid, ...others] = childrenOf(first.child.pid!);
    expect(others).toEqual([]);
    process.kill(holderPid!, 'SIGKILL');
    await first.exited;
    expect(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8')).toBe('1');

    const second = start(command);
    expect(await second.line('locked', 'refused')).toBe('locked 1');
    await second.stop();
  });

  it('lets exactly one of many processes starting at once over a stale LOCK file take the lock', async () => {
    // Ten directories, each with a LOCK file left by a process that has exited; eight processes try each directory
    // at the same instant (one directory every 25 ms): every directory must end up with exactly one owner.
    const dead = spawnSync(process.execPath, ['-e', '']);
    const stale = Array.from({ length: 10 }, () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'LOCK'), String(dead.pid));
      return dir;
    });
    const racers = Array.from({ length: 8 }, () => start([...HOLDER_COMMAND, '--wait-go', ...stale]));
    await Promise.all(racers.map((racer) => racer.line('ready')));
    const at = Date.now() + 300;
    for (const racer of racers) racer.child.stdin.write(`go ${at} 25\n`);
    const results = await Promise.all(racers.map((racer) => racer.linesStarting(['locked', 'refused'], stale.length)));

    stale.forEach((dir, i) => {
      const outcomes = results.map((lines) => lines[i]!);
      const winners = outcomes.filter((line) => line.startsWith('locked '));
      const losers = outcomes.filter((line) => line.startsWith('refused '));
      expect({ dir: i, winners }).toEqual({ dir: i, winners: [expect.any(String)] });
      expect(losers).toHaveLength(racers.length - 1);
      for (const line of losers) expect(line).toMatch(/^refused JADE_ERR_DATA_DIR_LOCKED /);
      expect(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8')).toBe(winners[0]!.slice('locked '.length));
    });
    await Promise.all(racers.map((racer) => racer.stop()));
  });
});
