// message-to-paint (issue 16): a customer's WhatsApp message → its bubble painted in the open
// thread. The whole path runs for real: the Meta emulator signs and POSTs the webhook, the real
// server (its own process, PGlite) ingests it and fans it out, the real client core (the browser
// harness, in this process) applies it to its replica file and announces `replica:changed`, and
// the real renderer (out/renderer in Chromium) reads it over the bridge and paints the bubble.
// Two thread depths: the newest page only (what opening a conversation shows) and a deep thread
// (every seeded message loaded by scrolling up), because the renderer's cost on each change may
// grow with what it holds.
//
// Baseline, same run and same messages: webhook → committed in the harness core's replica (the
// core's `replica:changed`, observed in this process). value − baseline is the last mile
// (bridge, renderer read, React, paint); ratio = baseline ÷ value is the share of the end-to-end
// time that is not the last mile.
import type { Page } from '@playwright/test';
import type { EventPayload } from '#contract/ipc/contract';
import { signUp } from '../e2e/fixtures/accounts';
import { startServer } from '../e2e/fixtures/server';
import {
  accessToken,
  api,
  connectWhatsApp,
  customerSends,
  startMetaEmulator,
} from '../e2e/fixtures/whatsapp';
import { startHarness } from '../e2e/harness/harness';
import { median, round, type MetricLine } from './lib/metric';
import { launchChromium } from './lib/inbox-page';

/** Measured messages per depth (after WARMUP unmeasured ones). */
const ROUNDS = Number(process.env.BENCH_REPS ?? 25);
const WARMUP = 3;
/** Messages already in the conversation before the measured ones. */
const SEEDED = Number(process.env.MESSAGE_TO_PAINT_SEEDED ?? 400);
/** Pause between measured messages, so each one's path is measured alone. */
const GAP_MS = 500;

const now = () => performance.timeOrigin + performance.now();
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

/**
 * In the page: `window.__paintOf(text)` resolves with the wall-clock time (ms) of the first
 * paint after an `<article>` containing `text` entered the thread. A MutationObserver sees the
 * DOM change; the paint is the first animation frame after it, then a message task (which
 * Chromium runs after that frame's paint), as the list benchmarks measure. Plain source text:
 * tsx would wrap named functions in a helper the page does not have.
 */
const PAINT_PROBE = `
window.__paintOf = (text) => new Promise((resolve, reject) => {
  const has = () => Array.from(document.querySelectorAll('article')).some((a) => (a.textContent || '').includes(text));
  const painted = () => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.timeOrigin + performance.now());
    ch.port2.postMessage(null);
  });
  if (has()) return painted();
  const timer = setTimeout(() => { watch.disconnect(); reject(new Error('no bubble for ' + text)); }, 30000);
  const watch = new MutationObserver(() => {
    if (!has()) return;
    watch.disconnect();
    clearTimeout(timer);
    painted();
  });
  watch.observe(document.body, { subtree: true, childList: true, characterData: true });
});
`;

type Sample = { total: number; committed: number };

/** Loads older pages until every seeded message is held ("Start of the conversation"). */
async function loadWholeThread(page: Page): Promise<void> {
  // Scrolling near the top asks for the next older page; the button does when the scroll
  // position has nowhere left to go.
  const thread = page.getByRole('region', { name: 'Messages' });
  const start = thread.getByText('Start of the conversation');
  const older = thread.getByRole('button', { name: 'Load older messages' });
  for (let i = 0; !(await start.isVisible()); i += 1) {
    if (i === 600) {
      await page.screenshot({ path: '/tmp/message-to-paint-stuck.png' });
      throw new Error('message-to-paint: the thread never reached its oldest message');
    }
    if (await older.isVisible()) await older.click();
    else await thread.evaluate((el) => (el.scrollTop = 0));
    await page.waitForTimeout(150);
  }
  // Back to the newest message, where new ones are followed.
  for (let i = 0; i < 5; i += 1) {
    await thread.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(200);
  }
}

