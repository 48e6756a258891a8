// Raw baseline server: plain Fastify answering one GET route with a fixed JSON body (the same
// bytes our route returned), no auth, no database. Prints {"port"} once listening.
import Fastify from 'fastify';

const body = process.env.RAW_BODY ?? '{"ok":true}';
const app = Fastify({ logger: false });
app.get('/*', (_req, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
app.post('/*', (req, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(req.body ?? body);
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
