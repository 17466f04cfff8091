/**
 * Snapshots of a shard: caches of `(state, next offset)` that make recovery a load plus a short replay.
 *
 * One directory per snapshot, `<offset padded>-<time>`: the HNSW file of each held incarnation, a compacted copy
 * of the live store at the same offset, and `manifest.json` (offsets, format version, sha256 of every file).
 * It is written under a temporary name, flushed, and renamed into place, so a crash leaves either a whole
 * snapshot or none. Recovery takes the newest one that verifies and is young enough; anything unusable is
 * skipped with a warning (and removed), never a crash: the last resort is a full replay from offset 0.
 *
 * With encryption on, the parts are written to memory-backed temp space, each is encrypted into the snapshot
 * directory (AES-256-GCM, see `security/crypto.ts`) and deleted; the manifest's checksums cover the encrypted files.
 * Recovery decrypts them into temp space again, for the loader, and `release()` deletes them. A snapshot that does
 * not decrypt (a wrong key, an altered file) is unusable like any other.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jadeError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { decryptFile, encryptFile, makeSecureTempDir, type Keyring } from '../security/crypto';

export const SNAPSHOT_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const STORE_FILE = 'store.mdb';

export interface SnapshotManifest {
  formatVersion: number;
  partition: number;
  /** The shard's next offset: replay resumes here. */
  nextOffset: number;
  /** The catalog offset the shard had seen. */
  catalogOffset: number;
  /** Identity of the vectors topic: a snapshot of another topic (a re-created one) is never used. */
  topicIdentity: string;
  createdAtMs: number;
  /**
   * When the shard last had the whole log applied (at or before creation). Tombstones appended after this may be
   * compacted away `delete.retention.ms` later, so the snapshot's age is measured from here.
   */
  caughtUpAtMs: number;
  store: string;
  indexes: { incarnation: number; file: string }[];
  files: { name: string; bytes: number; sha256: string }[];
  /** Present when every file is encrypted. */
  encryption?: { algorithm: 'aes-256-gcm'; keyId: string };
}

export interface UsableSnapshot {
  dir: string;
  manifest: SnapshotManifest;
  /** Where to load the parts from: the snapshot itself, or their decrypted copies in temp space. */
  storeFile: string;
  indexFiles: Map<number, string>;
  /** Deletes decrypted copies once loaded (a no-op for a plaintext snapshot). */
  release(): void;
}

export interface SnapshotEncryption {
  keyring: Keyring;
  /** Memory-backed directory (tmpfs) where parts exist in plaintext while being encrypted or loaded. */
  tempDir: string;
}

export interface SnapshotRequirements {
  topicIdentity: string;
  /** Snapshots older than this (measured from `caughtUpAtMs`) could miss compacted tombstones. */
  maxAgeMs: number;
  now?: number;
}

export class SnapshotStore {
  private readonly logger: Logger;

  /** Prefix of this store's directories in temp space: one per snapshot directory, so leftovers can be found. */
  private readonly tempPrefix: string;

  constructor(
    /** Directory holding this partition's snapshots. */
    readonly dir: string,
    readonly partition: number,
    logger: Logger = silentLogger,
    private readonly encryption?: SnapshotEncryption,
  ) {
    this.logger = logger.child({ component: 'snapshot', partition });
    fs.mkdirSync(dir, { recursive: true });
    this.tempPrefix = `jade-snap-${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 12)}-`;
    this.removeTempLeftovers();
  }

