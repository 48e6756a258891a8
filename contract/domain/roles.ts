import { z } from 'zod';

/**
 * A member's role within one organization. Managers see and reassign every conversation;
 * admins additionally configure numbers, members, teams, API keys and webhooks.
 */
export const Role = z.enum(['admin', 'manager', 'agent']);
export type Role = z.infer<typeof Role>;

/** Roles ordered by privilege, so `atLeast(role, 'manager')` reads naturally. */
const rank: Record<Role, number> = { agent: 0, manager: 1, admin: 2 };

/** True when `role` has at least the privileges of `required`. */
export const atLeast = (role: Role, required: Role): boolean => rank[role] >= rank[required];
