// Setup through the balancer, as an operator or a client would: sign up an organization, add
// members, connect a WhatsApp number the Meta emulator knows.

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what} failed with HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** An authenticated JSON call to `url`/api/v1`path`. */
export async function api<T>(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return json<T>(res, `${method} ${path}`);
}

export interface Member {
  id: string;
  email: string;
  password: string;
  accessToken: string;
}

/** Signs up a new organization; returns its admin. */
export async function signUp(url: string, name: string): Promise<Member & { organizationId: string }> {
  const email = `admin-${Date.now()}-${Math.floor(Math.random() * 1e6)}@cluster.test`;
  const password = 'correct horse battery staple cluster';
  const r = await json<{ accessToken: string; user: { id: string; organizationId: string } }>(
    await fetch(`${url}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationName: name, name: 'Admin', email, password }),
    }),
    'signup',
  );
  return {
    id: r.user.id,
    organizationId: r.user.organizationId,
    email,
    password,
    accessToken: r.accessToken,
  };
}

/** Adds a manager (sees every conversation) with a password. */
export async function addManager(url: string, adminToken: string, name: string): Promise<Member> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}@cluster.test`;
  const created = await api<{ user: { id: string }; temporaryPassword: string }>(
    url,
    adminToken,
    'POST',
    '/users',
    { email, name, role: 'manager', mode: 'password' },
  );
  const login = await json<{ accessToken: string }>(
    await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: created.temporaryPassword }),
    }),
    'login',
  );
  return { id: created.user.id, email, password: created.temporaryPassword, accessToken: login.accessToken };
}

/** The credentials of a number on the emulator. */
export interface NumberCredentials {
  phoneNumberId: string;
  businessAccountId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

/** Connects the number (the server checks the credentials with the emulator); returns the account id. */
export async function connectNumber(url: string, adminToken: string, creds: NumberCredentials) {
  const account = await api<{ id: string }>(url, adminToken, 'POST', '/whatsapp-accounts', {
    name: 'Support line',
    ...creds,
  });
  return { accountId: account.id, webhookUrl: `${url}/webhooks/whatsapp/${account.id}` };
}
