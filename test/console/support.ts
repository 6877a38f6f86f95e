// The customer view as a console calls it: over HTTP, with the caller's key.
import { graphql } from '../generated/gql.ts';
import type { CustomerSection, VisitorInput } from '../generated/graphql.ts';
import type { TestService } from '../support/service.ts';

export const SalesforceCustomerQuery = graphql(`
  query ConsoleSalesforceCustomer($section: CustomerSection, $visitor: VisitorInput!) {
    salesforceCustomer(section: $section, visitor: $visitor) {
      connected
      readAt
      matches {
        object
        id
        rule
        url
        fields {
          name
          value
        }
      }
    }
  }
`);

/** What one console sees for `visitor`. */
export async function askCustomer(
  service: TestService,
  key: string,
  visitor: VisitorInput,
  section: CustomerSection = 'WEB_CHAT',
) {
  const result = await service.client(key).request(SalesforceCustomerQuery, { section, visitor });
  return result.salesforceCustomer;
}

/** The display fields of a match as `{ Name: value }`, in their order. */
export function fieldsOf(match: { fields: Array<{ name: string; value?: string | null }> }) {
  return match.fields.map((f) => [f.name, f.value ?? null]);
}
