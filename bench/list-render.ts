// list-render (quality bar G8): the inbox's conversation list in Chromium with 100k
// conversations, rendered by the real renderer (out/renderer) over an in-memory window.parley,
// against a minimal virtualized list of plain-text rows with the same library, same run:
//   (a) data-ready → first list paint (the first page held back until the page is idle),
//   (b) dropped frames (> 20 ms) during a scripted scroll (keyset pages load as it goes),
//   (c) DOM nodes of the list at 100 and at 100k conversations.
import type { Page } from '@playwright/test';
import { median, round, type MetricLine } from './lib/metric';
import {
  buildInboxBenchPages,
  launchChromium,
  serveInboxBenchPages,
  type BenchHooks,
} from './lib/inbox-page';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const SCROLL_MS = Number(process.env.BENCH_SCROLL_MS ?? 20_000);
const LIST = '[role="listbox"][aria-label="Conversations"]';

type Kind = 'app' | 'minimal';

declare global {
  interface Window {
    __bench: BenchHooks;
  }
}

async function open(page: Page, base: string, kind: Kind, n: number): Promise<void> {
  await page.goto(kind === 'app' ? `${base}/app/?n=${n}&hold=1` : `${base}/bench/minimal.html?n=${n}`);
  await page.waitForFunction(() => !!window.__bench);
  if (kind === 'app') {
    // The app asked for its first page (held): everything else on screen is ready.
    await page.waitForFunction(() => window.__bench.held !== null && window.__bench.held !== undefined);
  }
  await page.waitForTimeout(300);
}

/** Releases the first page and measures data-ready → painted, then counts the list's nodes. */
async function firstPaint(page: Page): Promise<{ ms: number; listNodes: number; documentNodes: number }> {
  return page.evaluate(async (sel) => {
    const b = window.__bench;
    const painted = b.whenPainted(() => !!document.querySelector(`${sel} [role="option"]`));
    b.release();
    const t = await painted;
    return {
      ms: t - b.dataReadyAt,
      listNodes: b.countNodes(document.querySelector(sel)),
      documentNodes: document.getElementsByTagName('*').length,
    };
  }, LIST);
}

async function scroll(page: Page) {
  return page.evaluate(
    async ({ sel, ms }) => {
      const el = document.querySelector<HTMLElement>(sel)!;
      el.scrollTop = 0;
      await new Promise((r) => setTimeout(r, 200));
      const result = await window.__bench.scriptedScroll(el, ms);
      return {
        ...result,
        listNodes: window.__bench.countNodes(el),
        loadedRows: Number(
          el.querySelector('[role="option"]:last-child')?.getAttribute('aria-posinset') ?? 0,
        ),
      };
    },
    { sel: LIST, ms: SCROLL_MS },
  );
}

/** Runs the benchmark; yields its metric lines. */
export async function* run(): AsyncIterable<MetricLine> {
  await buildInboxBenchPages();
  const pages = await serveInboxBenchPages();
  const browser = await launchChromium();
  const paint: Record<Kind, number[]> = { app: [], minimal: [] };
  const nodes: Record<Kind, Record<number, number[]>> = {
    app: { 100: [], 100_000: [] },
    minimal: { 100: [], 100_000: [] },
  };
  const docNodes: Record<number, number[]> = { 100: [], 100_000: [] };
  const scrolls: Partial<Record<Kind, Awaited<ReturnType<typeof scroll>>>> = {};
  try {
    for (let rep = 0; rep < REPS; rep += 1) {
      // Alternate which side goes first, so drift on a noisy machine hits both alike.
      const order: Kind[] = rep % 2 ? ['minimal', 'app'] : ['app', 'minimal'];
      for (const kind of order) {
        for (const n of [100, 100_000]) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          try {
            await open(page, pages.url, kind, n);
            const r = await firstPaint(page);
            nodes[kind][n]!.push(r.listNodes);
            if (kind === 'app') docNodes[n]!.push(r.documentNodes);
            if (n === 100_000) {
              paint[kind].push(r.ms);
              if (rep === 0) scrolls[kind] = await scroll(page);
            }
          } finally {
            await page.close();
          }
        }
      }
    }
  } finally {
    await browser.close();
    await pages.close();
  }

  const ours = median(paint.app);
  const base = median(paint.minimal);
  const paintNotes = {
    reps: REPS,
    runs: paint.app.map((x) => round(x)),
    baselineRuns: paint.minimal.map((x) => round(x)),
    rows: 100_000,
  };
  yield {
    metric: 'list-render.first_paint_ms',
    value: round(ours),
    unit: 'ms',
    baseline: round(base),
    ratio: round(base / ours),
    target: { max: 50 },
    notes: paintNotes,
  };
  yield {
    metric: 'list-render.first_paint_vs_minimal',
    value: round(ours),
    unit: 'ms',
    baseline: round(base),
    ratio: round(base / ours),
    target: { ratio: 0.5 },
    notes: { ...paintNotes, meaning: 'ratio = minimal ÷ ours; ≥ 0.5 means at most 2× the minimal list' },
  };

  const a = scrolls.app!;
  const m = scrolls.minimal!;
  const scrollNotes = {
    durationMs: SCROLL_MS,
    app: a,
    minimal: m,
    meaning: 'dropped = frame intervals over 20 ms',
  };
  // Lower is better: ratio = minimal ÷ ours (1 when neither drops a frame).
  const dropRatio = a.droppedPct === 0 ? 1 : m.droppedPct / a.droppedPct;
  yield {
    metric: 'list-render.dropped_frames_pct',
    value: round(a.droppedPct),
    unit: '%',
    baseline: round(m.droppedPct),
    ratio: round(dropRatio),
    target: { max: 5 },
    notes: scrollNotes,
  };
  yield {
    metric: 'list-render.dropped_frames_vs_minimal',
    value: round(a.droppedPct),
    unit: '%',
    baseline: round(m.droppedPct),
    ratio: round(dropRatio),
    target: { ratio: 1 / 1.5 },
    notes: { ...scrollNotes, meaning: 'ratio = minimal ÷ ours; ≥ 0.667 means at most 1.5× the minimal list' },
  };

  const big = median(nodes.app[100_000]!);
  const small = median(nodes.app[100]!);
  yield {
    metric: 'list-render.dom_nodes',
    value: big,
    unit: 'elements in the list',
    baseline: small,
    ratio: round(small / big),
    target: { max: 1000 },
    notes: {
      meaning: 'value at 100k conversations, baseline at 100 (ratio 1 = constant)',
      minimalAt100k: median(nodes.minimal[100_000]!),
      minimalAt100: median(nodes.minimal[100]!),
      wholeDocumentAt100k: median(docNodes[100_000]!),
      wholeDocumentAt100: median(docNodes[100]!),
      afterScroll: a.listNodes,
    },
  };
}
