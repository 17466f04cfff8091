/** What the HTTP layer needs from the process it runs in. */
import type { Gateway } from '../gateway/gateway';
import type { PartitionStatus } from '../node/shard-host';
import type { GatewayMetrics } from './metrics';

/** An owner of a partition, as /status shows it. */
export interface PartitionOwnerView {
  nodeId: string;
  replicaGroup: number;
  ready: boolean;
  lag: number;
}

/** An index node and when this process last heard from it (ms since the epoch, by this process's clock). */
export interface IndexNodeView {
  nodeId: string;
  replicaGroup: number;
  lastHeartbeatMs: number;
  partitions: number[];
  url: string;
}

export interface GatewayContext {
  gateway: Gateway;
  role: 'all' | 'gateway';
  backbone: 'kafka' | 'embedded';
  ready(): boolean;
  partitionStatus(): PartitionStatus[];
  /** Every owner of a partition, in every replica group. */
  ownersOf(partition: number): PartitionOwnerView[];
  /** The index nodes serving this gateway. */
  nodes(): IndexNodeView[];
  metrics: GatewayMetrics;
}
