// Preloaded (NODE_OPTIONS=--import=...) into the processes a cluster test spawns: if the test process dies without
// tearing them down (SIGKILL, a crash of jest itself), the child is re-parented and ends itself within a second,
// so no index node or gateway outlives the run that started it.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 1000);
  timer.unref();
}
