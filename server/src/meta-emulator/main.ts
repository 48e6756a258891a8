// Standalone Meta emulator for demo mode and manual testing: `npm run meta-emulator`.
// Listens on 127.0.0.1 only. Env: PORT (default 8788), PARLEY_WEBHOOK_URL (Parley's
// /webhooks/whatsapp/:accountId URL, optional), AUTOPILOT=0 to keep customers quiet,
// AUTOPILOT_INTERVAL_MS (default 8000).
import { registerControlRoutes } from './control-routes';
import { seedDemo } from './demo-seed';
import { buildMetaEmulator } from './emulator';

const port = Number(process.env.PORT ?? 8788);
const emulator = buildMetaEmulator({ seed: 7 });
registerControlRoutes(emulator.app, emulator.control);
const seed = seedDemo(emulator.control, { callbackUrl: process.env.PARLEY_WEBHOOK_URL });
const url = await emulator.listen(port);

const print = (line: string) => process.stdout.write(`${line}\n`);
print(`Meta emulator listening on ${url}`);
print('');
print('Configure Parley with:');
print(`  META_GRAPH_URL        ${url}   (Graph version v25.0)`);
print(`  businessAccountId     ${seed.wabaId}`);
print(`  phoneNumberId         ${seed.phoneNumberId}   (${seed.displayPhoneNumber})`);
print(`  accessToken           ${seed.accessToken}`);
print(`  appSecret             ${seed.appSecret}`);
print(`  verifyToken           ${seed.verifyToken}`);
print('');
print(
  process.env.PARLEY_WEBHOOK_URL
    ? `Webhooks go to ${process.env.PARLEY_WEBHOOK_URL}`
    : `No PARLEY_WEBHOOK_URL: POST ${url}/_emulator/webhook {"phoneNumberId":"${seed.phoneNumberId}","callbackUrl":"…/webhooks/whatsapp/<accountId>","appSecret":"${seed.appSecret}","verifyToken":"${seed.verifyToken}"}`,
);
print(
  `Make a customer write: POST ${url}/_emulator/customers/${seed.customers[0]}/messages {"phoneNumberId":"${seed.phoneNumberId}","action":{"type":"text","body":"Hi"}}`,
);

let stopAutopilot = () => {};
if (process.env.AUTOPILOT !== '0') {
  stopAutopilot = emulator.control.startAutopilot({
    phoneNumberId: seed.phoneNumberId,
    intervalMs: Number(process.env.AUTOPILOT_INTERVAL_MS ?? 8000),
  });
  print('Autopilot customers are writing (AUTOPILOT=0 to disable).');
}

const shutdown = () => {
  stopAutopilot();
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
