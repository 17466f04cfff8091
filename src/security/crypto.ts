/**
 * Encryption at rest: one master key (plus retired ones kept for reading), named by key ids, from which each use
 * gets its own subkey (HKDF-SHA256), so no key ever serves two ciphers:
 *
 * - `snapshot`: AES-256-GCM over whole snapshot files (`encryptFile` / `decryptFile`), a random 12-byte IV per file.
 *   File layout: `JADEENC1` | u8 key id length | key id | IV (12) | ciphertext | tag (16); the header is the AAD.
 * - `payload`: AES-256-GCM over record values before they reach the log (`sealPayloads` / `openPayload`). Each
 *   produced batch derives a fresh data key, HMAC-SHA256(payload key, random 16-byte salt), and numbers its records'
 *   IVs from 1, so an IV never repeats under a data key however many records are written. Value layout:
 *   `0x01` | salt (16) | IV (12) | ciphertext | tag (16); header `jade-enc: <key id>`; the AAD binds key id and record
 *   key, so a value moved under another id does not decrypt.
 * - `lmdb`: lmdb-js `encryptionKey` (ChaCha8 on every page) for the live stores and the embedded log. lmdb-js 3.5.6
 *   reads that key as a string of exactly 32 UTF-8 bytes (a Buffer aborts the process), so it gets 24 derived bytes
 *   in base64: 192 bits.
 *
 * Imported by the log and shard layers too: it is a leaf (node:crypto and fs only).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { JadeConfig } from '../config/schema';
import { jadeError, isJadeError } from '../errors';

/** Bytes of a master key (AES-256). */
export const KEY_BYTES = 32;
/** Record header naming the key id a payload is encrypted with; records without it are plaintext. */
export const ENCRYPTION_HEADER = 'jade-enc';

const FILE_MAGIC = Buffer.from('JADEENC1', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const PAYLOAD_VERSION = 0x01;
/** GCM's limit for one (key, IV): 2^39 - 256 bits. */
const MAX_GCM_PLAINTEXT_BYTES = 2 ** 36 - 32;

export type KeyPurpose = 'snapshot' | 'payload' | 'lmdb';

/** A keyring as plain data, for crossing to worker threads (Buffers arrive there as Uint8Arrays). */
export interface KeyringData {
  readonly currentId: string;
  readonly keys: readonly (readonly [string, Uint8Array])[];
}

/** The configured master keys by id: the current one encrypts, every one decrypts what was written under it. */
export class Keyring {
  private readonly masters: ReadonlyMap<string, Buffer>;
  private readonly derived = new Map<string, Buffer>();
  /** Payload data keys by salt, most recent last: the records of one batch share one. */
  private readonly dataKeys = new Map<string, Buffer>();

  private constructor(
    readonly currentId: string,
    masters: Map<string, Buffer>,
  ) {
    this.masters = masters;
  }

  /** The current key plus retired ones (`[id, key]`), each exactly 32 bytes. */
  static create(currentId: string, current: Uint8Array, previous: readonly (readonly [string, Uint8Array])[] = []): Keyring {
    return Keyring.from({ currentId, keys: [[currentId, current], ...previous] });
  }

  static from(data: KeyringData): Keyring {
    const masters = new Map<string, Buffer>();
    for (const [id, key] of data.keys) {
      if (key.byteLength !== KEY_BYTES) throw new Error(`encryption key ${id} has ${key.byteLength} bytes, not ${KEY_BYTES}`);
      if (masters.has(id)) throw new Error(`encryption key id ${id} is listed twice`);
      masters.set(id, Buffer.from(key));
    }
    if (!masters.has(data.currentId)) throw new Error(`no encryption key with the current id ${data.currentId}`);
    return new Keyring(data.currentId, masters);
  }

  toData(): KeyringData {
    return { currentId: this.currentId, keys: [...this.masters] };
  }

  has(keyId: string): boolean {
    return this.masters.has(keyId);
  }

  /** The subkey for one use of one master key; `undefined` when no key has that id. */
  key(purpose: KeyPurpose, keyId: string = this.currentId): Buffer | undefined {
    const cacheKey = `${purpose}/${keyId}`;
    const cached = this.derived.get(cacheKey);
    if (cached !== undefined) return cached;
    const master = this.masters.get(keyId);
    if (master === undefined) return undefined;
    const bytes = purpose === 'lmdb' ? 24 : 32;
    const derived = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `jadevectordb/v1/${purpose}`, bytes));
    this.derived.set(cacheKey, derived);
    return derived;
  }

  /** The lmdb-js `encryptionKey` for a key id: 32 ASCII characters. */
  lmdbKey(keyId: string = this.currentId): string | undefined {
    return this.key('lmdb', keyId)?.toString('base64');
  }

  /** @internal the payload data key of a salt, cached for the next records of the same batch. */
  dataKey(keyId: string, salt: Buffer): Buffer | undefined {
    const cacheKey = `${keyId}/${salt.toString('base64')}`;
    const cached = this.dataKeys.get(cacheKey);
    if (cached !== undefined) return cached;
    const payloadKey = this.key('payload', keyId);
    if (payloadKey === undefined) return undefined;
    const dataKey = createHmac('sha256', payloadKey).update(salt).digest();
    if (this.dataKeys.size >= 64) this.dataKeys.delete(this.dataKeys.keys().next().value!);
    this.dataKeys.set(cacheKey, dataKey);
    return dataKey;
  }
}

