// The HAProxy configuration of the cluster topology, as a pure function (tested without HAProxy).
// Each setting is explained in docs/deployment.md; the comments say why in a line.

/** What the configuration needs: where to listen and the server processes behind it. */
export interface HaproxySpec {
  /** The balancer's port on 127.0.0.1. */
  port: number;
  /** The Parley processes, each `127.0.0.1:<port>`. */
  servers: { name: string; port: number }[];
  /** Health check interval, ms (default 1000). */
  checkIntervalMs?: number;
  /** The stats page's port (optional; 127.0.0.1 only). */
  statsPort?: number;
}

/** HAProxy 2.6 configuration text for Parley behind one balancer. */
export function haproxyConfig(spec: HaproxySpec): string {
  const inter = spec.checkIntervalMs ?? 1000;
  const lines = [
    'global',
    '  maxconn 8000',
    '',
    'defaults',
    '  mode http',
    '  log stdout format raw local0 notice',
    '  timeout connect 3s',
    // Slow clients (slowloris): a request's headers must arrive within 10 s, the whole idle
    // keep-alive gap is 10 s, and a client that stops reading is cut after 60 s.
    '  timeout http-request 10s',
    '  timeout http-keep-alive 10s',
    '  timeout client 60s',
    '  timeout server 60s',
    // A WebSocket, once upgraded, is a tunnel: the client pings every 25 s (Socket.IO), so an
    // hour of silence means a dead peer.
    '  timeout tunnel 1h',
    '  timeout client-fin 5s',
    // A health check may take up to 3 s (its own database ping times out at 2 s); without this
    // the check interval is the timeout, and a loaded process is marked down while healthy.
    '  timeout check 3s',
    // The server sees the caller's address in X-Forwarded-For (TRUST_PROXY=1 believes one hop).
    '  option forwardfor',
    // Keep-alive towards clients, one request per server connection: a killed process costs
    // only the requests in flight, and each request is balanced on its own.
    '  option http-server-close',
    // A request that failed to connect (process just killed) goes to another server.
    '  option redispatch',
    '  retries 2',
    '',
    'frontend parley',
    `  bind 127.0.0.1:${spec.port}`,
    '  default_backend parley_servers',
    '',
    'backend parley_servers',
    // WebSockets are long-lived: leastconn spreads them; Socket.IO runs websocket-only, so no
    // stickiness is needed (the Redis adapter carries rooms across processes).
    '  balance leastconn',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    // A process that stops answering is out after three checks; its tunnels are cut at once so
    // its clients reconnect to the others instead of waiting on a hung process. (A killed
    // process's connections are closed by its kernel at once anyway.)
    `  default-server inter ${inter}ms fastinter ${Math.max(100, Math.floor(inter / 2))}ms fall 3 rise 2 on-marked-down shutdown-sessions`,
    ...spec.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`),
  ];
  if (spec.statsPort !== undefined)
    lines.push('', 'listen stats', `  bind 127.0.0.1:${spec.statsPort}`, '  stats enable', '  stats uri /');
  return `${lines.join('\n')}\n`;
}
