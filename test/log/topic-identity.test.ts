/** The topic identity rule of src/log/backbone.ts (`TOPIC_IDENTITY_KEY`), on records as a log would hold them. */
import { randomUUID } from 'node:crypto';
import { TOPIC_IDENTITY_KEY, identityOfRecord, isTopicIdentityKey, topicIdentityRecord } from '../../src/log/backbone';
import { markerKey } from '../../src/log/records';

interface LogRecord {
  offset: number;
  key: Buffer;
  value: Buffer | null;
}

/** What a reader finds: the value of the first identity record. */
const identityOf = (log: LogRecord[]): string | undefined => log.map(identityOfRecord).find((identity) => identity !== undefined);

/** Compaction as Kafka's cleaner may do it at any moment: any record a later one of the same key supersedes can go. */
function compactions(log: LogRecord[]): LogRecord[][] {
  const superseded = log.filter((r, i) => log.slice(i + 1).some((later) => later.key.equals(r.key)));
  const out: LogRecord[][] = [];
  for (let mask = 0; mask < 1 << superseded.length; mask++) {
    const removed = new Set(superseded.filter((_, i) => (mask & (1 << i)) !== 0));
    out.push(log.filter((r) => !removed.has(r)));
  }
  return out;
}

describe('topic identity records', () => {
  it('recognises identity keys, the bare key of older releases included, and nothing else', () => {
    const identity = randomUUID();
    const record = topicIdentityRecord(identity);
    expect(record.partition).toBe(0);
    expect(isTopicIdentityKey(record.key)).toBe(true);
    expect(identityOfRecord(record)).toBe(identity);
    expect(isTopicIdentityKey(TOPIC_IDENTITY_KEY)).toBe(true);
    expect(topicIdentityRecord(randomUUID()).key.equals(record.key)).toBe(false);
    for (const other of ['\0topic-identityx', '\0topic-identit', 'docs/\0topic-identity', markerKey('docs', 3, 'create')]) {
      expect(isTopicIdentityKey(Buffer.from(other))).toBe(false);
    }
    expect(isTopicIdentityKey(null)).toBe(false);
    expect(identityOfRecord({ key: record.key, value: null })).toBeUndefined();
  });

  it('gives racing starters one identity that no compaction can change', () => {
    const log: LogRecord[] = [];
    const append = (key: Buffer, value: Buffer | null): void => void log.push({ offset: log.length, key, value });
    // Three starters found no identity and each wrote a candidate, between other records, some of them superseded.
    append(Buffer.from('docs/a'), Buffer.from('1'));
    const candidates = [randomUUID(), randomUUID(), randomUUID()];
    for (const candidate of candidates) {
      const { key, value } = topicIdentityRecord(candidate);
      append(key, value);
      append(Buffer.from('docs/a'), Buffer.from('2'));
    }
    expect(identityOf(log)).toBe(candidates[0]);
    for (const compacted of compactions(log)) expect(identityOf(compacted)).toBe(candidates[0]);
  });
});
