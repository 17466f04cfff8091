/**
 * How the embedded log stores one record in LMDB: a small binary frame, so keys, values and headers round-trip
 * byte for byte (lmdb-js's default encoder does not preserve typed arrays nested in objects).
 *
 *   u8 flags (bit 0: value is null) | f64 timestamp | f64 append time | u32 key length | key
 *   | u32 value length | value | u16 header count | (u16 name length | name | u32 length | bytes)*
 */
import { jadeError } from '../errors';

export interface StoredRecord {
  key: Buffer;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  /** Create time set by the producer. */
  timestamp: number;
  /** When the log appended it: what retention and tombstone expiry measure from. */
  appendTime: number;
}

export function encodeFrame(record: StoredRecord): Buffer {
  const headerEntries = Object.entries(record.headers);
  let size = 1 + 8 + 8 + 4 + record.key.length + 4 + (record.value?.length ?? 0) + 2;
  for (const [name, value] of headerEntries) size += 2 + Buffer.byteLength(name) + 4 + value.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(record.value === null ? 1 : 0, 0);
  at = out.writeDoubleLE(record.timestamp, at);
  at = out.writeDoubleLE(record.appendTime, at);
  at = out.writeUInt32LE(record.key.length, at);
  at += record.key.copy(out, at);
  at = out.writeUInt32LE(record.value?.length ?? 0, at);
  if (record.value !== null) at += record.value.copy(out, at);
  at = out.writeUInt16LE(headerEntries.length, at);
  for (const [name, value] of headerEntries) {
    const nameBytes = Buffer.from(name, 'utf8');
    at = out.writeUInt16LE(nameBytes.length, at);
    at += nameBytes.copy(out, at);
    at = out.writeUInt32LE(value.length, at);
    at += value.copy(out, at);
  }
  return out;
}

/** Decodes a frame into fresh buffers (LMDB may reuse the memory it handed out). */
export function decodeFrame(frame: Uint8Array): StoredRecord {
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  try {
    let at = 0;
    const isNull = (buf.readUInt8(at) & 1) === 1;
    at += 1;
    const timestamp = buf.readDoubleLE(at);
    at += 8;
    const appendTime = buf.readDoubleLE(at);
    at += 8;
    const keyLength = buf.readUInt32LE(at);
    at += 4;
    const key = Buffer.from(buf.subarray(at, at + keyLength));
    at += keyLength;
    const valueLength = buf.readUInt32LE(at);
    at += 4;
    const value = isNull ? null : Buffer.from(buf.subarray(at, at + valueLength));
    at += valueLength;
    const headerCount = buf.readUInt16LE(at);
    at += 2;
    const headers: Record<string, Buffer> = {};
    for (let i = 0; i < headerCount; i++) {
      const nameLength = buf.readUInt16LE(at);
      at += 2;
      const name = buf.toString('utf8', at, at + nameLength);
      at += nameLength;
      const length = buf.readUInt32LE(at);
      at += 4;
      headers[name] = Buffer.from(buf.subarray(at, at + length));
      at += length;
    }
    if (at !== buf.length) throw new RangeError(`frame has ${buf.length - at} trailing bytes`);
    return { key, value, headers, timestamp, appendTime };
  } catch (err) {
    // Only corruption of the data directory gets here: the frames are written by this module alone.
    throw jadeError('JADE_ERR_LOG_CORRUPT', ['embedded log frame', (err as Error).message], { cause: err });
  }
}
