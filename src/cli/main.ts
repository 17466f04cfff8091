#!/usr/bin/env node
/**
 * `jadevectordb`: one program for every deployment. `serve --role all|gateway|index` runs the database; the client
 * commands (`db`, `import`, `export`, `search`, `status`, see program.ts) talk to one over its REST API.
 */
import { loadConfig } from '../config/load';
import { jadeError } from '../errors';
import { createLogger } from '../logger';
import { processIo } from './cli-io';
import { createProgram, runProgram } from './program';
import { startServer } from './server';
import { mintCliToken } from './token';

async function serve(options: { role?: string; config?: string; insecure?: boolean }): Promise<void> {
  const config = loadConfig({
    ...(options.config === undefined ? {} : { file: options.config }),
    overrides: { role: options.role, ...(options.insecure === true ? { auth: 'off' } : {}) },
  });
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  if (server.app !== undefined) {
    let address: string;
    try {
      address = await server.app.listen({ host: config.httpHost, port: config.httpPort });
    } catch (err) {
      await server.stop().catch(() => undefined);
      const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the address is in use' : (err as Error).message;
      throw jadeError('JADE_ERR_CONFIG_INVALID', [`cannot listen on ${config.httpHost}:${config.httpPort} (httpHost, httpPort): ${reason}`], { cause: err });
    }
    logger.info({ address, role: config.role, backbone: server.foundation.backbone.kind }, 'JadeVectorDB listening');
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests, snapshotting shards');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const io = processIo();
const program = createProgram(io);
program
  .command('serve')
  .description('run the database')
  .option('--role <role>', 'all (embedded default), gateway or index')
  .option('--config <file>', 'JSON configuration file')
  .option('--insecure', 'run without authentication (local experiments only; logs a warning)')
  .action(serve);

program
  .command('token')
  .description('mint a JWT from the configured secret (JADE_JWT_SECRET, or the one role all generated in the data directory)')
  .option('--role <roles>', 'comma-separated roles: admin, writer, reader', 'reader')
  .option('--databases <names>', 'comma-separated database names, or * for all', '*')
  .option('--ttl <duration>', 'lifetime, e.g. 3600s, 90m, 12h, 30d', '24h')
  .option('--subject <name>', 'the token subject (who it is for)', 'cli')
  .option('--config <file>', 'JSON configuration file')
  .action((options: { role: string; databases: string; ttl: string; subject: string; config?: string }) => {
    const config = loadConfig(options.config === undefined ? {} : { file: options.config });
    io.stdout.write(`${mintCliToken(config, options)}\n`);
  });

void runProgram(program, process.argv.slice(2), io).then((code) => {
  // A failed start-up may leave handles open (a half-opened log): exit for sure. Success lets the process end
  // on its own (or keeps serving), so piped stdout is flushed.
  if (code !== 0) process.exit(code);
});
