// Refuses over-deep, over-costly and alias-bombed operations during validation, before any resolver runs.
// A small rule over graphql-js's AST rather than a dependency (graphql-armor is not installed). The measure is of
// the document alone, never of variables: Yoga caches validation results per document, so a variable's value could
// not be trusted here and counts as the largest page.
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimitsOptions {
  /**
   * Deepest nesting of fields, counting the root field as 1 (`{ viewer { tenant { slug } } }` is 3).
   * @default 10
   */
  maxDepth?: number;
  /**
   * Largest cost: every field costs 1, and what a list returns counts once per item it may return.
   * @default 10000
   */
  maxCost?: number;
  /**
   * Most aliased fields in one operation, fragments expanded where they are spread.
   * @default 20
   */
  maxAliases?: number;
  /**
   * Items a list field is assumed to return when no argument says how many.
   * @default 10
   */
  defaultListSize?: number;
  /**
   * The largest page a connection returns (Pothos's `maxSize`): `first`/`last` count as at most this, and a page
   * size given as a variable counts as exactly this.
   * @default 100
   */
  maxPageSize?: number;
  /**
   * The page a connection returns when neither `first` nor `last` is given (Pothos's `defaultSize`).
   * @default 20
   */
  defaultPageSize?: number;
}

/** The `extensions.code` of each refusal. */
export const QUERY_LIMIT_CODES = {
  depth: 'QUERY_TOO_DEEP',
  cost: 'QUERY_TOO_COSTLY',
  aliases: 'TOO_MANY_ALIASES',
} as const;

export interface QueryMeasure {
  depth: number;
  cost: number;
  aliases: number;
}

type Limits = Required<QueryLimitsOptions>;

const DEFAULTS: Limits = {
  maxDepth: 10,
  maxCost: 10_000,
  maxAliases: 20,
  defaultListSize: 10,
  maxPageSize: 100,
  defaultPageSize: 20,
};

export function useQueryLimits(options: QueryLimitsOptions = {}): Plugin {
  const limits: Limits = { ...DEFAULTS, ...options };
  // Named: Yoga's validation cache keys results by the rules' names.
  const QueryLimitsRule = (context: ValidationContext) => ({
    OperationDefinition(node: OperationDefinitionNode) {
      const root =
        node.operation === 'query'
          ? context.getSchema().getQueryType()
          : node.operation === 'mutation'
            ? context.getSchema().getMutationType()
            : context.getSchema().getSubscriptionType();
      if (!root) return;
      const measured = measureSelections(context, limits, node.selectionSet, root, undefined, new Map(), []);
      const refuse = (what: keyof typeof QUERY_LIMIT_CODES, message: string, limit: number, value: number) =>
        context.reportError(
          new GraphQLError(message, {
            nodes: [node],
            extensions: { code: QUERY_LIMIT_CODES[what], limit, measured: value },
          }),
        );
      if (measured.depth > limits.maxDepth) {
        refuse(
          'depth',
          `The query is ${measured.depth} fields deep; at most ${limits.maxDepth} are allowed.`,
          limits.maxDepth,
          measured.depth,
        );
      }
      if (measured.aliases > limits.maxAliases) {
        refuse(
          'aliases',
          `The query has ${measured.aliases} aliases; at most ${limits.maxAliases} are allowed.`,
          limits.maxAliases,
          measured.aliases,
        );
      }
      if (measured.cost > limits.maxCost) {
        refuse(
          'cost',
          `The query costs ${measured.cost} (a field costs 1, once per item of the lists around it); ` +
            `at most ${limits.maxCost} is allowed. Ask for smaller pages or fewer fields.`,
          limits.maxCost,
          measured.cost,
        );
      }
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(QueryLimitsRule);
    },
  };
}

/**
 * Depth, cost and aliases of a selection set, fragments expanded. A fragment is measured once per page size and
 * reused, so a fragment spread a thousand times costs no more work than once; a cyclic spread is skipped (graphql's
 * NoFragmentCycles rule reports it).
 */
function measureSelections(
  context: ValidationContext,
  limits: Limits,
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  pageSize: number | undefined,
  fragments: Map<string, QueryMeasure>,
  spreading: string[],
): QueryMeasure {
  const total: QueryMeasure = { depth: 0, cost: 0, aliases: 0 };
  const add = (part: QueryMeasure) => {
    total.depth = Math.max(total.depth, part.depth);
    total.cost += part.cost;
    total.aliases += part.aliases;
  };
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD:
        add(measureField(context, limits, selection, parentType, pageSize, fragments, spreading));
        break;
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition
          ? context.getSchema().getType(selection.typeCondition.name.value)
          : parentType;
        if (type)
          add(
            measureSelections(context, limits, selection.selectionSet, type, pageSize, fragments, spreading),
          );
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (spreading.includes(name)) break;
        const key = `${name}:${pageSize ?? ''}`;
        let measure = fragments.get(key);
        if (!measure) {
          const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
          const type = fragment && context.getSchema().getType(fragment.typeCondition.name.value);
          measure =
            fragment && type
              ? measureSelections(context, limits, fragment.selectionSet, type, pageSize, fragments, [
                  ...spreading,
                  name,
                ])
              : { depth: 0, cost: 0, aliases: 0 };
          fragments.set(key, measure);
        }
        add(measure);
        break;
      }
    }
  }
  return total;
}

