#!/usr/bin/env node
/**
 * `jadevectordb`: one program for every deployment. `serve --role all|gateway|index` runs the database.
 */
import { Command } from 'commander';
import { loadConfig } from '../config/load';
import { isJadeError } from '../errors';
import { createLogger } from '../logger';
import { startServer } from './server';

async function serve(options: { role?: string; config?: string }): Promise<void> {
  const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), overrides: { role: options.role } });
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  if (server.app !== undefined) {
    const address = await server.app.listen({ host: config.httpHost, port: config.httpPort });
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

const program = new Command('jadevectordb').description('An event-sourced vector database on a log backbone.');
program
  .command('serve')
  .description('run the database')
  .option('--role <role>', 'all (embedded default), gateway or index')
  .option('--config <file>', 'JSON configuration file')
  .action(serve);

program.parseAsync().catch((err: unknown) => {
  // One clear line for a configuration or start-up problem; the stack only for the unexpected.
  process.stderr.write(isJadeError(err) ? `jadevectordb: ${err.code}: ${err.message}\n` : `jadevectordb: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
