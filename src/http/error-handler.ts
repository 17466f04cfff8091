/**
 * One error shape for every HTTP reply: `{ statusCode, code, error, message }`. JadeErrors keep their code;
 * Fastify's own errors (validation, body size, bad JSON) map to stable codes; anything else is a 500 whose
 * message names only the request id: no stack traces or internal paths ever leave the process.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isJadeError, jadeError, type JadeError } from '../errors';

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  /** For a write the log failed midway: the ids that were acknowledged (and are durable) before it failed. */
  acknowledged?: string[];
}

export function errorBody(err: JadeError): ErrorBody {
  const body: ErrorBody = { statusCode: err.statusCode, code: err.code, error: STATUS_CODES[err.statusCode] ?? 'Error', message: err.message };
  const acknowledged = err.context.acknowledgedIds;
  if (Array.isArray(acknowledged)) body.acknowledged = acknowledged as string[];
  return body;
}

/** Turns whatever was thrown into the JadeError the client sees. */
export function toJadeError(err: unknown, requestId: string): JadeError {
  if (isJadeError(err)) return err;
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.validation !== undefined) {
    return jadeError('JADE_ERR_REQUEST_INVALID', [fastifyError.message ?? 'the request does not match its schema']);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return jadeError('JADE_ERR_REQUEST_TOO_LARGE', [fastifyError.message?.match(/\d+/)?.[0] ?? 'the limit']);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return jadeError('JADE_ERR_REQUEST_INVALID', [fastifyError.message ?? 'unreadable body']);
    default:
      if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
        return jadeError('JADE_ERR_REQUEST_INVALID', [fastifyError.message ?? 'bad request']);
      }
      return jadeError('JADE_ERR_INTERNAL', [requestId], { cause: err });
  }
}

/**
 * For Fastify's `frameworkErrors` option: the router's own refusals (a URL that is not valid percent-encoding, a path
 * parameter over `maxParamLength`) in the one error shape. The router answers them before routing, so no hook runs.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const jade = toJadeError(err, request.id);
  void reply.status(jade.statusCode).send(errorBody(jade));
}

/** Installs the error and not-found handlers on a Fastify instance. */
export function installErrorHandling(app: FastifyInstance): void {
  // The failed request's code, for the audit event written when the reply is sent.
  app.decorateRequest('jadeErrorCode', null);
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const jade = toJadeError(err, request.id);
    request.jadeErrorCode = jade.code;
    if (jade.statusCode >= 500) request.log.error({ err }, 'request failed');
    const retryAfter = jade.context.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(jade.statusCode).send(errorBody(jade));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const jade = jadeError('JADE_ERR_ROUTE_NOT_FOUND', [request.method, request.url.split('?')[0]]);
    request.jadeErrorCode = jade.code;
    void reply.status(404).send(errorBody(jade));
  });
}