  /**
   * Takes a snapshot: `writeParts` writes the shard's store copy and index files (see `Shard.writeSnapshotParts`)
   * and reports the offset they are at. The caller makes sure no batch is applied meanwhile.
   */
  async write(
    info: { catalogOffset: number; topicIdentity: string; caughtUpAtMs: number },
    writeParts: (storeFile: string, indexDir: string) => Promise<{ nextOffset: number; indexFiles: [number, string][] }>,
  ): Promise<SnapshotManifest> {
    const createdAtMs = Date.now();
    const tmp = path.join(this.dir, `.tmp-${createdAtMs}-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const encryption = this.encryption;
    // Plaintext parts go to memory-backed temp space when they are to be encrypted.
    const work = encryption === undefined ? tmp : makeSecureTempDir(encryption.tempDir, this.tempPrefix);
    try {
      const parts = await writeParts(path.join(work, STORE_FILE), work);
      if (encryption !== undefined) {
        for (const file of fs.readdirSync(work).sort()) {
          await encryptFile(path.join(work, file), path.join(tmp, file), encryption.keyring);
          fs.rmSync(path.join(work, file));
        }
      }
      const indexFiles = new Map(parts.indexFiles);
      const name = `${String(parts.nextOffset).padStart(16, '0')}-${createdAtMs}`;
      const manifest: SnapshotManifest = {
        formatVersion: SNAPSHOT_FORMAT_VERSION,
        partition: this.partition,
        nextOffset: parts.nextOffset,
        catalogOffset: info.catalogOffset,
        topicIdentity: info.topicIdentity,
        createdAtMs,
        caughtUpAtMs: Math.min(info.caughtUpAtMs, createdAtMs),
        store: STORE_FILE,
        indexes: [...indexFiles.keys()].map((incarnation) => ({ incarnation, file: path.basename(indexFiles.get(incarnation)!) })),
        files: [],
        ...(encryption === undefined ? {} : { encryption: { algorithm: 'aes-256-gcm' as const, keyId: encryption.keyring.currentId } }),
      };
      for (const file of fs.readdirSync(tmp).sort()) {
        manifest.files.push({ name: file, bytes: fs.statSync(path.join(tmp, file)).size, sha256: await sha256File(path.join(tmp, file)) });
        fsyncPath(path.join(tmp, file));
      }
      fs.writeFileSync(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 2));
      fsyncPath(path.join(tmp, MANIFEST));
      fsyncPath(tmp);
      fs.renameSync(tmp, path.join(this.dir, name));
      fsyncPath(this.dir);
      this.logger.info({ nextOffset: manifest.nextOffset, name }, 'snapshot written');
      return manifest;
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    } finally {
      if (work !== tmp) fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /** Snapshot directories, newest (highest offset, then latest) first. */
  list(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((name) => /^\d{16}-\d+$/.test(name))
      .sort()
      .reverse()
      .map((name) => path.join(this.dir, name));
  }

  /** Checks a snapshot's manifest and every file's size and sha256; throws `JADE_ERR_SHARD_SNAPSHOT_INVALID`. */
  async verify(dir: string): Promise<UsableSnapshot> {
    let manifest: SnapshotManifest;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as SnapshotManifest;
    } catch (err) {
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `manifest unreadable: ${(err as Error).message}`], { cause: err });
    }
    if (manifest.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `format version ${manifest.formatVersion}, expected ${SNAPSHOT_FORMAT_VERSION}`]);
    }
    if (manifest.partition !== this.partition) {
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `it is of partition ${manifest.partition}`]);
    }
    const present = new Set(fs.readdirSync(dir));
    for (const file of manifest.files) {
      if (!present.has(file.name)) throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `${file.name} is missing`]);
      const full = path.join(dir, file.name);
      if (fs.statSync(full).size !== file.bytes || (await sha256File(full)) !== file.sha256) {
        throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `${file.name} does not match its checksum`]);
      }
    }
    const listed = new Set(manifest.files.map((f) => f.name));
    for (const needed of [manifest.store, ...manifest.indexes.map((i) => i.file)]) {
      if (!listed.has(needed)) throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `${needed} is not in the manifest`]);
    }
    const keyId = manifest.encryption?.keyId;
    if (keyId === undefined && this.encryption !== undefined) {
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, 'it is not encrypted, and encryption is on']);
    }
    if (keyId !== undefined && this.encryption === undefined) {
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `it is encrypted (key id ${keyId}) and no encryptionKey is configured`]);
    }
    if (keyId !== undefined && this.encryption?.keyring.has(keyId) !== true) {
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `it is encrypted with key id ${keyId}, which is not configured`]);
    }
    return {
      dir,
      manifest,
      storeFile: path.join(dir, manifest.store),
      indexFiles: new Map(manifest.indexes.map((i) => [i.incarnation, path.join(dir, i.file)])),
      release: () => undefined,
    };
  }

  /**
   * The newest snapshot that verifies, belongs to this topic and is young enough. Unusable ones are reported and
   * removed; `undefined` means a full replay from offset 0.
   */
  async newestUsable(requirements: SnapshotRequirements): Promise<UsableSnapshot | undefined> {
    const now = requirements.now ?? Date.now();
    for (const dir of this.list()) {
      try {
        const usable = await this.verify(dir);
        if (usable.manifest.topicIdentity !== requirements.topicIdentity) {
          throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, 'it was taken from another incarnation of the topic']);
        }
        const age = now - usable.manifest.caughtUpAtMs;
        if (age > requirements.maxAgeMs) {
          throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [dir, `it is ${age} ms old, past delete.retention.ms (${requirements.maxAgeMs} ms): it could miss compacted deletes`]);
        }
        return this.encryption === undefined ? usable : await this.decrypted(usable, this.encryption);
      } catch (err) {
        this.logger.warn({ err, dir }, 'snapshot unusable; removing it and trying an older one');
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    return undefined;
  }

  /** Keeps the newest `keep` snapshots (the newest verified one among them) and removes the rest and stale temp dirs. */
  prune(keep = 1): void {
    for (const dir of this.list().slice(keep)) fs.rmSync(dir, { recursive: true, force: true });
    for (const name of fs.readdirSync(this.dir)) if (name.startsWith('.tmp-')) fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
  }

  /** Decrypts a verified snapshot's files into temp space; any failure makes it unusable. */
  private async decrypted(usable: UsableSnapshot, encryption: SnapshotEncryption): Promise<UsableSnapshot> {
    const work = makeSecureTempDir(encryption.tempDir, this.tempPrefix);
    try {
      for (const file of usable.manifest.files) await decryptFile(path.join(usable.dir, file.name), path.join(work, file.name), encryption.keyring);
    } catch (err) {
      fs.rmSync(work, { recursive: true, force: true });
      throw jadeError('JADE_ERR_SHARD_SNAPSHOT_INVALID', [usable.dir, (err as Error).message], { cause: err });
    }
    return {
      ...usable,
      storeFile: path.join(work, usable.manifest.store),
      indexFiles: new Map(usable.manifest.indexes.map((i) => [i.incarnation, path.join(work, i.file)])),
      release: () => fs.rmSync(work, { recursive: true, force: true }),
    };
  }

  /** Temp dirs a crash left behind (plaintext in memory until reboot otherwise). Only this store writes its prefix. */
  private removeTempLeftovers(): void {
    if (this.encryption === undefined) return;
    let names: string[];
    try {
      names = fs.readdirSync(this.encryption.tempDir);
    } catch {
      return;
    }
    for (const name of names) if (name.startsWith(this.tempPrefix)) fs.rmSync(path.join(this.encryption.tempDir, name), { recursive: true, force: true });
  }

  /** Removes every snapshot (e.g. after a drop: no copy of an erased database stays on disk). */
  removeAll(): void {
    for (const dir of this.list()) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
