import { assignSticky } from '../../src/log/sticky-assignment';

const all = (m: Map<string, number[]>): number[] => [...m.values()].flat().sort((a, b) => a - b);

describe('assignSticky', () => {
  it('covers every partition exactly once with quotas differing by at most one', () => {
    for (const partitions of [1, 2, 5, 12]) {
      for (let members = 1; members <= 5; members++) {
        const result = assignSticky(partitions, Array.from({ length: members }, (_, i) => ({ id: `m${i}`, owned: [] })));
        expect(all(result)).toEqual(Array.from({ length: partitions }, (_, p) => p));
        const sizes = [...result.values()].map((l) => l.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('keeps owned partitions when a member joins, moving only the surplus', () => {
    const before = assignSticky(6, [{ id: 'a', owned: [] }, { id: 'b', owned: [] }]);
    const after = assignSticky(6, [
      { id: 'a', owned: before.get('a')! },
      { id: 'b', owned: before.get('b')! },
      { id: 'c', owned: [] },
    ]);
    expect(after.get('a')!.every((p) => before.get('a')!.includes(p))).toBe(true);
    expect(after.get('b')!.every((p) => before.get('b')!.includes(p))).toBe(true);
    expect(after.get('c')).toHaveLength(2);
  });

  it('gives a leaving member’s partitions to the others and resolves double claims', () => {
    const result = assignSticky(4, [{ id: 'a', owned: [0, 1] }, { id: 'b', owned: [1, 2] }]);
    expect(all(result)).toEqual([0, 1, 2, 3]);
    expect(result.get('a')).toEqual([0, 1]);
    expect(result.get('b')).toEqual([2, 3]);
  });
});
