/** The REST API end-to-end suite on the embedded log, shards in two worker threads. */
import { describeHttpEndToEnd } from './e2e';
import { testConfig } from './helpers';

// Strong reads may wait out a snapshot on a busy machine: this suite is not about the bound (read-your-writes is).
describeHttpEndToEnd({ name: 'embedded log', backbone: 'embedded', config: (dir) => testConfig(dir, { shardThreads: 2, consistencyTimeoutMs: 60_000 }) });
