import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Dependencies of {@link invitePageRoutes}. */
export type InvitePageDeps = { publicUrl: string };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The page an invite link (`PUBLIC_URL/invite#<token>`) opens in a browser. The token stays in
 * the fragment, which browsers never send, so it reaches neither this server nor its logs; the
 * page's script (same origin, no inline code: the CSP forbids it) moves it into the desktop
 * app's deep link `parley://invite?server=<PUBLIC_URL>#<token>`, where the app's accept screen
 * asks for name and password and calls `POST /api/v1/invitations/accept`. Without the app, the
 * page says how to paste the link into it.
 */
export function invitePage(publicUrl: string): string {
  const server = escapeHtml(publicUrl);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Join your team on Parley</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1a1b1e}
a.button{display:inline-block;background:#1c7ed6;color:#fff;padding:.6rem 1.2rem;border-radius:.4rem;text-decoration:none}
code{background:#f1f3f5;padding:.1rem .3rem;border-radius:.2rem}
</style>
</head>
<body>
<main>
<h1>You are invited to Parley</h1>
<p>Open the invitation in the Parley app to choose your name and password.</p>
<p><a class="button" id="open" href="parley://invite?server=${encodeURIComponent(publicUrl)}">Open in Parley</a></p>
<p id="missing" hidden>This link has no invitation in it. Ask the admin who invited you to send the whole link again.</p>
<p>No app opened? In Parley, choose <b>I have an invitation</b> on the sign-in screen and paste this page’s
full address. The server is <code>${server}</code>.</p>
</main>
<script src="invite.js"></script>
</body>
</html>
`;
}

/** Moves the fragment's token into the deep link (the only script the page runs). */
export const INVITE_SCRIPT = `(function () {
  var a = document.getElementById('open');
  var token = location.hash.slice(1);
  if (!token) { a.hidden = true; document.getElementById('missing').hidden = false; return; }
  a.href = a.getAttribute('href') + '#' + token;
})();
`;

/** The page's headers: nothing from elsewhere, no framing, no caching of a page that may hold a token. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** `GET /invite` (the page an invite link opens) and `GET /invite.js` (its script). */
export const invitePageRoutes: FastifyPluginAsyncZod<InvitePageDeps> = async (app, { publicUrl }) => {
  const html = invitePage(publicUrl);
  app.get('/invite', { schema: { hide: true } }, async (_req, reply) =>
    reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html),
  );
  app.get('/invite.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.headers(PAGE_HEADERS).type('text/javascript; charset=utf-8').send(INVITE_SCRIPT),
  );
};
