import { decideReplication } from '../../src/config/replication';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('decideReplication', () => {
  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('defaults on a cluster of %i broker(s) to RF %i and min.insync.replicas %i, checked against no existing topic', (brokers, replicationFactor, minInsyncReplicas) => {
    for (const creating of [true, false]) {
      expect(decideReplication({}, { brokers, creating })).toEqual({ replicationFactor, minInsyncReplicas, fromCluster: true });
    }
  });

  it('takes configured values, within the brokers the cluster reports, and then checks min.insync.replicas against existing topics', () => {
    expect(decideReplication({ replicationFactor: 2 }, { brokers: 3, creating: true })).toEqual({ replicationFactor: 2, minInsyncReplicas: 1, fromCluster: false });
    expect(decideReplication({ replicationFactor: 3 }, { brokers: 3, creating: true })).toEqual({ replicationFactor: 3, minInsyncReplicas: 2, fromCluster: false });
    expect(decideReplication({ minInsyncReplicas: 1 }, { brokers: 3, creating: true })).toEqual({ replicationFactor: 3, minInsyncReplicas: 1, fromCluster: false });
    expect(decideReplication({ replicationFactor: 3, minInsyncReplicas: 3 }, { brokers: 5, creating: true })).toEqual({ replicationFactor: 3, minInsyncReplicas: 3, fromCluster: false });
  });

  it('refuses, when topics are to be created, a factor above the brokers or a min.insync.replicas above the factor', () => {
    expect(() => decideReplication({ replicationFactor: 3 }, { brokers: 1, creating: true })).toThrow(
      /kafkaReplicationFactor \(JADE_KAFKA_REPLICATION_FACTOR\) is 3 but the Kafka cluster reports 1 broker:/,
    );
    expect(codeOf(() => decideReplication({ replicationFactor: 3 }, { brokers: 1, creating: true }))).toBe('JADE_ERR_CONFIG_INVALID');
    expect(() => decideReplication({ minInsyncReplicas: 2 }, { brokers: 1, creating: true })).toThrow(/kafkaMinInsyncReplicas .* is 2, above the replication factor 1/);
    expect(() => decideReplication({ replicationFactor: 2, minInsyncReplicas: 3 }, { brokers: 3, creating: false })).toThrow(/above the replication factor 2/);
  });

  it('does not hold a broker that is down against the configuration once the topics exist', () => {
    expect(decideReplication({ replicationFactor: 3 }, { brokers: 2, creating: false })).toEqual({ replicationFactor: 3, minInsyncReplicas: 2, fromCluster: false });
    expect(decideReplication({ minInsyncReplicas: 2 }, { brokers: 1, creating: false })).toEqual({ replicationFactor: 1, minInsyncReplicas: 2, fromCluster: false });
  });

  it('keeps the embedded log at factor 1 unless configured (it keeps one copy whatever the factor says)', () => {
    expect(decideReplication({})).toEqual({ replicationFactor: 1, minInsyncReplicas: 1, fromCluster: false });
    expect(decideReplication({ replicationFactor: 3 })).toEqual({ replicationFactor: 3, minInsyncReplicas: 2, fromCluster: false });
    expect(() => decideReplication({ minInsyncReplicas: 2 })).toThrow(/above the replication factor 1/);
  });
});
