/** The one pino logger; components take a child (`logger.child({ component: 'shard', partition })`). */
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string = process.env.JADE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'jadevectordb' } });
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
