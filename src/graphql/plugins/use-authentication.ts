// Authenticates a GraphQL request from its headers before its body is read: a caller without a valid credential
// gets 401 in milliseconds and never has a byte of its document read, parsed or validated, so nothing about the
// schema (no parse error, no "Did you mean") and no CPU or memory is spent on it. Bodies larger than the largest
// allowed are refused from their Content-Length first (413), before any database read.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AuthError, type Viewer } from '../../auth/viewer.ts';

export interface AuthenticationOptions {
  /** Turns the Authorization header into a viewer; throws AuthError for a missing or refused credential. */
  authenticate(authorization: string | null): Promise<Viewer>;
  /**
   * Largest body accepted from an authenticated caller (Yoga's `maxRequestBodySize` enforces it while reading).
   * A Content-Length above it is refused before authentication.
   */
  maxBodyBytes: number;
}

/** The viewer each request was authenticated as; the context factory reads it. */
const viewers = new WeakMap<Request, Viewer>();

export function authenticatedViewer(request: Request): Viewer | undefined {
  return viewers.get(request);
}

export function useAuthentication(options: AuthenticationOptions): Plugin {
  return {
    async onRequestParse({ request, endResponse }) {
      const length = request.headers.get('content-length');
      if (length !== null && /^\d+$/.test(length) && Number(length) > options.maxBodyBytes) {
        endResponse(
          errorResponse(
            413,
            'REQUEST_ENTITY_TOO_LARGE',
            `The request body is larger than ${mb(options.maxBodyBytes)}.`,
          ),
        );
        return;
      }
      try {
        viewers.set(request, await options.authenticate(request.headers.get('authorization')));
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        endResponse(
          errorResponse(
            401,
            'UNAUTHENTICATED',
            error.message,
            { reason: error.code },
            { 'WWW-Authenticate': 'Bearer' },
          ),
        );
      }
    },
  };
}

/** The error for a request the context factory got without the plugin having authenticated it (a wiring bug). */
export function notAuthenticated(): GraphQLError {
  return new GraphQLError('Authentication required.', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }), {
    status,
    headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', ...headers },
  });
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
