// `cx-salesforce publish <file> --url <graphql url> --key <API key>`: publishes a mapping kept in git, from CI.
// The service checks it; its problems are printed as `file:line:col  path  message`, as `validate` prints them.
import { parseArgs } from 'node:util';
import { type Command, EXIT, UsageError } from './command.ts';
import { readText } from './read.ts';

const PUBLISH = /* GraphQL */ `
  mutation PublishMapping($yaml: String!) {
    publishMapping(yaml: $yaml) {
      __typename
      ... on MutationPublishMappingSuccess {
        data {
          created
          mappingVersion { version hash }
          warnings { line column path message }
        }
      }
      ... on MappingInvalidError {
        message
        diagnostics { line column path message }
      }
      ... on InvalidInputError {
        message
      }
    }
  }
`;

interface Position {
  line: number;
  column: number;
  path: string;
  message: string;
}

type PublishResult =
  | {
      __typename: 'MutationPublishMappingSuccess';
      data: { created: boolean; mappingVersion: { version: number; hash: string }; warnings: Position[] };
    }
  | { __typename: 'MappingInvalidError'; message: string; diagnostics: Position[] }
  | { __typename: 'InvalidInputError'; message: string };

interface GraphQLResponse {
  data?: { publishMapping: PublishResult } | null;
  errors?: Array<{ message: string }>;
}

export interface PublishDeps {
  /** The environment, read when the command runs (CXSF_KEY, CXSF_URL). */
  env: () => Record<string, string | undefined>;
  fetch: typeof fetch;
}

export function createPublishCommand(deps: PublishDeps): Command {
  return {
    name: 'publish',
    summary: "publish a mapping file as the tenant's active mapping (for CI)",
    help: `Usage: cx-salesforce publish <mapping.yaml> --url <graphql url> [--key <API key>]

Sends the mapping to the service, which checks it and, when it has no errors, stores it as the tenant's next
version and activates it. Publishing the active text again changes nothing. Needs an ADMIN API key.

Options:
  --url <url>    the service's GraphQL endpoint, e.g. https://cx.example.com/graphql (default: $CXSF_URL)
  --key <key>    an ADMIN API key (default: $CXSF_KEY; prefer the variable in CI, it stays out of logs)

Prints the version published, or one line per problem: "file:line:col  path  message".
Exit status: 0 published (or unchanged), 1 the mapping is invalid, 2 usage error, refused key or unreachable service.
`,
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { url: { type: 'string' }, key: { type: 'string' } },
      });
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0) throw new UsageError('give one mapping file');
      const env = deps.env();
      const url = values.url ?? env.CXSF_URL;
      const key = values.key ?? env.CXSF_KEY;
      if (!url) throw new UsageError('give the GraphQL endpoint with --url (or set CXSF_URL)');
      if (!key) throw new UsageError('give an ADMIN API key with --key (or set CXSF_KEY)');
      const yaml = await readText(io, file);
      const fail = (message: string) => {
        io.stderr(`cx-salesforce publish: ${message}\n`);
        return EXIT.usage;
      };

      let response: Response;
      try {
        response = await deps.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: PUBLISH, variables: { yaml } }),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return fail(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      }
      let body: GraphQLResponse;
      try {
        body = (await response.json()) as GraphQLResponse;
      } catch {
        return fail(
          `${url} answered ${response.status} without a GraphQL response: is it the /graphql endpoint?`,
        );
      }
      const result = body.data?.publishMapping;
      if (!result) return fail(body.errors?.[0]?.message ?? `${url} answered ${response.status}`);

      const line = (p: Position) => `${file}:${p.line}:${p.column}  ${p.path}  ${p.message}`;
      switch (result.__typename) {
        case 'MutationPublishMappingSuccess': {
          const { created, mappingVersion, warnings } = result.data;
          for (const w of warnings) io.stdout(`${line(w)}  (warning)\n`);
          io.stdout(
            created
              ? `published ${file} as version ${mappingVersion.version} (${mappingVersion.hash})\n`
              : `${file} is the active version ${mappingVersion.version} already (${mappingVersion.hash}): nothing published\n`,
          );
          return EXIT.ok;
        }
        case 'MappingInvalidError':
          for (const d of result.diagnostics) io.stdout(`${line(d)}\n`);
          io.stderr(`${file}: not published, ${result.diagnostics.length} problem(s)\n`);
          return EXIT.invalid;
        case 'InvalidInputError':
          io.stderr(`${file}: not published: ${result.message}\n`);
          return EXIT.invalid;
        default: {
          const unexpected: never = result;
          return fail(`unexpected answer ${JSON.stringify(unexpected)}`);
        }
      }
    },
  };
}

export const publishCommand = createPublishCommand({
  env: () => process.env,
  fetch: (...args) => fetch(...args),
});
