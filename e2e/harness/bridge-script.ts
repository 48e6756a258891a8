import { channelNames as channels, eventNames } from '#contract/ipc/names';

/** Path of the bridge script served by the harness. */
export const BRIDGE_SCRIPT_PATH = '/parley-bridge.js';
/** Path of the bridge WebSocket. */
export const BRIDGE_SOCKET_PATH = '/bridge';

/**
 * The browser side of the harness: a classic script, loaded before the app bundle, that
 * defines `window.parley` like the Electron preload does (one function per contract channel
 * plus `on`), forwarding calls over a same-origin WebSocket. Kept as plain ES2020 source text
 * because it runs in the page, untranspiled. Calls made before the socket opens are queued;
 * a dropped socket rejects the calls in flight (the renderer's api module turns that into an
 * error Result) and reconnects.
 */
export function bridgeScript(): string {
  return `// Parley browser harness bridge: defines window.parley over a WebSocket. Test tool only.
(() => {
  'use strict';
  const channels = ${JSON.stringify(channels)};
  const events = ${JSON.stringify(eventNames)};
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + ${JSON.stringify(BRIDGE_SOCKET_PATH)};
  const pending = new Map();
  const listeners = new Map(events.map((e) => [e, new Set()]));
  let queue = [];
  let nextId = 1;
  let socket = null;

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      const waiting = queue;
      queue = [];
      for (const message of waiting) socket.send(message);
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'result') {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        call.resolve(message.result);
      } else if (message.type === 'event') {
        for (const cb of listeners.get(message.event) || []) {
          try {
            cb(message.payload);
          } catch (error) {
            console.error('parley bridge: event listener threw', error);
          }
        }
      }
    });
    socket.addEventListener('close', () => {
      for (const call of pending.values()) call.reject(new Error('parley bridge: connection lost'));
      pending.clear();
      setTimeout(connect, 500);
    });
  }

  // Bytes (media:stage) cannot go through JSON as they are: base64 in a {"$bytes"} wrapper,
  // which the host turns back into a Uint8Array before the contract parses the input.
  function encodeBytes(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return { $bytes: btoa(binary) };
  }
  function replacer(_key, value) {
    return value instanceof Uint8Array ? encodeBytes(value) : value;
  }

  function call(channel, input) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const message = JSON.stringify({ id, channel, input }, replacer);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(message);
      else queue.push(message);
    });
  }

  const api = {
    on(event, cb) {
      const set = listeners.get(event);
      if (!set) throw new Error('parley bridge: unknown event ' + event);
      set.add(cb);
      return () => set.delete(cb);
    },
  };
  for (const channel of channels) api[channel] = (input) => call(channel, input);

  connect();
  Object.defineProperty(window, 'parley', { value: Object.freeze(api), enumerable: true });
})();
`;
}

/** Inserts the bridge `<script>` before the app bundle's first script tag. */
export function injectBridge(indexHtml: string): string {
  const tag = `<script src=".${BRIDGE_SCRIPT_PATH}"></script>\n    `;
  const at = indexHtml.search(/<script\b[^>]*type="module"/);
  if (at === -1) throw new Error('harness: out/renderer/index.html has no <script> tag to precede');
  return indexHtml.slice(0, at) + tag + indexHtml.slice(at);
}
