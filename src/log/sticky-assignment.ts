/**
 * Sticky, balanced assignment of a topic's partitions to group members, shared by both backbones.
 * Each member keeps what it owns up to its quota (so shard state stays in memory across rebalances); only the
 * surplus and unowned partitions move. Quotas differ by at most one; members holding more get the larger ones.
 */
export interface AssignmentMember {
  id: string;
  /** Partitions the member owned before this rebalance. */
  owned: readonly number[];
}

export function assignSticky(partitionCount: number, members: readonly AssignmentMember[]): Map<string, number[]> {
  const result = new Map<string, number[]>();
  if (members.length === 0) return result;
  const ordered = [...members].sort((a, b) => b.owned.length - a.owned.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const base = Math.floor(partitionCount / members.length);
  const extra = partitionCount % members.length;
  const taken = new Set<number>();
  const quotas = new Map<string, number>();
  ordered.forEach((member, i) => {
    const quota = base + (i < extra ? 1 : 0);
    quotas.set(member.id, quota);
    const kept: number[] = [];
    for (const p of member.owned) {
      // A partition claimed twice (a stale claim after a missed rebalance) goes to the first claimant.
      if (kept.length < quota && p >= 0 && p < partitionCount && !taken.has(p)) {
        kept.push(p);
        taken.add(p);
      }
    }
    result.set(member.id, kept);
  });
  const free = Array.from({ length: partitionCount }, (_, p) => p).filter((p) => !taken.has(p));
  for (const member of ordered) {
    const list = result.get(member.id)!;
    while (list.length < quotas.get(member.id)! && free.length > 0) list.push(free.shift()!);
    list.sort((a, b) => a - b);
  }
  return result;
}
