/**
 * Worker-thread entry: hosts a ShardSet and answers the calls of WorkerShardRuntime. Errors travel back as
 * `{ code, message, retriable, context }` so JadeErrors keep their codes across the thread boundary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isJadeError } from '../errors';
import type { ConsumedRecord } from '../log/backbone';
import type { RecordCodecOptions } from '../log/codec';
import { ShardSet, type ApplyOptions, type BacklogOptions } from './shard-runtime';

interface Call {
  id: number;
  method: string;
  args: unknown[];
}

const data = workerData as { codecOptions?: RecordCodecOptions; backlog?: Partial<BacklogOptions> } | undefined;
const set = new ShardSet(data?.codecOptions ?? {}, data?.backlog ?? {});

/** Buffers arrive as plain Uint8Arrays after structured cloning. */
const asBuffer = (bytes: Uint8Array | null): Buffer | null => (bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

function reviveRecords(records: ConsumedRecord[]): ConsumedRecord[] {
  return records.map((r) => ({
    ...r,
    key: asBuffer(r.key),
    value: asBuffer(r.value),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, asBuffer(v)!])),
  }));
}

async function dispatch(call: Call): Promise<unknown> {
  const a = call.args;
  switch (call.method) {
    case 'applyCatalog':
      return set.applyCatalog(a[0] as number, a[1] as never);
    case 'open':
      // Its keyring's keys arrive as Uint8Arrays, which Keyring.from copies into Buffers.
      return set.open(a[0] as Parameters<ShardSet['open']>[0]);
    case 'apply':
      return set.apply(a[0] as number, reviveRecords(a[1] as ConsumedRecord[]), a[2] as ApplyOptions);
    case 'search':
      return set.search(a[0] as number, a[1] as string, a[2] as never);
    case 'get':
      return set.get(a[0] as number, a[1] as string, a[2] as string[]);
    case 'scroll':
      return set.scroll(a[0] as number, a[1] as string, a[2] as never);
    case 'count':
      return set.count(a[0] as number, a[1] as string, a[2]);
    case 'databases':
      return set.databases(a[0] as number);
    case 'erasureIds':
      return set.erasureIds(a[0] as number, a[1] as number, a[2] as { after?: string; limit: number });
    case 'pendingRepairs':
      return set.pendingRepairs(a[0] as number, a[1] as number);
    case 'snapshotParts':
      return set.snapshotParts(a[0] as number, a[1] as string, a[2] as string);
    case 'close':
      return set.close(a[0] as number);
    case 'shutdown':
      return set.closeAll();
    default:
      throw new Error(`unknown shard worker method ${call.method}`);
  }
}

parentPort?.on('message', (call: Call) => {
  dispatch(call).then(
    (result) => parentPort?.postMessage({ id: call.id, result }),
    (err: unknown) => {
      const error = isJadeError(err)
        ? { code: err.code, message: err.message, retriable: err.retriable, context: err.context }
        : { message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined };
      parentPort?.postMessage({ id: call.id, error });
    },
  );
});
