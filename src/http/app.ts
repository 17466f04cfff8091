/**
 * The REST API (Fastify): strict validation (Ajv without coercion or removal of unknown properties), one error
 * shape, OpenAPI 3 generated from the route schemas (`/openapi.json`, browsable at `/docs`), metrics per route.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger';
import type { GatewayContext } from './context';
import { consoleRoutes } from './console';
import { randomUUID } from 'node:crypto';
import { frameworkErrorHandler, installErrorHandling } from './error-handler';
import { installSecurity, type SecurityOptions } from './security';
import { securityRoutes, type SecurityRoutesOptions } from './routes/security';
import { databaseRoutes } from './routes/databases';
import { systemRoutes } from './routes/system';
import { vectorRoutes } from './routes/vectors';

export interface HttpAppOptions {
  context: GatewayContext;
  logger: Logger;
  bodyLimit: number;
  version: string;
  security: SecurityOptions & SecurityRoutesOptions;
  /** Requests per minute per client address; 0 disables the limit. */
  rateLimitPerMinute: number;
  https?: { key: Buffer; cert: Buffer };
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = options.logger.child({ component: 'http' });
  const app = Fastify({
    loggerInstance: logger,
    // Requests are recorded by the audit log and metrics; per-request log lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    // A client's X-Request-Id is kept when it is a plausible id (it ties the audit trail to the client's logs);
    // otherwise the server makes one, unique across restarts and gateways.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // Router refusals (a malformed URL) get the common error shape too; a 512-byte id fits a path percent-encoded.
    frameworkErrors: frameworkErrorHandler,
    routerOptions: { maxParamLength: 1536 },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    ...(options.https === undefined ? {} : { https: options.https }),
  });
  installErrorHandling(app);
  await app.register(helmet, {
    // The API docs page loads its own bundled scripts and styles; nothing comes from elsewhere.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] } },
  });
  if (options.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'JADE_ERR_RATE_LIMITED',
        error: 'Too Many Requests',
        message: `rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  }
  await installSecurity(app, options.security);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'JadeVectorDB', version: options.version, description: 'An event-sourced vector database on a log backbone.' },
      tags: [
        { name: 'databases', description: 'Databases: dimension, metric and index parameters.' },
        { name: 'vectors', description: 'Writes are acknowledged once durable in the log and return a consistency token.' },
        { name: 'search', description: 'Nearest-neighbour search over every shard.' },
        { name: 'system', description: 'Health, readiness, status and metrics.' },
        { name: 'security', description: 'API keys, the audit log and its level (admin).' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: 'public', action: 'system.openapi' }, schema: { hide: true } }, () => app.swagger());

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    options.context.metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    options.context.metrics.requestDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  systemRoutes(app, options.context);
  databaseRoutes(app, options.context);
  vectorRoutes(app, options.context);
  securityRoutes(app, options.security);
  consoleRoutes(app);
  return app;
}
