/** A shard runtime that forwards every call to another: tests subclass it to slow down or observe some calls. */
import type { ConsumedRecord } from '../../src/log/backbone';
import type { DatabaseEventRecord } from '../../src/log/records';
import type { ApplyOptions, OpenShardRequest, ShardRuntime, ShardSearch } from '../../src/node/shard-runtime';

export class ForwardingShardRuntime implements ShardRuntime {
  constructor(protected readonly inner: ShardRuntime) {}

  applyCatalog(offset: number, event: DatabaseEventRecord | null) {
    return this.inner.applyCatalog(offset, event);
  }
  open(request: OpenShardRequest) {
    return this.inner.open(request);
  }
  apply(partition: number, records: ConsumedRecord[], options: ApplyOptions) {
    return this.inner.apply(partition, records, options);
  }
  search(partition: number, database: string, search: ShardSearch) {
    return this.inner.search(partition, database, search);
  }
  get(partition: number, database: string, ids: string[]) {
    return this.inner.get(partition, database, ids);
  }
  scroll(partition: number, database: string, options: { after?: string; limit: number; filter?: unknown }) {
    return this.inner.scroll(partition, database, options);
  }
  count(partition: number, database: string, filter?: unknown) {
    return this.inner.count(partition, database, filter);
  }
  databases(partition: number) {
    return this.inner.databases(partition);
  }
  erasureIds(partition: number, incarnation: number, options: { after?: string; limit: number }) {
    return this.inner.erasureIds(partition, incarnation, options);
  }
  pendingRepairs(partition: number, limit: number) {
    return this.inner.pendingRepairs(partition, limit);
  }
  snapshotParts(partition: number, storeFile: string, indexDir: string) {
    return this.inner.snapshotParts(partition, storeFile, indexDir);
  }
  close(partition: number) {
    return this.inner.close(partition);
  }
  shutdown() {
    return this.inner.shutdown();
  }
}
