// The baseline of the list benchmarks: the same virtualizer (@tanstack/react-virtual), the same
// row height and overscan, plain text rows (name, preview, time) and nothing else, at the same
// width as the app's list column. `window.__bench` mirrors the app page's hooks.
import { useVirtualizer } from '@tanstack/react-virtual';
import { createElement as h, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { InboxConversation } from '#contract/ipc/contract';
import { makeConversations, rowsParam } from './data';
import { countNodes, scriptedScroll, whenPainted } from './paint-probe';

const ROW = 80;
const all = makeConversations(rowsParam(), Date.now());
const byStatus = {
  open: all.filter((c) => c.status === 'open'),
  resolved: all.filter((c) => c.status === 'resolved'),
};

let setData: (rows: InboxConversation[]) => void = () => {};
const bench = {
  rows: all.length,
  dataReadyAt: 0,
  /** Hands the rows to React and records the moment. */
  release() {
    bench.dataReadyAt = performance.now();
    setData(byStatus.open);
  },
  /** The baseline's "filter switch": swap to the other status's rows. */
  switchTo(status: 'open' | 'resolved') {
    setData(byStatus[status]);
  },
  whenPainted,
  scriptedScroll,
  countNodes,
};
Object.assign(window, { __bench: bench });

function List() {
  const [rows, setRows] = useState<InboxConversation[]>([]);
  useEffect(() => {
    setData = setRows;
  }, []);
  const ref = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => ref.current,
    estimateSize: () => ROW,
    overscan: 4,
  });
  return h(
    'div',
    {
      ref,
      role: 'listbox',
      'aria-label': 'Conversations',
      style: { height: '100%', overflowY: 'auto', width: 380 },
    },
    h(
      'div',
      { style: { height: v.getTotalSize(), position: 'relative' } },
      v.getVirtualItems().map((r) => {
        const c = rows[r.index]!;
        return h(
          'div',
          {
            key: c.id,
            role: 'option',
            'aria-selected': false,
            style: {
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              height: ROW,
              transform: `translateY(${r.start}px)`,
            },
          },
          h('div', null, c.contact.name ?? c.contact.phone),
          h('div', null, c.lastMessage?.preview ?? ''),
          h('div', null, c.lastMessageAt),
        );
      }),
    ),
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(h(List));
