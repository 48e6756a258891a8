import type { ParleyApi } from '#contract/ipc/contract';

/**
 * The one place that reads `window.parley`, which the Electron preload (or the browser
 * harness's bridge script) defines before the bundle runs.
 */
export function getWindowParley(): ParleyApi {
  const api = (window as Partial<Window>).parley;
  if (!api) {
    throw new Error('window.parley is missing: the renderer must run inside Parley or the browser harness');
  }
  return api;
}
