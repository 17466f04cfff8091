/**
 * Consistency tokens (like Milvus's consistency levels, on offsets instead of timestamps).
 *
 * A token names the vectors topic's identity, P and, per partition, the offset a read must have applied:
 * `t1.<base64url JSON>`. It is opaque to clients. A token for another topic (a re-created one), another P, or
 * with offsets beyond the partitions' ends is refused at once, so no one can make a read wait on purpose.
 */
import { jadeError } from '../errors';

export type Consistency = 'eventual' | 'strong' | { after: string };

export interface TokenContent {
  identity: string;
  partitions: number;
  /** Per partition: the read must have applied every offset below this. */
  offsets: number[];
}

const PREFIX = 't1.';

export function encodeToken(content: TokenContent): string {
  return PREFIX + Buffer.from(JSON.stringify([content.identity, content.partitions, content.offsets])).toString('base64url');
}

/** Parses and checks a token against the topic as it is now; throws `JADE_ERR_TOKEN_INVALID`. */
export function decodeToken(token: string, topic: { identity: string; partitions: number; ends: readonly number[] }): TokenContent {
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || token.length > 16_384) throw jadeError('JADE_ERR_TOKEN_INVALID', ['not a token this server issued']);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw jadeError('JADE_ERR_TOKEN_INVALID', ['it does not decode']);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw jadeError('JADE_ERR_TOKEN_INVALID', ['it does not decode']);
  const [identity, partitions, offsets] = parsed as unknown[];
  if (typeof identity !== 'string' || identity !== topic.identity) throw jadeError('JADE_ERR_TOKEN_INVALID', ['it was issued for another topic']);
  if (partitions !== topic.partitions || !Array.isArray(offsets) || offsets.length !== topic.partitions) {
    throw jadeError('JADE_ERR_TOKEN_INVALID', ['it was issued for another partition layout']);
  }
  const checked = offsets.map((offset: unknown, partition) => {
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw jadeError('JADE_ERR_TOKEN_INVALID', ['it holds a malformed offset']);
    if (offset > (topic.ends[partition] ?? 0)) throw jadeError('JADE_ERR_TOKEN_INVALID', [`partition ${partition} offset ${offset} is beyond the end of the log`]);
    return offset;
  });
  return { identity, partitions: topic.partitions, offsets: checked };
}

/** Token for a set of acknowledged writes: per partition, one past the highest offset written there. */
export function tokenForAcks(identity: string, partitions: number, acks: readonly { partition: number; offset: number }[]): string {
  return encodeToken({ identity, partitions, offsets: advanceOffsets(new Array<number>(partitions).fill(0), acks) });
}

/**
 * Raises `offsets` (per partition, what a token names) to cover `acks` too, and returns it: the offsets of writes made
 * in several rounds merge into one token that covers them all, holding a number per partition, never the acks.
 */
export function advanceOffsets(offsets: number[], acks: readonly { partition: number; offset: number }[]): number[] {
  for (const ack of acks) offsets[ack.partition] = Math.max(offsets[ack.partition]!, ack.offset + 1);
  return offsets;
}
