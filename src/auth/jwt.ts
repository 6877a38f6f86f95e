// Tokens the CloudCX platform issues for its frontend. Verified with jose against a shared secret (HS256), a public key
// (RSA, RSA-PSS, EC or Ed25519: JWT_ALGORITHM, else the algorithm the key's own type implies) or a JWKS URL,
// whichever the configuration gives. `exp` is required: a token that never expires is
// refused like an expired one.

import { createPublicKey } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyObject,
} from 'jose';
import { type Config, ConfigError } from '../config.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { AuthError } from './viewer.ts';

export interface PlatformClaims {
  tenantId: string;
  role: Exclude<Role, 'SYSTEM'>;
  agent: { id: string; email?: string; name?: string };
}

const ROLES = new Set(['ADMIN', 'AGENT', 'INTEGRATION']);

export type JwtVerifier = (token: string) => Promise<PlatformClaims>;

export async function createJwtVerifier(config: Config['jwt']): Promise<JwtVerifier> {
  let key: Uint8Array | KeyObject | JWTVerifyGetKey | undefined;
  let algorithms: string[];
  if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
    algorithms = ['RS256', 'ES256', 'EdDSA'];
  } else if (config.publicKeyPem) {
    const alg = config.algorithm ?? algorithmOf(config.publicKeyPem);
    try {
      key = (await importSPKI(config.publicKeyPem, alg)) as KeyObject;
    } catch (error) {
      throw new ConfigError(`JWT_PUBLIC_KEY cannot be used with ${alg}: ${(error as Error).message}`);
    }
    algorithms = [alg];
  } else if (config.secret) {
    key = new TextEncoder().encode(config.secret);
    algorithms = ['HS256'];
  } else {
    algorithms = [];
  }

  return async (token) => {
    if (!key)
      throw new AuthError('INVALID_TOKEN', 'Platform tokens are not accepted: no JWT key is configured.');
    let payload: JWTPayload;
    try {
      const options = {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['exp', 'sub'],
      };
      payload =
        typeof key === 'function'
          ? (await jwtVerify(token, key, options)).payload
          : (await jwtVerify(token, key, options)).payload;
    } catch (error) {
      throw new AuthError(...describeJoseError(error));
    }
    const { tenant, role, email, name, sub } = payload as JWTPayload & Record<string, unknown>;
    if (typeof tenant !== 'string' || typeof role !== 'string' || !ROLES.has(role)) {
      throw new AuthError(
        'INVALID_TOKEN',
        'The token must carry a "tenant" claim and a "role" of ADMIN, AGENT or INTEGRATION.',
      );
    }
    return {
      tenantId: tenant,
      role: role as PlatformClaims['role'],
      agent: {
        id: sub!,
        email: typeof email === 'string' ? email : undefined,
        name: typeof name === 'string' ? name : undefined,
      },
    };
  };
}

function describeJoseError(error: unknown): [AuthError['code'], string] {
  if (error instanceof errors.JWTExpired) return ['EXPIRED_TOKEN', 'The token has expired. Sign in again.'];
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return ['INVALID_TOKEN', 'The token signature is not valid.'];
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return [
      'INVALID_TOKEN',
      'The token is not signed with an accepted algorithm (unsigned tokens are refused).',
    ];
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return ['INVALID_TOKEN', `The token is not valid: ${error.message}.`];
  }
  return ['INVALID_TOKEN', 'The token is not a valid signed JWT.'];
}

/**
 * The JWS algorithm a PEM public key implies, read from the key itself (node:crypto), not guessed from its text:
 * RSA → RS256, RSA-PSS → PS256, EC by curve → ES256/ES384/ES512, Ed25519 → EdDSA. JWT_ALGORITHM overrides it
 * (e.g. RS512 with an RSA key).
 */
export function algorithmOf(pem: string): string {
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const key = createPublicKey(pem);
    type = key.asymmetricKeyType;
    curve = key.asymmetricKeyDetails?.namedCurve;
  } catch (error) {
    throw new ConfigError(`JWT_PUBLIC_KEY is not a PEM public key: ${(error as Error).message}`);
  }
  switch (type) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const byCurve: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
      const alg = curve ? byCurve[curve] : undefined;
      if (!alg)
        throw new ConfigError(`JWT_PUBLIC_KEY is an EC key on ${curve}; JWTs use P-256, P-384 or P-521.`);
      return alg;
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new ConfigError(
        `JWT_PUBLIC_KEY is a ${type} key; use RSA, EC or Ed25519 (or set JWT_ALGORITHM to match it).`,
      );
  }
}
