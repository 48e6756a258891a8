import { AsyncLocalStorage } from 'node:async_hooks';

// Which users a request's writes revoked (sessions ended, member deactivated or removed, role
// changed), so that the request can tell every process to drop their cached session checks
// after its transaction committed and before it answers (`plugins/auth.ts`). The revoking
// statements note the user themselves (`storage/queries/sessions.ts`): no caller can forget.

const scope = new AsyncLocalStorage<Set<string>>();

/** Runs `fn` with `users` collecting the users noted by the writes it makes. */
export const collectRevokedUsers = <T>(users: Set<string>, fn: () => T): T => scope.run(users, fn);

/** Notes that the current request changed what `userId`'s session checks depend on. */
export const noteRevokedUser = (userId: string): void => {
  scope.getStore()?.add(userId);
};
