/**
 * The `jadevectordb` package: the client for applications, and the server for embedding it in a process
 * (`startServer(loadConfig({ overrides }), logger)`).
 */
export * from './client';
export { startServer, type RunningServer, type StartServerOptions } from './cli/server';
export { loadConfig, type LoadConfigOptions } from './config/load';
export type { JadeConfig, JadeConfigInput } from './config/schema';
export { createLogger, silentLogger, type Logger } from './logger';
export { isJadeError, JadeError, ERROR_CODES, type ErrorCode } from './errors';
