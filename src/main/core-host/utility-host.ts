import { utilityProcess } from 'electron';
import type { HostChild } from './bridge';

/**
 * Starts out/main/core-host.js as an Electron utility process (a Node process without the
 * renderer's privileges; SQLite runs there, off the UI thread). `process.parentPort` in the
 * child is the other end of `postMessage` / `message`.
 */
export function forkUtilityHost(modulePath: string): HostChild {
  const child = utilityProcess.fork(modulePath, [], { serviceName: 'Parley core', stdio: 'inherit' });
  return {
    post: (msg) => child.postMessage(msg),
    onMessage: (cb) => child.on('message', cb),
    onExit: (cb) => child.on('exit', cb),
    kill: () => void child.kill(),
  };
}
