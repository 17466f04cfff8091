/** What the HTTP layer needs from the process it runs in. */
import type { Gateway } from '../gateway/gateway';
import type { PartitionStatus } from '../node/shard-host';
import type { GatewayMetrics } from './metrics';

export interface GatewayContext {
  gateway: Gateway;
  role: 'all' | 'gateway';
  backbone: 'kafka' | 'embedded';
  ready(): boolean;
  partitionStatus(): PartitionStatus[];
  metrics: GatewayMetrics;
}
