// Keeps the schema private where it should be (production, unless INTROSPECTION=1): introspection is refused, and
// the "Did you mean …?" hints that graphql-js adds to validation and variable errors, which spell out field, type and
// enum names one guess at a time, are cut from every message.
import { type FieldNode, GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;
const HAS_SUGGESTION = /Did you mean /;

export function useSchemaPrivacy(options: { introspection: boolean }): Plugin {
  if (options.introspection) return {};
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoIntrospectionRule);
    },
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Symbol.asyncIterator in result) return;
      const results = Array.isArray(result) ? result : [result];
      if (!results.some((r) => r.errors?.some((e) => HAS_SUGGESTION.test(e.message)))) return;
      const strip = (r: (typeof results)[number]) =>
        r.errors ? { ...r, errors: r.errors.map(withoutSuggestion) } : r;
      setResult(Array.isArray(result) ? results.map(strip) : strip(results[0]!));
    },
  };
}

/**
 * Refuses `__schema` and `__type`, the only ways into introspection (`__typename` stays). By field name, not by
 * graphql's NoSchemaIntrospectionCustomRule: that one tests types with `instanceof`, and graphql is loaded both as
 * ESM and as CommonJS here, so it would throw (development) or see nothing (production). Named: Yoga caches
 * validation by rule names.
 */
function NoIntrospectionRule(context: ValidationContext) {
  return {
    Field(node: FieldNode) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return;
      context.reportError(
        new GraphQLError(
          `Introspection is off here: "${node.name.value}" is not allowed (INTROSPECTION=1 enables it).`,
          {
            nodes: [node],
            extensions: { code: 'INTROSPECTION_DISABLED' },
          },
        ),
      );
    },
  };
}

function withoutSuggestion(error: GraphQLError): GraphQLError {
  if (!HAS_SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