// ---- files (snapshots) ----

function fileHeader(keyId: string, iv: Buffer): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  if (id.length === 0 || id.length > 255) throw new Error(`key id must be 1 to 255 bytes, got ${id.length}`);
  return Buffer.concat([FILE_MAGIC, Buffer.from([id.length]), id, iv]);
}

/** Encrypts `source` into a new file `target` (it must not exist) with the current key's snapshot subkey. */
export async function encryptFile(source: string, target: string, keyring: Keyring): Promise<void> {
  const { size } = await fs.promises.stat(source);
  if (size > MAX_GCM_PLAINTEXT_BYTES) throw jadeError('JADE_ERR_CRYPTO_FAILED', [`encrypt ${source}`, `${size} bytes exceed AES-GCM's limit for one IV`]);
  const iv = randomBytes(IV_BYTES);
  const header = fileHeader(keyring.currentId, iv);
  const cipher = createCipheriv('aes-256-gcm', keyring.key('snapshot')!, iv);
  cipher.setAAD(header);
  try {
    await pipeline(
      fs.createReadStream(source),
      async function* (chunks: AsyncIterable<Buffer>) {
        yield header;
        for await (const chunk of chunks) yield cipher.update(chunk);
        yield cipher.final();
        yield cipher.getAuthTag();
      },
      fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }),
    );
  } catch (err) {
    await fs.promises.rm(target, { force: true });
    throw jadeError('JADE_ERR_CRYPTO_FAILED', [`encrypt ${source}`, (err as Error).message], { cause: err });
  }
}

/** The key id an encrypted file names, or `undefined` when it is not one of ours. */
export async function encryptedFileKeyId(file: string): Promise<string | undefined> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(FILE_MAGIC.length + 256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return parseFileHeader(head.subarray(0, bytesRead))?.keyId;
  } finally {
    await handle.close();
  }
}

function parseFileHeader(head: Buffer): { keyId: string; iv: Buffer; length: number } | undefined {
  if (head.length < FILE_MAGIC.length + 1 || !head.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) return undefined;
  const idLength = head[FILE_MAGIC.length]!;
  const length = FILE_MAGIC.length + 1 + idLength + IV_BYTES;
  if (idLength === 0 || head.length < length) return undefined;
  const keyId = head.toString('utf8', FILE_MAGIC.length + 1, FILE_MAGIC.length + 1 + idLength);
  return { keyId, iv: head.subarray(length - IV_BYTES, length), length };
}

