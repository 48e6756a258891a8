import { fileURLToPath } from 'node:url';
import { runProcess } from './processes';

/** What one autocannon run reports. */
export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  latency: { p50: number; p99: number; max: number };
}

const loadEntry = fileURLToPath(new URL('./load.ts', import.meta.url));

/** Runs autocannon in a separate process pinned to core 1 and returns its summary. */
export function load(spec: {
  url: string;
  connections?: number;
  duration?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}): Promise<LoadResult> {
  return runProcess<LoadResult>(loadEntry, { cpu: 1, args: [JSON.stringify(spec)] });
}
