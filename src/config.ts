// Environment read and checked once. Nothing else reads process.env.
// Every variable is one entry of VARIABLES: a JSON Schema for its text (ajv coerces numbers, fills defaults) and the
// hint printed when the value is refused. Rules between variables follow in readConfig. A refused setting is one
// line naming the variable (ConfigError), which server.ts prints before exiting with EXIT_CONFIG.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { Ajv, type ErrorObject } from 'ajv';

export interface Config {
  port: number;
  /** Interface to listen on; unset: every interface. */
  host?: string;
  /** PostgreSQL URL; when absent the service runs on embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Public address of this service, used to build the OAuth callback URL shown to admins. */
  publicBaseUrl: string;
  /** Base64 of 32 bytes for AES-256-GCM; when absent one is generated into `dataDir` (development and tests only). */
  encryptionKey?: string;
  jwt: {
    secret?: string;
    publicKeyPem?: string;
    /** JWT_ALGORITHM: how JWT_PUBLIC_KEY signs (RS256, PS256, ES256, ES384, EdDSA…); default: from the key. */
    algorithm?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  /** What the schema and the browser may see; closed in production unless set (README "Security"). */
  exposure: { graphiql: boolean; introspection: boolean; corsOrigins: string[] };
  salesforceApiVersion: string;
  /** Origins besides Salesforce's own domains that may act as a Salesforce login or API host (src/salesforce/endpoints.ts). */
  salesforceAllowedOrigins: string[];
  logLevel: string;
  /** Human-readable logs (pino-pretty) instead of JSON lines. */
  logPretty: boolean;
  /** Starts the local Salesforce sandbox and a demo tenant (the quickstart). */
  demo: boolean;
  /** Seconds before a sync job whose worker died is retried (src/sync/queue.ts). */
  syncJobExpireSeconds?: number;
  /** Sync batches one process works at once (src/sync/service.ts DEFAULT_SYNC_CONCURRENCY when unset). */
  syncConcurrency?: number;
  /** Whether this process syncs (workers and sweeper) or only answers the API and stores events. */
  syncWorkers: boolean;
  /** Seconds a stopping service gives requests in flight and the current sync batch. */
  shutdownTimeoutSeconds: number;
  /** Port of the demo's Salesforce sandbox. */
  sandboxPort: number;
  nodeEnv: string;
}

/** Exit code of a refused configuration (sysexits' EX_CONFIG). */
export const EXIT_CONFIG = 78;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Variable {
  schema: Record<string, unknown>;
  /** What a valid value looks like; printed after the variable's name when a value is refused. */
  hint?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const BOOLEAN = { enum: ['0', '1', 'true', 'false'] };

export const VARIABLES = {
  NODE_ENV: { schema: { type: 'string', default: 'development' } },
  PORT: {
    schema: { type: 'integer', minimum: 0, maximum: 65535, default: 4000 },
    hint: 'must be a port number (0-65535)',
  },
  HOST: {
    schema: { type: 'string', pattern: '^[A-Za-z0-9.:-]+$' },
    hint: 'must be a host name or IP address',
  },
  DATABASE_URL: {
    schema: { type: 'string', pattern: '^postgres(ql)?://[^\\s]+$' },
    hint: 'must be a postgres:// or postgresql:// URL, e.g. postgresql://user@host:5432/db',
  },
  DATA_DIR: { schema: { type: 'string', default: 'data' } },
  PUBLIC_BASE_URL: {
    schema: { type: 'string', pattern: '^https?://[^\\s]+$' },
    hint: 'must start with http:// or https://',
  },
  ENCRYPTION_KEY: {
    schema: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
    hint: 'must be 32 bytes in base64 (openssl rand -base64 32)',
  },
  JWT_SECRET: {
    schema: { type: 'string', minLength: 32 },
    hint: 'must be at least 32 bytes (openssl rand -base64 32)',
  },
  JWT_PUBLIC_KEY: {
    schema: { type: 'string', pattern: '-----BEGIN ' },
    hint: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
  },
  JWT_JWKS_URL: { schema: { type: 'string', pattern: '^https?://[^\\s]+$' }, hint: 'must be an http(s) URL' },
  JWT_ALGORITHM: {
    schema: { type: 'string', pattern: '^(RS|PS|ES)(256|384|512)$|^EdDSA$' },
    hint: 'must be a JWS algorithm such as RS256, PS256, ES256 or EdDSA',
  },
  JWT_ISSUER: { schema: { type: 'string' } },
  JWT_AUDIENCE: { schema: { type: 'string' } },
  SALESFORCE_API_VERSION: {
    schema: { type: 'string', pattern: '^\\d{2}\\.0$', default: '62.0' },
    hint: 'must be a version like 62.0',
  },
  SALESFORCE_ALLOWED_HOSTS: {
    schema: { type: 'string' },
    hint: 'origins separated by commas or spaces, e.g. https://sf-proxy.example',
  },
  GRAPHIQL: { schema: BOOLEAN, hint: 'must be 1 or 0' },
  INTROSPECTION: { schema: BOOLEAN, hint: 'must be 1 or 0' },
  CORS_ORIGINS: {
    schema: { type: 'string' },
    hint: 'origins separated by commas, e.g. https://app.example.com',
  },
  LOG_LEVEL: {
    schema: { type: 'string', enum: LOG_LEVELS },
    hint: `must be one of ${LOG_LEVELS.join(', ')}`,
  },
  LOG_FORMAT: { schema: { type: 'string', enum: ['json', 'pretty'] }, hint: 'must be json or pretty' },
  DEMO: { schema: BOOLEAN, hint: 'must be 0 or 1' },
  SANDBOX_PORT: {
    schema: { type: 'integer', minimum: 0, maximum: 65535 },
    hint: 'must be a port number (0-65535)',
  },
  SYNC_JOB_EXPIRE_SECONDS: {
    schema: { type: 'integer', minimum: 1, maximum: 86_400 },
    hint: 'must be a whole number of seconds from 1 to 86400',
  },
  SYNC_CONCURRENCY: {
    schema: { type: 'integer', minimum: 1, maximum: 32 },
    hint: 'must be a whole number from 1 to 32',
  },
  SYNC_WORKERS: { schema: BOOLEAN, hint: 'must be 1 or 0' },
  SHUTDOWN_TIMEOUT_SECONDS: {
    schema: { type: 'integer', minimum: 0, maximum: 600, default: 25 },
    hint: 'must be a whole number of seconds from 0 to 600',
  },
} satisfies Record<string, Variable>;

type Name = keyof typeof VARIABLES;
type Values = Partial<Record<Name, string | number>>;

/** Variables whose presence means a real deployment: the demo stays off and no secret is generated. */
const REAL_CONFIGURATION: Name[] = [
  'DATABASE_URL',
  'PUBLIC_BASE_URL',
  'ENCRYPTION_KEY',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_PUBLIC_KEY',
];

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false }).compile<Values>({
  type: 'object',
  properties: Object.fromEntries(Object.entries(VARIABLES).map(([name, v]) => [name, v.schema])),
});

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Values = {};
  // An empty variable counts as unset, as in most shells' `VAR= command`.
  for (const name of Object.keys(VARIABLES) as Name[]) if (env[name]) values[name] = env[name];
  if (!validate(values)) throw refused(validate.errors![0]!, env);
  const get = <T extends string | number>(name: Name) => values[name] as T | undefined;

  const nodeEnv = get<string>('NODE_ENV')!;
  const production = nodeEnv === 'production';
  const port = get<number>('PORT')!;
  const jwtSources = (['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'] as const).filter(
    (name) => values[name],
  );
  if (jwtSources.length > 1)
    throw new ConfigError(`${jwtSources.join(' and ')}: set only one way to verify platform tokens`);
  const publicKeyPem = get<string>('JWT_PUBLIC_KEY');
  if (publicKeyPem) {
    try {
      createPublicKey(publicKeyPem);
    } catch (error) {
      throw new ConfigError(`JWT_PUBLIC_KEY is not a readable PEM public key (${(error as Error).message})`);
    }
  }
  const real = REAL_CONFIGURATION.some((name) => values[name]);
  const demo =
    values.DEMO === undefined ? !real && !production : values.DEMO === '1' || values.DEMO === 'true';
  if (demo && production) throw new ConfigError('DEMO: the demo never runs with NODE_ENV=production');
  // A key generated next to the data would be lost, or stolen, with it: only development and tests may use one.
  if (!values.ENCRYPTION_KEY && (production || (values.DATABASE_URL && nodeEnv !== 'test')))
    throw new ConfigError(
      `ENCRYPTION_KEY is required ${production ? 'with NODE_ENV=production' : 'with DATABASE_URL'} (openssl rand -base64 32)`,
    );
  if (production && !values.PUBLIC_BASE_URL)
    throw new ConfigError(
      'PUBLIC_BASE_URL is required with NODE_ENV=production (the address browsers reach the service at)',
    );

  return {
    port,
    host: get('HOST'),
    databaseUrl: get('DATABASE_URL'),
    dataDir: path.resolve(get<string>('DATA_DIR')!),
    publicBaseUrl: (get<string>('PUBLIC_BASE_URL') ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    encryptionKey: get('ENCRYPTION_KEY'),
    jwt: {
      secret: get('JWT_SECRET'),
      publicKeyPem,
      algorithm: get('JWT_ALGORITHM'),
      jwksUrl: get('JWT_JWKS_URL'),
      issuer: get('JWT_ISSUER'),
      audience: get('JWT_AUDIENCE'),
    },
    salesforceApiVersion: get<string>('SALESFORCE_API_VERSION')!,
    salesforceAllowedOrigins: allowedOrigins(get('SALESFORCE_ALLOWED_HOSTS')),
    logLevel: get<string>('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logPretty:
      (get<string>('LOG_FORMAT') ?? (production || nodeEnv === 'test' ? 'json' : 'pretty')) === 'pretty',
    demo,
    sandboxPort: get<number>('SANDBOX_PORT') ?? (port === 0 ? 0 : port + 1),
    syncJobExpireSeconds: get('SYNC_JOB_EXPIRE_SECONDS'),
    syncConcurrency: get('SYNC_CONCURRENCY'),
    syncWorkers:
      values.SYNC_WORKERS === undefined || values.SYNC_WORKERS === '1' || values.SYNC_WORKERS === 'true',
    shutdownTimeoutSeconds: get<number>('SHUTDOWN_TIMEOUT_SECONDS')!,
    nodeEnv,
    exposure: readExposure(values, production),
  };
}

/** GRAPHIQL and INTROSPECTION default to on outside production; CORS_ORIGINS is a comma-separated allow-list. */
function readExposure(values: Values, production: boolean): Config['exposure'] {
  const flag = (name: 'GRAPHIQL' | 'INTROSPECTION') => {
    const value = values[name];
    return value === undefined ? !production : value === '1' || value === 'true';
  };
  const corsOrigins = String(values.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of corsOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError(
        `CORS_ORIGINS must list origins such as https://app.example.com, got "${origin}"`,
      );
  return { graphiql: flag('GRAPHIQL'), introspection: flag('INTROSPECTION'), corsOrigins };
}

function refused(error: ErrorObject, env: NodeJS.ProcessEnv): ConfigError {
  const name = error.instancePath.slice(1) as Name;
  const variable: Variable = VARIABLES[name];
  // Secrets are never echoed back.
  const shown = /KEY|SECRET|URL/.test(name) ? '' : ` (got "${env[name]}")`;
  return new ConfigError(`${name} ${variable.hint ?? error.message}${shown}`);
}

/**
 * The environment with an optional `.env` file under it (`ENV_FILE`, default `./.env`): variables already set win,
 * as with `node --env-file`.
 */
export function environment(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): NodeJS.ProcessEnv {
  const file = path.resolve(cwd, env.ENV_FILE ?? '.env');
  if (!existsSync(file)) {
    if (env.ENV_FILE) throw new ConfigError(`ENV_FILE names ${file}, which does not exist`);
    return env;
  }
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** SALESFORCE_ALLOWED_HOSTS: origins separated by commas or spaces; a bare host name means https. */
function allowedOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      let url: URL | undefined;
      try {
        url = new URL(/^[a-z]+:\/\//i.test(entry) ? entry : `https://${entry}`);
      } catch {}
      if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.username) {
        throw new ConfigError(
          `SALESFORCE_ALLOWED_HOSTS: "${entry}" is not an origin such as https://sf-proxy.example or http://127.0.0.1:4001`,
        );
      }
      return url.origin;
    });
}