/**
 * Decrypts a file written by `encryptFile` into a new file `target`. Throws `JADE_ERR_CRYPTO_KEY_UNKNOWN` when no
 * configured key has its id, `JADE_ERR_CRYPTO_DECRYPT_FAILED` when it was altered or the key is wrong; `target` is
 * removed then (unauthenticated bytes never stay).
 */
export async function decryptFile(source: string, target: string, keyring: Keyring): Promise<void> {
  const { size } = await fs.promises.stat(source);
  const handle = await fs.promises.open(source, 'r');
  const head = Buffer.alloc(Math.min(size, FILE_MAGIC.length + 1 + 255 + IV_BYTES));
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    await handle.read(head, 0, head.length, 0);
    if (size >= TAG_BYTES) await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  const header = parseFileHeader(head);
  if (header === undefined || size < header.length + TAG_BYTES) throw jadeError('JADE_ERR_CRYPTO_DECRYPT_FAILED', [source, 'it is not an encrypted JadeVectorDB file, or it is truncated']);
  const key = keyring.key('snapshot', header.keyId);
  if (key === undefined) throw jadeError('JADE_ERR_CRYPTO_KEY_UNKNOWN', [source, header.keyId]);
  const decipher = createDecipheriv('aes-256-gcm', key, header.iv);
  decipher.setAAD(head.subarray(0, header.length));
  decipher.setAuthTag(tag);
  const end = size - TAG_BYTES; // exclusive
  try {
    await pipeline(
      async function* () {
        if (end > header.length) {
          for await (const chunk of fs.createReadStream(source, { start: header.length, end: end - 1 })) yield decipher.update(chunk as Buffer);
        }
        yield decipher.final();
      },
      fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }),
    );
  } catch (err) {
    await fs.promises.rm(target, { force: true });
    if (isJadeError(err)) throw err;
    throw jadeError('JADE_ERR_CRYPTO_DECRYPT_FAILED', [source, `${(err as Error).message} (altered, or encrypted with another key under id ${header.keyId})`], { cause: err });
  }
}

// ---- record payloads ----

function payloadAad(keyId: string, recordKey: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`jade-enc/v1/${keyId}/`, 'utf8'), recordKey]);
}

/** Bytes a sealed record grows by against the size limit: the value's framing, and the header as `recordSize` counts it. */
export function payloadOverheadBytes(keyring: Keyring): number {
  return 1 + SALT_BYTES + IV_BYTES + TAG_BYTES + ENCRYPTION_HEADER.length + Buffer.byteLength(keyring.currentId) + 10;
}

/**
 * Encrypts the values of a batch of records for the log, under one fresh data key. Tombstones stay tombstones;
 * keys stay plaintext (they partition and compact the topic).
 */
export function sealPayloads<R extends { key: Buffer; value: Buffer | null; headers?: Record<string, Buffer> }>(keyring: Keyring, records: readonly R[]): R[] {
  const keyId = keyring.currentId;
  const salt = randomBytes(SALT_BYTES);
  const dataKey = keyring.dataKey(keyId, salt)!;
  const header = Buffer.from(keyId, 'utf8');
  let counter = 0n;
  return records.map((record) => {
    if (record.value === null) return record;
    counter += 1n;
    const iv = Buffer.alloc(IV_BYTES);
    iv.writeBigUInt64BE(counter, IV_BYTES - 8);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(payloadAad(keyId, record.key));
    const value = Buffer.concat([Buffer.from([PAYLOAD_VERSION]), salt, iv, cipher.update(record.value), cipher.final(), cipher.getAuthTag()]);
    return { ...record, value, headers: { ...record.headers, [ENCRYPTION_HEADER]: header } };
  });
}