/** Runs the benchmark (registered in bench/run.ts); yields its metric lines. */
export async function* run(): AsyncIterable<MetricLine> {
  const emulator = await startMetaEmulator();
  const server = await startServer({ env: { META_GRAPH_URL: emulator.url } });
  const harness = await startHarness({ port: 0, defaultServerUrl: server.url, coreLogs: false });
  const browser = await launchChromium();
  const results: Record<'newest' | 'deep', Sample[]> = { newest: [], deep: [] };
  const heights: Record<'newest' | 'deep', number> = { newest: 0, deep: 0 };
  try {
    const account = await signUp(server.url);
    const whatsapp = await connectWhatsApp(server.url, emulator, account);
    const customer = whatsapp.customers[0]!;
    const send = (body: string) => customerSends(emulator, whatsapp, customer.phone, { type: 'text', body });
    // The conversation's history, written before the app signs in (it arrives by bootstrap).
    for (let i = 0; i < SEEDED; i += 8)
      await Promise.all(
        Array.from({ length: Math.min(8, SEEDED - i) }, (_, k) =>
          send(`seed ${String(i + k).padStart(4, '0')}`),
        ),
      );
    // The emulator answers before its webhook lands: wait until the server holds every one.
    const token = await accessToken(server.url, account.email, account.password);
    for (let waited = 0; ; waited += 250) {
      const list = await api<{ data: { unreadCount: number }[] }>(server.url, token, 'GET', '/conversations');
      if ((list.data[0]?.unreadCount ?? 0) >= SEEDED) break;
      if (waited > 180_000) throw new Error('message-to-paint: the seeded messages never all arrived');
      await new Promise((r) => setTimeout(r, 250));
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(PAINT_PROBE);
    await page.goto(harness.url);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel(/^Password/).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page
      .getByRole('listbox', { name: 'Conversations' })
      .getByRole('option', { name: new RegExp(`^${customer.name},`) });
    await row.click({ timeout: 120_000 });
    // Every seeded message is unread, so the conversation opens at its unread marker with all of
    // them loaded: read them at the bottom, close it, and open it again at its newest page.
    const thread = page.getByRole('region', { name: 'Messages' });
    await thread.locator('article').first().waitFor();
    const unread = page
      .getByRole('listbox', { name: 'Conversations' })
      .getByRole('option', { name: new RegExp(`^${customer.name}, \\d+ unread`) });
    for (let i = 0; (await unread.count()) > 0; i += 1) {
      if (i === 300) throw new Error('message-to-paint: the conversation was never marked read');
      await thread.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(200);
    }
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await row.click();
    await thread.locator('article').first().waitFor();
    if (await thread.getByText(/unread message/).isVisible())
      throw new Error('message-to-paint: still unread');
    await page.waitForTimeout(1_500);

    // Commits in the harness core, in this process: the baseline's end.
    let committedAt: number | null = null;
    const off = harness.core.on('replica:changed', (c: EventPayload<'replica:changed'>) => {
      if (committedAt === null && c.tables.includes('messages')) committedAt = now();
    });
    let n = 0;
    const measure = async (depth: 'newest' | 'deep') => {
      // How tall the thread is (the virtualizer's estimate of every held row): depth at a glance.
      heights[depth] = await page.getByRole('region', { name: 'Messages' }).evaluate((el) => el.scrollHeight);
      for (let i = 0; i < WARMUP + ROUNDS; i += 1) {
        const text = `probe ${depth} ${(n += 1)}`;
        const painted = page.evaluate((t) => window.__paintOf(t), text);
        committedAt = null;
        const t0 = now();
        await send(text);
        const paintedAt = await painted;
        if (i >= WARMUP && committedAt !== null)
          results[depth].push({ total: paintedAt - t0, committed: committedAt - t0 });
        await page.waitForTimeout(GAP_MS);
      }
    };
    await measure('newest');
    await loadWholeThread(page);
    await measure('deep');
    off();
    await page.close();
  } finally {
    await browser.close();
    await harness.close();
    await server.close();
    await emulator.close();
  }

  for (const depth of ['newest', 'deep'] as const) {
    const samples = results[depth];
    if (samples.length === 0) throw new Error(`message-to-paint: no ${depth} samples`);
    const total = samples.map((s) => s.total);
    const committed = samples.map((s) => s.committed);
    const lastMile = samples.map((s) => s.total - s.committed);
    const notes = {
      messages: samples.length,
      seeded: SEEDED,
      thread:
        depth === 'newest' ? 'newest page (as opened)' : 'every seeded message loaded (Load older messages)',
      threadScrollHeightPx: heights[depth],
      lastMileP50Ms: round(median(lastMile)),
      lastMileP95Ms: round(p95(lastMile)),
      committedP95Ms: round(p95(committed)),
      path: 'emulator webhook → server (PGlite, own process) → sync socket → harness core replica → bridge → renderer → paint',
    };
    yield {
      metric: `message-to-paint.${depth}.p50_ms`,
      value: round(median(total)),
      unit: 'ms',
      baseline: round(median(committed)),
      ratio: round(median(committed) / median(total)),
      target: { max: 100 },
      notes,
    };
    yield {
      metric: `message-to-paint.${depth}.p95_ms`,
      value: round(p95(total)),
      unit: 'ms',
      baseline: round(p95(committed)),
      ratio: round(p95(committed) / p95(total)),
      target: { max: 200 },
      notes: { messages: samples.length },
    };
  }
}

declare global {
  interface Window {
    __paintOf(text: string): Promise<number>;
  }
}
