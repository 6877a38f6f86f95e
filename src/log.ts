// Structured JSON logs (readable with LOG_FORMAT=pretty, the development default). Tokens and secrets never reach a
// log line (redact paths); every line also passes through redactPersonalData, so a visitor's email, phone or name
// quoted in an error message does not either.
import { createRequire } from 'node:module';
import { pino } from 'pino';
import { redactPersonalData } from './redact.ts';

export type Logger = pino.Logger;

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: { pretty?: boolean } = {},
): Logger {
  const target = destination ?? (options.pretty ? prettyStream() : undefined) ?? pino.destination(1);
  return pino(
    {
      level,
      base: { service: 'cloudcx-salesforce' },
      redact: {
        paths: [
          '*.accessToken',
          '*.refreshToken',
          '*.clientSecret',
          '*.authorization',
          '*.password',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    { write: (line: string) => target.write(redactPersonalData(line)) },
  );
}

/** pino-pretty is a development package: without it (a production install) logs stay JSON. */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (
      options: object,
    ) => pino.DestinationStream;
    return pretty({
      colorize: process.stdout.isTTY,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,service',
    });
  } catch {
    return undefined;
  }
}
