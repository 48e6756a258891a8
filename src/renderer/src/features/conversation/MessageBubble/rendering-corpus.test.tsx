import { describe, expect, it } from 'vitest';
import type { ThreadMessage } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import {
  ids,
  makeDetail,
  makeMessage,
  makeTemplate,
  threadPage,
} from '../../../test-utils/conversation-fixtures';
import { createFakeParley, render, screen, signedInSession } from '../../../test-utils/render';
import { ConversationView } from '../ConversationView/ConversationView';
import { inThread, makeThreadContext } from '../../../test-utils/thread-context';
import { MessageBubble } from './MessageBubble';

/** Hostile strings from the usual XSS and spoofing corpora. */
const PAYLOADS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg/onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
  '[click me](javascript:window.__pwned=1)',
  '[https://bank.example](https://evil.example/login)',
  '<a href="javascript:window.__pwned=1">x</a>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  'invoice\u202Efdp.exe',
  '\u202Egnp.evil.js',
  'A\u2066B\u2069C\u200F\u061C',
  'Z̴̡̢̛̛̛̛̛̛̛̛̛̖̗̘̙̜̝̞̟̠̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡',
  '*'.repeat(5000),
  `${'x'.repeat(100_000)}`,
  `https://${'a'.repeat(5000)}.example/${'b'.repeat(5000)}`,
  '\u0000\u0001\u0007\u001b[31mred',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
];

/** Every message type that shows customer-controlled text, filled with `p`. */
function hostileMessages(p: string): ThreadMessage[] {
  const media = {
    id: ids.media,
    mimeType: 'application/pdf',
    fileName: p,
    size: 10,
    state: 'ready' as const,
  };
  return [
    makeMessage({ text: p }),
    makeMessage({ type: 'image', text: null, caption: p, media: { ...media, mimeType: 'image/jpeg' } }),
    makeMessage({ type: 'document', text: null, caption: p, media }),
    makeMessage({
      type: 'location',
      text: null,
      location: { latitude: 1, longitude: 2, name: p, address: p, url: p },
    }),
    makeMessage({
      type: 'contacts',
      text: null,
      contacts: [
        {
          name: { formattedName: p },
          phones: [{ phone: p, type: p }],
          emails: [{ email: p }],
          organization: p,
          urls: [p],
        },
      ],
    }),
    makeMessage({
      type: 'interactive',
      text: null,
      interactive: { kind: 'button_reply', id: p, title: p, description: p },
    }),
    makeMessage({ type: 'unsupported', text: null, extra: { unsupportedType: p } }),
    makeMessage({ type: 'system', text: p }),
    makeMessage({
      direction: 'outbound',
      type: 'template',
      text: null,
      status: 'failed',
      error: { code: p.slice(0, 30), message: p },
      template: { name: p, language: p, parameters: { body: [p] }, renderedBody: p },
    }),
    makeMessage({ text: 'ok', reactions: [{ emoji: p, by: 'customer', at: '2026-03-02T10:00:00Z' }] }),
  ];
}

/** Nothing executable made it into the DOM. */
function expectNothingExecutable() {
  expect(document.querySelectorAll('script, iframe, object, embed, svg[onload], [srcdoc]')).toHaveLength(0);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      expect(attr.startsWith('on'), `${el.tagName} has ${attr}`).toBe(false);
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    expect(a.getAttribute('href')).toMatch(/^https?:\/\//u);
  }
  for (const img of document.querySelectorAll('img[src]')) {
    expect(img.getAttribute('src')).toMatch(/^(https?:|parley:|blob:|data:image\/)/u);
  }
  expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
}

/**
 * Bidi overrides never reorder text outside an isolated (`dir`) element: names and file names
 * drop them, bodies and captions keep them inside their own `dir="auto"` span.
 */
function expectBidiIsolated() {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\u202A-\u202E\u2066-\u2069]/u.test(node.textContent ?? '')) continue;
    const parent = node.parentElement;
    if (parent?.closest('style')) continue;
    expect(
      parent?.closest('[dir]'),
      `unisolated bidi control in ${parent?.outerHTML.slice(0, 200)}`,
    ).not.toBeNull();
  }
}

describe('rendering corpus: hostile names, bodies, captions and file names', () => {
  it.each(PAYLOADS.map((p) => [p.length > 60 ? `${p.slice(0, 40)}… (${p.length} chars)` : p, p]))(
    'every bubble type stays inert with %s',
    (_, payload) => {
      const messages = hostileMessages(payload);
      const started = performance.now();
      render(
        inThread(
          <div>
            {messages.map((m) => (
              <MessageBubble key={m.id} message={m} reactions={m.reactions ?? []} />
            ))}
          </div>,
          makeThreadContext(messages),
        ),
        { parley: createFakeParley({ session: signedInSession }) },
      );
      // A frozen layout would show up as a render measured in seconds.
      expect(performance.now() - started).toBeLessThan(3_000);
      expectNothingExecutable();
      expectBidiIsolated();
    },
  );

  it('folds a huge body behind Show more', () => {
    const huge = makeMessage({ text: 'y'.repeat(200_000) });
    render(inThread(<MessageBubble message={huge} reactions={[]} />, makeThreadContext([huge])), {
      parley: createFakeParley({ session: signedInSession }),
    });
    expect(screen.getByRole('button', { name: 'Show more (200,000 characters)' })).toBeInTheDocument();
    expect(screen.getByRole('article').textContent!.length).toBeLessThan(4_000);
  });

  it('the whole view stays inert with a hostile contact, template and thread', async () => {
    const p = PAYLOADS.slice(0, 9).join(' ');
    const parley = createFakeParley({ session: signedInSession });
    parley['conversation:get'].mockResolvedValue(
      ok(
        makeDetail(
          { contact: { id: ids.contact, name: p, phone: p, waId: p }, labels: [p.slice(0, 50)] },
          { name: p, profileName: p, tags: [p.slice(0, 50)] },
        ),
      ),
    );
    parley['messages:list'].mockResolvedValue(ok(threadPage(hostileMessages(p))));
    parley['templates:list'].mockResolvedValue(ok([makeTemplate({ name: p })]));
    const { user } = render(<ConversationView conversationId={ids.conversation} />, { parley });
    await screen.findByRole('region', { name: 'Messages' });
    await user.click(screen.getByRole('button', { name: 'Contact details' }));
    await user.click(screen.getByRole('button', { name: 'Templates' }));
    await screen.findByRole('dialog', { name: 'Templates' });
    expectNothingExecutable();
  });
});
