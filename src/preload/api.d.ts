import type { ParleyApi } from '#contract/ipc/contract';

/**
 * `window.parley`, exposed by src/preload/index.ts (or the browser harness's bridge script): one
 * function per contract channel plus `on`. The renderer calls it through `src/api`'s
 * `client.call(channel, input)`.
 */
declare global {
  interface Window {
    parley: ParleyApi;
  }
}

export {};
