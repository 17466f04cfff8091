/**
 * The database under test, in its own process (so its memory is its own and the load generator is not inside it):
 * role `all` with the default configuration except authentication (off), logging (silent) and the port (free).
 * Started by db-process.ts with a JSON config; reports over IPC when it listens and is ready, and stops cleanly on
 * request (which snapshots every shard, as a user's `SIGTERM` would).
 */
import { loadConfig } from '../src/config/load';
import { startServer } from '../src/cli/server';
import { createLogger } from '../src/logger';

interface ChildMessage {
  type: 'stop' | 'gc';
}

async function main(): Promise<void> {
  const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
  const config = loadConfig({ env: {}, overrides: { auth: 'off', logLevel: 'silent', httpPort: 0, ...overrides } });
  const started = performance.now();
  const server = await startServer(config, createLogger(config.logLevel));
  const address = await server.app!.listen({ host: '127.0.0.1', port: config.httpPort });
  const listening = performance.now();
  while (server.node?.host.ready() !== true) await new Promise((r) => setTimeout(r, 2));
  const ready = performance.now();
  process.send?.({ type: 'ready', url: address, startToListenMs: listening - started, startToReadyMs: ready - started });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const t = performance.now();
    await server.stop();
    const message = { type: 'stopped', stopMs: performance.now() - t };
    if (process.send === undefined) process.exit(0);
    process.send(message, () => process.exit(0));
  };
  process.on('message', (message: ChildMessage) => {
    if (message.type === 'stop') void stop();
    if (message.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ type: 'gc-done' });
    }
  });
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
