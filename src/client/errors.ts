/**
 * The client's one error type. A reply from the server keeps its `statusCode` and stable `code`
 * (`JADE_ERR_...`, see docs/errors.md); failures with no usable reply get a `JADE_ERR_CLIENT_...` code and
 * `statusCode` 0 (or the HTTP status when a reply came but could not be read).
 */
import type { ErrorReply } from './types';

/** Codes the client itself raises when it has no error reply from the server to pass on. */
export const CLIENT_ERROR_CODES = {
  /** No reply: connection refused, reset, DNS failure. A write may or may not have landed. */
  JADE_ERR_CLIENT_UNREACHABLE: 'the server could not be reached',
  /** No reply within `timeoutMs`. A write may or may not have landed. */
  JADE_ERR_CLIENT_TIMEOUT: 'the server did not answer in time',
  /** A reply came that is not the API's JSON (a proxy's error page, a truncated body). */
  JADE_ERR_CLIENT_BAD_REPLY: 'the reply could not be read',
  /** The caller passed something the client cannot send (checked before any request). */
  JADE_ERR_CLIENT_INVALID_ARGUMENT: 'invalid argument',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

export class JadeClientError extends Error {
  override readonly name = 'JadeClientError';
  /** HTTP status of the reply; 0 when none came. */
  readonly statusCode: number;
  /** Stable error code: branch on this, not on the message. */
  readonly code: string;
  /** For a batch write the log failed midway: the ids that were acknowledged (and are durable). */
  declare readonly acknowledged?: string[];
  /** Seconds the server asked to wait before retrying (`Retry-After`), when it said. */
  declare readonly retryAfterSeconds?: number;

  constructor(init: { statusCode: number; code: string; message: string; acknowledged?: string[]; retryAfterSeconds?: number; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.statusCode = init.statusCode;
    this.code = init.code;
    if (init.acknowledged !== undefined) this.acknowledged = init.acknowledged;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Worth retrying as is: the server was overloaded, not ready, unreachable, or too slow. */
  get retriable(): boolean {
    return this.statusCode === 0 || this.statusCode === 502 || this.statusCode === 503 || this.statusCode === 504;
  }

  /** From an error reply of the server. */
  static fromReply(body: ErrorReply, retryAfterSeconds?: number): JadeClientError {
    return new JadeClientError({
      statusCode: body.statusCode,
      code: body.code,
      message: body.message,
      ...(Array.isArray(body.acknowledged) ? { acknowledged: body.acknowledged } : {}),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }

  static client(code: ClientErrorCode, detail: string, statusCode = 0, cause?: unknown): JadeClientError {
    return new JadeClientError({ statusCode, code, message: `${CLIENT_ERROR_CODES[code]}: ${detail}`, cause });
  }
}

export function isJadeClientError(err: unknown): err is JadeClientError {
  return err instanceof JadeClientError;
}
