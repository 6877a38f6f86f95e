// Sends the console's typed documents to /graphql with the session's credential. GraphQL errors (refused by role,
// unauthenticated, invalid) become an ApiError that carries the server's own message, shown as is.
import type { TypedDocumentString } from '../generated/graphql.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    /** The server's extensions.code, e.g. FORBIDDEN or UNAUTHENTICATED; HTTP_<status> when there was no body. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Request = <R, V>(
  document: TypedDocumentString<R, V>,
  ...variables: V extends Record<string, never> ? [] | [V] : [V]
) => Promise<R>;

interface GraphQLResponse<R> {
  data?: R | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export function createClient(endpoint: string, credential: string): Request {
  return async (document, ...rest) => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${credential}`,
        },
        body: JSON.stringify({ query: document.toString(), variables: rest[0] ?? {} }),
      });
    } catch {
      throw new ApiError(
        'The service cannot be reached. Check your network; the console retries.',
        'NETWORK',
      );
    }
    let body: GraphQLResponse<never>;
    try {
      body = (await response.json()) as GraphQLResponse<never>;
    } catch {
      throw new ApiError(`The service answered HTTP ${response.status}.`, `HTTP_${response.status}`);
    }
    const error = body.errors?.[0];
    if (error) throw new ApiError(error.message, error.extensions?.code ?? `HTTP_${response.status}`);
    if (!body.data)
      throw new ApiError(`The service answered HTTP ${response.status}.`, `HTTP_${response.status}`);
    return body.data;
  };
}

/** A union result's failure (`... on Error { message }`): its message, else null on success. */
export function failure(result: { __typename: string; message?: string }): string | null {
  return result.__typename.endsWith('Success') ? null : (result.message ?? result.__typename);
}
