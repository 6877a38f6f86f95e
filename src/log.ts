// Structured JSON logs. Tokens and secrets never reach a log line: the redact paths are a second guard.
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
    destination,
  );
}
