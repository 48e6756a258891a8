import { fail } from '#contract/result';

/** The usual "not found" result; also used for other tenants' ids so existence never leaks. */
export const notFound = (what: string) => fail('not_found', `${what} not found`);