function measureField(
  context: ValidationContext,
  limits: Limits,
  node: FieldNode,
  parentType: GraphQLNamedType,
  pageSize: number | undefined,
  fragments: Map<string, QueryMeasure>,
  spreading: string[],
): QueryMeasure {
  const aliases = node.alias ? 1 : 0;
  // __typename is free. Introspection (__schema, __type) is GraphiQL's: its fragments nest deeper than our limit,
  // and without aliases graphql merges repeated fields into one answer, so only its aliases multiply the work.
  if (node.name.value.startsWith('__')) {
    const type = node.selectionSet && context.getSchema().getType(introspectionType(node.name.value));
    const inner =
      node.selectionSet && type
        ? measureSelections(context, limits, node.selectionSet, type, undefined, fragments, spreading).aliases
        : 0;
    return { depth: 0, cost: 0, aliases: aliases + inner };
  }
  const field = fieldsOf(parentType)?.[node.name.value];
  // An unknown field: graphql's FieldsOnCorrectType rule reports it.
  if (!field) return { depth: 1, cost: 1, aliases };
  const returned = namedType(field.type);
  const returnedFields = fieldsOf(returned);
  const isConnection = !!returnedFields && 'edges' in returnedFields && 'pageInfo' in returnedFields;
  const page = isConnection ? pageSizeOf(node, limits) : undefined;
  const children = node.selectionSet
    ? measureSelections(context, limits, node.selectionSet, returned, page, fragments, spreading)
    : { depth: 0, cost: 0, aliases: 0 };
  const items = returnsList(field.type) ? listSize(node, field, limits, pageSize) : 1;
  return {
    depth: 1 + children.depth,
    cost: 1 + items * children.cost,
    aliases: aliases + children.aliases,
  };
}

function introspectionType(field: string): string {
  return field === '__schema' ? '__Schema' : '__Type';
}

// Types are told apart by shape, not graphql's is*Type(): graphql is loaded as ESM and as CommonJS by the libraries,
// and those checks throw on a type built by the other copy.

function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  return 'getFields' in type && typeof type.getFields === 'function'
    ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)
    : undefined;
}

function namedType(type: GraphQLOutputType): GraphQLNamedType {
  let named: GraphQLOutputType = type;
  while ('ofType' in named) named = named.ofType;
  return named;
}

/** `[T]`, `[T]!`: printed types say what they are. */
function isList(type: GraphQLOutputType | GraphQLInputType): boolean {
  return String(type).startsWith('[');
}

function returnsList(type: GraphQLOutputType): boolean {
  return isList(type);
}

/** A connection's page: `first` or `last`, capped as the resolver caps it. */
function pageSizeOf(node: FieldNode, limits: Limits): number {
  for (const name of ['first', 'last']) {
    const value = argument(node, name);
    if (value?.kind === Kind.INT) return Math.min(Number(value.value), limits.maxPageSize);
    if (value?.kind === Kind.VARIABLE) return limits.maxPageSize;
  }
  return limits.defaultPageSize;
}

/**
 * Items a list field may return: the page of the connection it belongs to (`edges`), its own `first`/`last`, the
 * length of a list it is given (`nodes(ids: [...])`), or the default.
 */
function listSize(
  node: FieldNode,
  field: GraphQLField<unknown, unknown>,
  limits: Limits,
  pageSize: number | undefined,
): number {
  if (pageSize !== undefined) return pageSize;
  for (const name of ['first', 'last']) {
    const value = argument(node, name);
    if (value?.kind === Kind.INT) return Number(value.value);
    if (value?.kind === Kind.VARIABLE) return limits.maxPageSize;
  }
  for (const arg of node.arguments ?? []) {
    const type = field.args.find((a) => a.name === arg.name.value)?.type;
    if (!type || !isList(type)) continue;
    if (arg.value.kind === Kind.LIST) return arg.value.values.length;
    if (arg.value.kind === Kind.VARIABLE) return limits.maxPageSize;
  }
  return limits.defaultListSize;
}

function argument(node: FieldNode, name: string): ValueNode | undefined {
  return node.arguments?.find((arg) => arg.name.value === name)?.value;
}
