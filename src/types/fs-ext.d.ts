/**
 * Types for the part of fs-ext 2.1.1 (which ships none) that src/log/directory-lock.ts uses, as implemented in
 * node_modules/fs-ext/fs-ext.js. Flag strings map to the LOCK_* constants: `exnb` is LOCK_EX | LOCK_NB.
 */
declare module 'fs-ext' {
  type FlockFlag = 'sh' | 'ex' | 'shnb' | 'exnb' | 'un' | number;

  /** flock(2) on an open descriptor; throws an errno error (code EAGAIN when LOCK_NB finds the lock taken). */
  export function flockSync(fd: number, flags: FlockFlag): void;
  export function flock(fd: number, flags: FlockFlag, callback?: (err: NodeJS.ErrnoException | null) => void): void;

  export const constants: {
    readonly LOCK_SH: number;
    readonly LOCK_EX: number;
    readonly LOCK_NB: number;
    readonly LOCK_UN: number;
  };
}
