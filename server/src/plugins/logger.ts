import type { FastifyServerOptions } from 'fastify';

/** Paths pino replaces with "[redacted]": credentials must never reach the logs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.temporaryPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.secretKey',
  '*.appSecret',
  '*.passwordHash',
  'body.password',
  'body.token',
  'body.refreshToken',
];

/** pino options for the server: level, redaction, and pretty output on a terminal outside production. */
export function loggerOptions(opts: {
  level: string;
  pretty: boolean;
}): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(opts.pretty && {
      transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
    }),
  };
}
