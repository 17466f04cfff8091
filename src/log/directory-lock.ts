/**
 * A process lock on a data directory: an exclusive `flock` on the `LOCK` file in it, held on an open descriptor for
 * as long as the lock lives. The kernel drops the lock when that descriptor closes, which includes the process dying
 * in any way (`kill -9` too), so a restart never has to decide whether a previous owner is still alive: no pid
 * comparison (in a container every start is pid 1), no wait for the dead process to be reaped, no stale file to
 * remove (two starters removing the same stale file could both win).
 *
 * The owner's pid is written into the file for the error message of the next starter; it plays no part in locking.
 * The file is never deleted: a starter that opened it just before a delete would lock an inode nobody else sees.
 */
import fs from 'node:fs';
import path from 'node:path';
import { flockSync } from 'fs-ext';
import { jadeError } from '../errors';

export class DirectoryLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {}

  static acquire(dir: string): DirectoryLock {
    const file = path.join(dir, 'LOCK');
    // Node opens files close-on-exec, so child processes do not inherit the descriptor (nor the lock with it).
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      flockSync(fd, 'exnb');
    } catch (err) {
      fs.closeSync(fd);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') throw jadeError('JADE_ERR_DATA_DIR_LOCKED', [dir, ownerOf(file)]);
      throw err;
    }
    try {
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, String(process.pid), 0);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return new DirectoryLock(file, fd);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      // Still holding the lock: clear the pid so the file does not name a process that no longer owns it.
      fs.ftruncateSync(this.fd, 0);
      flockSync(this.fd, 'un');
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** The pid the current owner wrote, or 'unknown' (not written yet, or unreadable). */
function ownerOf(file: string): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^[0-9]+$/.test(text) ? text : 'unknown';
  } catch {
    return 'unknown';
  }
}
