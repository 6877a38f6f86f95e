export { type DescribeResult, fromDescribe } from './from-describe.ts';
export { standardCatalog, withCustomFields } from './standard.ts';
export * from './types.ts';
