// Tokens the CloudCX platform issues for its frontend. Verified with jose against a shared secret (HS256), a public key
// (RS256/ES256) or a JWKS URL, whichever the configuration gives. `exp` is required: a token that never expires is
// refused like an expired one.
import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyObject,
} from 'jose';
import type { Config } from '../config.ts';
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
    const alg = config.publicKeyPem.includes('EC') ? 'ES256' : 'RS256';
    key = (await importSPKI(config.publicKeyPem, alg)) as KeyObject;
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
