import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { AuthResponse } from '#contract/api/auth';
import type { Role } from '#contract/domain/roles';

/** A unique e-mail for one test: the shared database outlives each test. */
export const uniqueEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 12)}@example.test`;

/** Password used by factory-made accounts. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** A signed-in user: ids, credentials, tokens and a ready `authorization` header. */
export type LoggedIn = {
  id: string;
  email: string;
  password: string;
  role: Role;
  organizationId: string;
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: 'Bearer …' }` for `app.inject({ headers })`. */
  headers: { authorization: string };
};

const asLoggedIn = (body: AuthResponse, password: string): LoggedIn => ({
  id: body.user.id,
  email: body.user.email,
  password,
  role: body.user.role,
  organizationId: body.user.organizationId,
  accessToken: body.accessToken,
  refreshToken: body.refreshToken,
  headers: { authorization: `Bearer ${body.accessToken}` },
});

/** Signs in through the API and fails the test on anything but 200. */
export async function login(
  app: FastifyInstance,
  email: string,
  password = TEST_PASSWORD,
  organizationId?: string,
): Promise<LoggedIn> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...(organizationId && { organizationId }) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return asLoggedIn(res.json<AuthResponse>(), password);
}

/** Signs up a new organization through the API; returns its admin, signed in. */
export async function signup(app: FastifyInstance, organizationName = 'Org'): Promise<LoggedIn> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/signup',
    payload: { organizationName, name: 'Admin', email: uniqueEmail('admin'), password: TEST_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(201);
  return asLoggedIn(res.json<AuthResponse>(), TEST_PASSWORD);
}

/** Adds a member with a known password through the API (temporary-password mode) and signs them in. */
export async function addMember(
  app: FastifyInstance,
  admin: LoggedIn,
  role: Role,
  name: string = role,
): Promise<LoggedIn> {
  const email = uniqueEmail(role);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: admin.headers,
    payload: { email, name, role, mode: 'password' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const password = res.json<{ temporaryPassword: string }>().temporaryPassword;
  return login(app, email, password, admin.organizationId);
}

/** An organization with one signed-in admin, manager and agent. */
export type TestOrg = { organizationId: string; admin: LoggedIn; manager: LoggedIn; agent: LoggedIn };

/** Creates an organization with an admin, a manager and an agent, all signed in. */
export async function createOrg(app: FastifyInstance, name = 'Org'): Promise<TestOrg> {
  const admin = await signup(app, name);
  const [manager, agent] = await Promise.all([
    addMember(app, admin, 'manager'),
    addMember(app, admin, 'agent'),
  ]);
  return { organizationId: admin.organizationId, admin, manager, agent };
}

/** Creates a team through the API. */
export async function createTeam(
  app: FastifyInstance,
  admin: LoggedIn,
  name = `Team ${randomUUID().slice(0, 8)}`,
  memberIds: string[] = [],
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/teams',
    headers: admin.headers,
    payload: { name, memberIds },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; name: string; memberIds: string[] }>();
}
