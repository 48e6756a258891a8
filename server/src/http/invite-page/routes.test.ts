import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, uniqueEmail, type TestOrg } from '../../../test/factories';
import { INVITE_SCRIPT, invitePage } from './routes';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  org = await createOrg(t.app, 'Invite Page Org');
});
afterAll(() => t.app.close());

describe('the invite link', () => {
  it('opens a page that hands the token to the app, and the token accepts once', async () => {
    const email = uniqueEmail('invitee');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: org.admin.headers,
      payload: { email, name: 'Ivy Invitee', role: 'agent', mode: 'link' },
    });
    expect(created.statusCode).toBe(201);
    const link = new URL(created.json().inviteUrl as string);
    const token = link.hash.slice(1);

    // The browser sends no fragment: the page is the same for every invitation.
    const page = await t.app.inject({ method: 'GET', url: link.pathname });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('href="parley://invite?server=');
    expect(page.body).not.toContain(token);
    const script = await t.app.inject({ method: 'GET', url: '/invite.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe(INVITE_SCRIPT);

    const accept = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/invitations/accept',
        payload: { token, name: 'Ivy Invitee', password },
      });
    const first = await accept('a long enough password');
    expect(first.statusCode).toBe(200);
    expect(first.json().user).toMatchObject({ email, role: 'agent', organizationId: org.organizationId });
    const again = await accept('a long enough password');
    expect(again.statusCode).toBe(404);
    expect(again.json().error.message).toMatch(/already used or expired/);
  });

  it('escapes the public URL it prints', () => {
    const html = invitePage('https://x.example/<script>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;');
  });
});
