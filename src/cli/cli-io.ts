/**
 * What the client commands of the CLI share: where they write (JSON to stdout, messages and progress to stderr),
 * the global connection options, local errors with stable codes, and strict parsers for option values.
 */
import type { Readable, Writable } from 'node:stream';
import { InvalidArgumentError } from 'commander';
import { JadeClient, type DatabaseInfo } from '../client';

/** A stream that may be a terminal (progress bars draw only on one). */
export type OutputStream = Writable & { isTTY?: boolean; columns?: number };

/** The process's streams and environment; tests pass their own. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: Readable;
  env: Record<string, string | undefined>;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The global options every client command takes. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  apiKey?: string;
  timeout?: number;
}

/** A client for the global options, falling back to `JADE_URL`, `JADE_TOKEN` and `JADE_API_KEY`. */
export function clientFor(options: GlobalOptions, io: CliIo): JadeClient {
  const token = options.token ?? io.env.JADE_TOKEN;
  const apiKey = options.apiKey ?? io.env.JADE_API_KEY;
  return new JadeClient({
    url: options.url ?? nonEmpty(io.env.JADE_URL) ?? DEFAULT_URL,
    ...(token === undefined || token === '' ? {} : { token }),
    ...(apiKey === undefined || apiKey === '' ? {} : { apiKey }),
    ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
  });
}

/**
 * The definition of `db`, or undefined. From the list rather than `databases.get`, which also counts vectors and so
 * needs every shard to hold the database already (it may lag behind a create or a heavy import).
 */
export async function findDatabase(client: JadeClient, db: string): Promise<DatabaseInfo | undefined> {
  return (await client.databases.list()).find((d) => d.name === db);
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** Codes of failures the CLI finds itself, before or without a server reply (server errors keep their own codes). */
export const CLI_ERROR_CODES = {
  /** An option or argument value is invalid. */
  JADE_ERR_CLI_USAGE: 'invalid usage',
  /** A line or record of an input file is invalid. */
  JADE_ERR_CLI_INPUT_INVALID: 'invalid input',
  /** A file cannot be read or written. */
  JADE_ERR_CLI_FILE: 'file error',
} as const;

export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const cliError = (code: CliErrorCode, message: string, cause?: unknown): CliError => new CliError(code, message, cause === undefined ? undefined : { cause });

/** Writes one JSON document to stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a message line to stderr. */
export function say(io: CliIo, message: string): void {
  io.stderr.write(`${message}\n`);
}

/** A commander parser for an integer option in [min, max]. */
export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?[0-9]+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${n}`);
    return n;
  };
}

/** A commander parser for one of fixed choices. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/** Parses a JSON option value, naming the option when it is not JSON. */
export function parseJsonOption(option: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw cliError('JADE_ERR_CLI_USAGE', `${option} is not valid JSON: ${(err as Error).message}`);
  }
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
