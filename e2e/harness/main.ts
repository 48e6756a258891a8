// `npm run harness`: the renderer in a plain browser, backed by the real client core.
// Environment: HARNESS_PORT (5180), HARNESS_DATA_DIR (fresh temp dir), PARLEY_SERVER_URL
// (http://127.0.0.1:8787), PARLEY_DEMO_EMAIL + PARLEY_DEMO_PASSWORD (both set: signs in with
// them at startup, as `npm start` does in the desktop app; otherwise the sign-in form shows).
import { startHarness } from './harness';

const email = process.env.PARLEY_DEMO_EMAIL;
const password = process.env.PARLEY_DEMO_PASSWORD;
const harness = await startHarness({
  log: (line) => console.log(line),
  autoSignIn: email && password ? { email, password } : null,
});
console.log(`Harness ready at ${harness.url.replace(/\/$/, '')}`);
console.log(`harness: core data in ${harness.dataDir}; Ctrl+C to stop`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`harness: ${signal} received, stopping…`);
  await harness.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
