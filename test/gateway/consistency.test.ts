/** Tokens of writes made in several rounds: one token, per partition the highest offset any round wrote there. */
import { advanceOffsets, decodeToken, encodeToken, tokenForAcks } from '../../src/gateway/consistency';

describe('consistency tokens', () => {
  const topic = { identity: 'topic-1', partitions: 3, ends: [100, 100, 100] };

  it('name, per partition, one past the highest offset acknowledged there', () => {
    const token = tokenForAcks('topic-1', 3, [
      { partition: 0, offset: 4 },
      { partition: 2, offset: 9 },
      { partition: 0, offset: 2 },
    ]);
    expect(decodeToken(token, topic).offsets).toEqual([5, 0, 10]);
  });

  it('merge rounds of writes: a partition only an earlier round wrote to stays covered', () => {
    const offsets = [0, 0, 0];
    advanceOffsets(offsets, [
      { partition: 0, offset: 40 },
      { partition: 1, offset: 41 },
    ]);
    // The last round wrote to partition 2 only: alone, its token would not cover partitions 0 and 1.
    expect(advanceOffsets(offsets, [{ partition: 2, offset: 7 }])).toEqual([41, 42, 8]);
    advanceOffsets(offsets, [{ partition: 0, offset: 3 }]);
    expect(decodeToken(encodeToken({ identity: 'topic-1', partitions: 3, offsets }), topic).offsets).toEqual([41, 42, 8]);
  });
});
