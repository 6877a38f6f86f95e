// Reads the error a graphql-request call failed with: its message, code and HTTP status.
import { ClientError } from 'graphql-request';

export async function graphqlError(
  promise: Promise<unknown>,
): Promise<{ status: number; message: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const first = error.response.errors?.[0];
    return {
      status: error.response.status,
      message: first?.message ?? '',
      code: first?.extensions?.code as string | undefined,
    };
  }
  throw new Error('expected the request to fail');
}
