// Fields Salesforce accepts on create only. Describe may call them updateable; the documentation says they "can't be
// updated after the case has been created", and orgs refuse them on update (INVALID_FIELD_FOR_INSERT_UPDATE). An
// update of a record we made earlier leaves them out, whatever the org's describe says.
export const CREATE_ONLY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Case: ['SuppliedName', 'SuppliedEmail', 'SuppliedPhone', 'SuppliedCompany'],
};

export function isCreateOnly(object: string, field: string): boolean {
  return CREATE_ONLY_FIELDS[object]?.includes(field) ?? false;
}
