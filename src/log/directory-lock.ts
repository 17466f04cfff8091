/**
 * A process lock on a data directory: a `LOCK` file holding the owner's pid, created exclusively.
 * A lock left by a process that no longer exists (after `kill -9`) is taken over; a live owner stops start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { jadeError } from '../errors';

export class DirectoryLock {
  private released = false;

  private constructor(readonly file: string) {}

  static acquire(dir: string): DirectoryLock {
    const file = path.join(dir, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return new DirectoryLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number.parseInt(readOrEmpty(file), 10);
        if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
          throw jadeError('JADE_ERR_DATA_DIR_LOCKED', [dir, owner]);
        }
        if (owner === process.pid) throw jadeError('JADE_ERR_DATA_DIR_LOCKED', [dir, owner]);
        // Stale: its owner died without releasing it.
        fs.rmSync(file, { force: true });
      }
    }
    throw jadeError('JADE_ERR_DATA_DIR_LOCKED', [dir, 'unknown']);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    fs.rmSync(this.file, { force: true });
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
