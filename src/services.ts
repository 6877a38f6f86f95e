// Long-lived collaborators shared by every request, created once by app.ts.
import type { JwtVerifier } from './auth/jwt.ts';
import type { Config } from './config.ts';

export interface Services {
  config: Config;
  verifyJwt: JwtVerifier;
}
