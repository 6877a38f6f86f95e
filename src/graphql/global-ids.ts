// Global ids and the `nodes` bound. A malformed id is the caller's mistake: it is answered as BAD_USER_INPUT
// saying what an id looks like, never as "Unexpected error.".
import { GraphQLError } from 'graphql';

/** `nodes(ids:)` loads one page at most: more would be one database read per id, at a client's choosing. */
export const MAX_NODE_IDS = 100;

export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** `Type:id` in base64, as Pothos encodes it; anything else is refused with what to send instead. */
export function decodeGlobalId(globalID: string): { typename: string; id: string } {
  const text = Buffer.from(globalID, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const typename = text.slice(0, colon);
  const id = text.slice(colon + 1);
  const roundTrips =
    Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') === globalID.replace(/=+$/, '');
  if (colon < 1 || !id || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(typename) || !roundTrips) {
    throw badUserInput(
      `"${clip(globalID)}" is not an id of this API: pass an \`id\` field exactly as a query returned it.`,
    );
  }
  return { typename, id };
}

export function checkNodeIds(ids: readonly unknown[]): void {
  if (ids.length > MAX_NODE_IDS) {
    throw new GraphQLError(`nodes takes at most ${MAX_NODE_IDS} ids; this request has ${ids.length}.`, {
      extensions: { code: 'LIST_TOO_LONG', limit: MAX_NODE_IDS, http: { status: 400 } },
    });
  }
}

export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
