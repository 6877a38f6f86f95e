// Bounds a GraphQL request's document and variables before they are parsed, validated or executed: the document's
// length and token count (graphql-js stops parsing at `maxTokens`, so `{ a a a … }` costs no more than its first
// tokens), and the length of every list in the variables (200,000 ids for `nodes` are refused, not decoded).
import { GraphQLError, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface DocumentLimitsOptions {
  /**
   * Longest document, in characters. Values belong in variables; a document is a few KB.
   * @default 100000
   */
  maxDocumentChars?: number;
  /**
   * Most tokens in a document (GraphiQL's introspection query has about 250).
   * @default 5000
   */
  maxTokens?: number;
  /**
   * Most items of any list in the variables, at any depth.
   * @default 10000
   */
  maxListItems?: number;
}

/** The `extensions.code` of each refusal. */
export const DOCUMENT_LIMIT_CODES = {
  chars: 'DOCUMENT_TOO_LARGE',
  tokens: 'TOO_MANY_TOKENS',
  list: 'LIST_TOO_LONG',
} as const;

const DEFAULTS: Required<DocumentLimitsOptions> = {
  maxDocumentChars: 100_000,
  maxTokens: 5_000,
  maxListItems: 10_000,
};

export function useDocumentLimits(options: DocumentLimitsOptions = {}): Plugin {
  const limits = { ...DEFAULTS, ...options };
  const refuse = (code: string, status: number, message: string, extensions: Record<string, unknown>) =>
    new GraphQLError(message, { extensions: { code, http: { status }, ...extensions } });
  return {
    onParams({ params, setResult }) {
      const query = params.query;
      if (typeof query === 'string' && query.length > limits.maxDocumentChars) {
        setResult({
          errors: [
            refuse(
              DOCUMENT_LIMIT_CODES.chars,
              413,
              `The document has ${query.length} characters; at most ${limits.maxDocumentChars} are allowed. ` +
                'Send values as variables.',
              { limit: limits.maxDocumentChars },
            ),
          ],
        });
        return;
      }
      const long = listOver(params.variables, limits.maxListItems);
      if (long) {
        setResult({
          errors: [
            refuse(
              DOCUMENT_LIMIT_CODES.list,
              400,
              `The list at variables.${long.path} has ${long.length} items; at most ${limits.maxListItems} are allowed.`,
              { limit: limits.maxListItems, path: long.path },
            ),
          ],
        });
      }
    },
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => {
        try {
          return parse(source, { ...parseOptions, maxTokens: limits.maxTokens });
        } catch (error) {
          // graphql-js says "Document contains more that N tokens. Parsing aborted."
          if (error instanceof Error && /contains more th\w+ \d+ tokens/.test(error.message)) {
            throw refuse(
              DOCUMENT_LIMIT_CODES.tokens,
              400,
              `The document has more than ${limits.maxTokens} tokens; parsing stopped there.`,
              { limit: limits.maxTokens },
            );
          }
          throw error;
        }
      });
    },
  };
}

/** The first list in `value` longer than `max` items, walked without recursion (variables may nest deeply). */
function listOver(value: unknown, max: number): { path: string; length: number } | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (Array.isArray(item)) {
      if (item.length > max) return { path: path || '(root)', length: item.length };
      item.forEach((child, index) => {
        stack.push([child, `${path}[${index}]`]);
      });
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) stack.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}
