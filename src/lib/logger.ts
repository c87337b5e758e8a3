import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

/** pino options: JSON lines, pretty only on a terminal, credentials never written. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.token', '*.password', '*.secret', '*.respondentKey'],
      censor: '[redacted]',
    },
    transport:
      process.stdout.isTTY && config.NODE_ENV !== 'production'
        ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }
        : undefined,
  };
}
