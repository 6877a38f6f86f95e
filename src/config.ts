// Environment read and checked once. Nothing else reads process.env.
import path from 'node:path';

export interface Config {
  port: number;
  /** PostgreSQL URL; when absent the service runs on embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Public address of this service, used to build the OAuth callback URL shown to admins. */
  publicBaseUrl: string;
  /** Base64 of 32 bytes for AES-256-GCM; when absent one is generated into `dataDir` (embedded default only). */
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
  /** Starts the local Salesforce sandbox and a demo tenant (the quickstart). */
  demo: boolean;
  /** Seconds before a sync job whose worker died is retried (src/sync/queue.ts). */
  syncJobExpireSeconds?: number;
  /** Port of the demo's Salesforce sandbox. */
  sandboxPort: number;
  nodeEnv: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const dataDir = path.resolve(env.DATA_DIR ?? 'data');
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(publicBaseUrl))
    throw new ConfigError('PUBLIC_BASE_URL must start with http:// or https://');
  if (env.ENCRYPTION_KEY && Buffer.from(env.ENCRYPTION_KEY, 'base64').length !== 32) {
    throw new ConfigError('ENCRYPTION_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
  }
  const realConfig = [
    'DATABASE_URL',
    'PUBLIC_BASE_URL',
    'ENCRYPTION_KEY',
    'JWT_SECRET',
    'JWT_JWKS_URL',
    'JWT_PUBLIC_KEY',
  ];
  const demo = env.DEMO ? env.DEMO === '1' || env.DEMO === 'true' : !realConfig.some((name) => env[name]);
  return {
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    publicBaseUrl,
    encryptionKey: env.ENCRYPTION_KEY || undefined,
    jwt: {
      secret: env.JWT_SECRET || undefined,
      publicKeyPem: env.JWT_PUBLIC_KEY || undefined,
      algorithm: env.JWT_ALGORITHM || undefined,
      jwksUrl: env.JWT_JWKS_URL || undefined,
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
    salesforceApiVersion: env.SALESFORCE_API_VERSION ?? '62.0',
    salesforceAllowedOrigins: allowedOrigins(env.SALESFORCE_ALLOWED_HOSTS),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    demo,
    sandboxPort: Number(env.SANDBOX_PORT ?? port + 1),
    syncJobExpireSeconds: env.SYNC_JOB_EXPIRE_SECONDS ? Number(env.SYNC_JOB_EXPIRE_SECONDS) : undefined,
    nodeEnv: env.NODE_ENV ?? 'development',
    exposure: readExposure(env),
  };
}

/** GRAPHIQL and INTROSPECTION (1/0) default to on outside production; CORS_ORIGINS is a comma-separated allow-list. */
function readExposure(env: NodeJS.ProcessEnv): Config['exposure'] {
  const production = env.NODE_ENV === 'production';
  const flag = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return !production;
    if (!['0', '1', 'true', 'false'].includes(value))
      throw new ConfigError(`${name} must be 1 or 0, got "${value}"`);
    return value === '1' || value === 'true';
  };
  const corsOrigins = (env.CORS_ORIGINS ?? '')
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