/**
 * The plaintext value of a consumed record: as is without the `jade-enc` header, else decrypted. Throws
 * `JADE_ERR_CRYPTO_KEY_UNKNOWN` when no configured key has the record's id (configuration, not the record, is at
 * fault) and `JADE_ERR_CRYPTO_DECRYPT_FAILED` when the value was altered.
 */
export function openPayload(keyring: Keyring | undefined, record: { key: Buffer | null; value: Buffer; headers: Record<string, Buffer> }): Buffer {
  const idBytes = record.headers[ENCRYPTION_HEADER];
  if (idBytes === undefined) return record.value;
  const keyId = idBytes.toString('utf8');
  const where = `record ${record.key?.toString('utf8') ?? '(no key)'}`;
  if (keyring === undefined || !keyring.has(keyId)) throw jadeError('JADE_ERR_CRYPTO_KEY_UNKNOWN', [where, keyId]);
  const value = record.value;
  const minimum = 1 + SALT_BYTES + IV_BYTES + TAG_BYTES;
  if (value.length < minimum || value[0] !== PAYLOAD_VERSION) throw jadeError('JADE_ERR_CRYPTO_DECRYPT_FAILED', [where, 'not a sealed payload of a known version']);
  const salt = value.subarray(1, 1 + SALT_BYTES);
  const iv = value.subarray(1 + SALT_BYTES, 1 + SALT_BYTES + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyring.dataKey(keyId, salt)!, iv);
  decipher.setAAD(payloadAad(keyId, record.key ?? Buffer.alloc(0)));
  decipher.setAuthTag(value.subarray(value.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(value.subarray(1 + SALT_BYTES + IV_BYTES, value.length - TAG_BYTES)), decipher.final()]);
  } catch (err) {
    throw jadeError('JADE_ERR_CRYPTO_DECRYPT_FAILED', [where, `${(err as Error).message} (altered, or sealed with another key under id ${keyId})`], { cause: err });
  }
}

// ---- memory-backed temp space ----

/**
 * Checks that `dir` can hold plaintext briefly: an existing, writable directory, and whether it is memory-backed
 * (tmpfs or ramfs per /proc/mounts; `undefined` where that cannot be told).
 */
export function checkSecureTempDir(dir: string): { memoryBacked: boolean | undefined } {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isDirectory()) throw new Error(`${dir} is not a directory`);
  fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  let mounts: string;
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return { memoryBacked: undefined };
  }
  const real = fs.realpathSync(dir);
  let best: { point: string; type: string } | undefined;
  for (const line of mounts.split('\n')) {
    const [, point, type] = line.split(' ');
    if (point === undefined || type === undefined) continue;
    const mountPoint = point.replace(/\\040/g, ' ');
    const inside = real === mountPoint || real.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
    if (inside && (best === undefined || mountPoint.length >= best.point.length)) best = { point: mountPoint, type };
  }
  return { memoryBacked: best === undefined ? undefined : best.type === 'tmpfs' || best.type === 'ramfs' };
}

/** A fresh private directory under the memory-backed temp space. */
export function makeSecureTempDir(base: string, prefix: string): string {
  return fs.mkdtempSync(path.join(base, prefix));
}

/** The keyring the configuration describes (keys already validated by `loadConfig`), or none without a key. */
export function keyringFromConfig(config: Pick<JadeConfig, 'encryptionKey' | 'encryptionKeyId' | 'encryptionPreviousKeys'>): Keyring | undefined {
  if (config.encryptionKey === undefined) return undefined;
  const previous = (config.encryptionPreviousKeys ?? []).map((entry): [string, Buffer] => {
    const colon = entry.indexOf(':');
    return [entry.slice(0, colon), Buffer.from(entry.slice(colon + 1), 'base64')];
  });
  return Keyring.create(config.encryptionKeyId, Buffer.from(config.encryptionKey.trim(), 'base64'), previous);
}
