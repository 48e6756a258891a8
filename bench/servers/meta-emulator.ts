// The Meta emulator as a benchmark peer, in its own process: one business number whose
// throughput cap is CAP messages/s (the emulator answers 130429 above it, in a sliding
// one-second window), pair-rate limiting off, no webhooks. Prints
// {"port","phoneNumberId","wabaId","token"} once listening; `GET /_bench/stats` answers the
// acceptance times of every send and how many requests it refused with 130429.
import { buildMetaEmulator } from '../../server/src/meta-emulator/emulator';

const cap = Number(process.env.CAP ?? 80);
const token = 'EAAG-bench-token-outbound-pacing';
const emu = buildMetaEmulator({ pairRate: { enabled: false }, acceptUnknownRecipients: true });
const waba = emu.control.addBusiness({ id: '102290129340001', name: 'Bench Shop', tokens: [token] });
const phone = emu.control.addPhoneNumber(waba.id, {
  id: '106540352240001',
  displayPhoneNumber: '+1 555-010-0001',
  mpsLimit: cap,
  throughputLevel: cap > 80 ? 'HIGH' : 'STANDARD',
});

let rejected130429 = 0;
emu.app.addHook('onSend', async (_req, reply, payload) => {
  if (reply.statusCode === 400 && typeof payload === 'string' && payload.includes('"code":130429'))
    rejected130429 += 1;
  return payload;
});
emu.app.get('/_bench/stats', async () => ({
  accepted: emu.control.outbound().map((o) => o.acceptedAt),
  rejected130429,
}));

const url = await emu.listen(0);
console.log(
  JSON.stringify({ port: Number(new URL(url).port), phoneNumberId: phone.id, wabaId: waba.id, token }),
);
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)));
