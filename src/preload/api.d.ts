import type { ParleyApi } from '#contract/ipc/contract';

/** `window.parley`, exposed by src/preload/index.ts: one function per contract channel plus `on`. */
declare global {
  interface Window {
    parley: ParleyApi;
  }
}

export {};
