// Production settings are strict: a refused value is one line naming the variable and a non-zero exit, before the
// port or the database are touched; a busy port is said before any migration.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, EXIT_CONFIG, environment, readConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { redactPersonalData } from '../../src/redact.ts';
import { SalesforceCallError } from '../../src/salesforce/failures.ts';
import { failedOutcome } from '../../src/salesforce/step-outcome.ts';

const root = path.resolve(import.meta.dirname, '../..');
const KEY = Buffer.alloc(32, 1).toString('base64');
const SECRET = 'a-platform-token-secret-of-32-bytes!';
const production = { NODE_ENV: 'production', ENCRYPTION_KEY: KEY, PUBLIC_BASE_URL: 'https://cx.example' };

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('configuration', () => {
  it('runs the demo with nothing set, never in production, and not with a real setting', () => {
    expect(readConfig({}).demo).toBe(true);
    expect(readConfig(production).demo).toBe(false);
    expect(readConfig({ JWT_SECRET: SECRET }).demo).toBe(false);
    expect(refusal({ ...production, DEMO: '1' })).toBe('DEMO: the demo never runs with NODE_ENV=production');
  });

  it('generates no secret in production or with a real database', () => {
    expect(refusal({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://cx.example' })).toMatch(
      /^ENCRYPTION_KEY is required with NODE_ENV=production/,
    );
    expect(refusal({ DATABASE_URL: 'postgresql://db/cx' })).toMatch(
      /^ENCRYPTION_KEY is required with DATABASE_URL/,
    );
    expect(refusal({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY })).toMatch(/^PUBLIC_BASE_URL is required/);
  });

  it('refuses weak or doubled secrets and unparsable keys, naming the variable', () => {
    expect(refusal({ ...production, JWT_SECRET: 'x' })).toBe(
      'JWT_SECRET must be at least 32 bytes (openssl rand -base64 32)',
    );
    expect(refusal({ ...production, JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://id.example/jwks' })).toBe(
      'JWT_SECRET and JWT_JWKS_URL: set only one way to verify platform tokens',
    );
    expect(
      refusal({
        ...production,
        JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----',
      }),
    ).toMatch(/^JWT_PUBLIC_KEY is not a readable PEM public key/);
    expect(refusal({ ...production, ENCRYPTION_KEY: 'c2hvcnQ=' })).toMatch(
      /^ENCRYPTION_KEY must be 32 bytes in base64/,
    );
  });

  it('refuses unsupported URL schemes and bad values, naming the variable', () => {
    expect(refusal({ ...production, DATABASE_URL: 'mysql://db/cx' })).toBe(
      'DATABASE_URL must be a postgres:// or postgresql:// URL, e.g. postgresql://user@host:5432/db',
    );
    expect(refusal({ LOG_LEVEL: 'loud' })).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
    expect(refusal({ SYNC_JOB_EXPIRE_SECONDS: 'soon' })).toBe(
      'SYNC_JOB_EXPIRE_SECONDS must be a whole number of seconds from 1 to 86400 (got "soon")',
    );
    expect(refusal({ PORT: '70000' })).toBe('PORT must be a port number (0-65535) (got "70000")');
    expect(refusal({ SYNC_WORKERS: 'no' })).toBe('SYNC_WORKERS must be 1 or 0 (got "no")');
    expect(readConfig({ SYNC_WORKERS: '0' }).syncWorkers).toBe(false);
    expect(readConfig({}).syncWorkers).toBe(true);
  });

  it('reads an optional .env under the environment, which wins', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cxsf-env-'));
    writeFileSync(path.join(dir, '.env'), 'PORT=4555\nHOST=127.0.0.1\n');
    const config = readConfig(environment({ HOST: '::1' }, dir));
    expect([config.port, config.host]).toEqual([4555, '::1']);
    expect(readConfig(environment({}, tmpdir())).port).toBe(4000);
  });
});

describe('npm start with a bad setting', () => {
  function start(env: NodeJS.ProcessEnv) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cxsf-bad-')), ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  it('prints one line naming the variable and exits with the configuration code', () => {
    const result = start({ NODE_ENV: 'production' });
    expect(result.status).toBe(EXIT_CONFIG);
    expect(result.stderr.trim().split('\n')).toEqual([
      'cloudcx-salesforce: ENCRYPTION_KEY is required with NODE_ENV=production (openssl rand -base64 32)',
    ]);
  });

  it('says the port is busy before touching the database', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      // An unreachable database would fail later: the port is checked first.
      const result = start({
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
        ENCRYPTION_KEY: KEY,
        LOG_FORMAT: 'json',
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        `cloudcx-salesforce: PORT ${port} is already in use (127.0.0.1:${port}): stop the other process or set PORT`,
      );
    } finally {
      busy.close();
    }
  });
});

describe('personal data in errors and logs', () => {
  it('redacts emails, phone numbers and quoted SOQL values, and keeps ids and dates', () => {
    const soql =
      "MALFORMED_QUERY: SELECT Id FROM Lead WHERE Email = 'ada@example.com' OR Name = 'Ada Lovelace' OR Phone = '+44 20 7946 0958'";
    expect(redactPersonalData(soql)).toBe(
      "MALFORMED_QUERY: SELECT Id FROM Lead WHERE Email = '[redacted]' OR Name = '[redacted]' OR Phone = '[redacted]'",
    );
    expect(redactPersonalData('duplicate of ada@example.com, call (555) 123-4567 or 555-123-4567')).toBe(
      'duplicate of [redacted], call [redacted] or [redacted]',
    );
    const kept =
      'record 00Q000000000001AAA at 2026-11-29T01:12:51.000Z (node_modules/@prisma/client/runtime.js:3:1)';
    expect(redactPersonalData(kept)).toBe(kept);
  });

  it('redacts a log line carrying a 5 MB attachment in one linear pass', () => {
    const started = performance.now();
    expect(redactPersonalData('A'.repeat(5_000_000)).length).toBe(5_000_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("never writes a visitor's email or name into a log line, in a message or an error", () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    log.warn({ visitor: { email: 'ada@example.com' } }, 'matched ada@example.com');
    log.error(
      { err: new Error("INVALID_FIELD: SELECT Id FROM Lead WHERE Name = 'Ada Lovelace'") },
      'sync failed',
    );
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toMatch(/ada@example\.com|Ada Lovelace/);
    expect(lines[1]).toContain("WHERE Name = '[redacted]'");
  });

  it('keeps them out of the Salesforce errors that become stored messages (lastError)', () => {
    const soql =
      "MALFORMED_QUERY: SELECT Id FROM Contact WHERE Email IN ('ada@example.com') AND LastName = 'Lovelace'";
    expect(new SalesforceCallError('MALFORMED_QUERY', soql).message).toBe(
      "MALFORMED_QUERY: SELECT Id FROM Contact WHERE Email IN ('[redacted]') AND LastName = '[redacted]'",
    );
    const outcome = failedOutcome('lead', {
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address: ada@example',
    });
    expect((outcome as { message: string }).message).toBe('Email: invalid email address: [redacted]');
    const duplicate = failedOutcome('lead', {
      errorCode: 'DUPLICATE_VALUE',
      message: 'duplicate value found: Email duplicates value on record with id: 00Q1 (ada@example.com)',
    });
    expect((duplicate as { message: string }).message).toBe(
      'duplicate value found: Email duplicates value on record with id: 00Q1 ([redacted])',
    );
  });
});
