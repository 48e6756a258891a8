// outbound-pacing: messages per second one WhatsApp number sends through Parley's send queue,
// against the Meta emulator enforcing the number's throughput cap, ÷ that cap (80 and 1,000
// msg/s). The quality bar's G11 target: ≥ 0.95 of the cap with zero 130429 (Meta's "too fast").
// Many recipients and pair-rate limiting off, so only the number's cap limits the rate.
//
// Processes: the emulator on core 1, Parley (app + send worker + database) on core 0. Parley
// seeds MESSAGES queued messages before connecting the number, so the measured interval is the
// queue draining: rate = (accepted − 1) ÷ (last acceptance − first acceptance), from the
// emulator's own clock. The baseline is the configured cap (there is no faster raw sender to
// compare with: anything above the cap is refused).
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { round, median, type MetricLine } from './lib/metric';
import { startProcess, type Started } from './lib/processes';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const SECONDS = Number(process.env.BENCH_DURATION ?? 5);
/** The caps measured (`OUTBOUND_CAPS=1000` narrows a run to one). */
const CAPS = (process.env.OUTBOUND_CAPS ?? '80,1000').split(',').map(Number);
const emulatorEntry = fileURLToPath(new URL('./servers/meta-emulator.ts', import.meta.url));
const senderEntry = fileURLToPath(new URL('./servers/parley-sender.ts', import.meta.url));

type EmulatorInfo = { port: number; phoneNumberId: string; wabaId: string; token: string };
type Stats = { accepted: number[]; rejected130429: number };
type Drained = { drained: number; cpuMs: number; cpuMsPerMessage: number; wallMs: number };
type Drain = { rate: number; rejected: number; sent: number; wallS: number; cpuMsPerMessage: number | null };

/** One drain of `cap × SECONDS` messages; returns the send rate and the emulator's 130429 count. */
async function drain(cap: number): Promise<Drain> {
  const total = cap * SECONDS;
  let emulator: Started<EmulatorInfo> | undefined;
  let sender: Started<{ queued: number }> | undefined;
  try {
    emulator = await startProcess<EmulatorInfo>(emulatorEntry, { cpu: 1, env: { CAP: String(cap) } });
    const base = `http://127.0.0.1:${emulator.info.port}`;
    sender = await startProcess<{ queued: number }>(senderEntry, {
      cpu: 0,
      timeoutMs: 180_000,
      env: {
        CAP: String(cap),
        MESSAGES: String(total),
        RECIPIENTS: String(Math.max(100, Math.ceil(total / 3))),
        EMULATOR_URL: base,
        PHONE_NUMBER_ID: emulator.info.phoneNumberId,
        WABA_ID: emulator.info.wabaId,
        TOKEN: emulator.info.token,
        DATABASE_URL: process.env.OUTBOUND_BENCH_DATABASE_URL ?? '',
      },
    });
    // The sender's second stdout line: its CPU time over the drain.
    let drained: Drained | null = null;
    sender.child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.startsWith('{"drained"')) drained = JSON.parse(line) as Drained;
      }
    });
    const deadline = Date.now() + SECONDS * 10_000 + 30_000;
    let stats: Stats = { accepted: [], rejected130429: 0 };
    while (Date.now() < deadline) {
      stats = (await (await fetch(`${base}/_bench/stats`)).json()) as Stats;
      if (stats.accepted.length >= total) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const times = [...stats.accepted].sort((a, b) => a - b);
    if (times.length < 2) throw new Error(`only ${times.length} of ${total} messages were sent`);
    const wallS = (times.at(-1)! - times[0]!) / 1000;
    for (let i = 0; i < 50 && !drained; i += 1) await new Promise((r) => setTimeout(r, 100));
    return {
      rate: (times.length - 1) / wallS,
      rejected: stats.rejected130429,
      sent: times.length,
      wallS,
      cpuMsPerMessage: (drained as Drained | null)?.cpuMsPerMessage ?? null,
    };
  } finally {
    await sender?.stop();
    await emulator?.stop();
  }
}

/** Runs the benchmark: one line per cap, then the 130429 line. */
export async function* run(): AsyncIterable<MetricLine> {
  let rejectedTotal = 0;
  for (const cap of CAPS) {
    const runs: Drain[] = [];
    for (let i = 0; i < REPS; i += 1) runs.push(await drain(cap));
    const rejected = runs.reduce((n, r) => n + r.rejected, 0);
    rejectedTotal += rejected;
    const value = median(runs.map((r) => r.rate));
    yield {
      metric: `outbound-pacing.cap_${cap}.sends_per_s`,
      value: round(value),
      unit: 'msg/s',
      baseline: cap,
      ratio: round(value / cap),
      target: { ratio: 0.95 },
      notes: {
        runs: runs.map((r) => round(r.rate)),
        rejected_130429: rejected,
        messagesPerRun: cap * SECONDS,
        sentPerRun: runs.map((r) => r.sent),
        drainSeconds: runs.map((r) => round(r.wallS)),
        // The sender's own CPU per accepted message (its process, seeding excluded): steadier
        // than the rate when other work shares the machine's cores.
        senderCpuMsPerMessage: runs.map((r) =>
          r.cpuMsPerMessage === null ? null : round(r.cpuMsPerMessage),
        ),
        engine: process.env.OUTBOUND_BENCH_DATABASE_URL ? 'postgres' : 'pglite',
        // Other work on the machine shows here (both processes compete for its cores).
        loadAverage1m: round(loadavg()[0]!),
      },
    };
  }
  yield {
    metric: 'outbound-pacing.rejected_130429',
    value: rejectedTotal,
    unit: 'responses',
    baseline: null,
    ratio: null,
    target: { max: 0 },
    notes: { what: '130429 answers the emulator gave over every run of both caps', reps: REPS },
  };
}
