import { expect, type Locator, type Page } from '@playwright/test';

/** The outbound states, as each bubble's status icon names them. */
export type MessageState = 'Queued' | 'Sent' | 'Delivered' | 'Read' | 'Failed';

/** The open conversation: header, thread, composer and its dialogs. */
export class ConversationPage {
  readonly view: Locator;
  readonly thread: Locator;
  readonly messageBox: Locator;
  readonly send: Locator;
  readonly templatesButton: Locator;
  readonly templates: Locator;
  readonly mediaComposer: Locator;
  readonly countdown: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByRole('region', { name: /^Conversation with / });
    this.thread = this.view.getByRole('region', { name: 'Messages' });
    this.messageBox = this.view.getByRole('textbox', { name: 'Message' });
    this.send = this.view.getByRole('button', { name: 'Send', exact: true });
    this.templatesButton = this.view.getByRole('button', { name: 'Templates', exact: true });
    this.templates = page.getByRole('dialog', { name: 'Templates' });
    this.mediaComposer = page.getByRole('dialog', { name: 'Send files' });
    this.countdown = this.view.getByRole('timer');
  }

  /** A message (or note) bubble containing `text`. */
  bubble(text: string | RegExp): Locator {
    return this.thread.getByRole('article').filter({ hasText: text });
  }

  /** The delivery state icon of the outbound message containing `text`. */
  stateOf(text: string | RegExp): Locator {
    return this.bubble(text).getByRole('img', { name: /^(Queued|Sent|Delivered|Read|Failed)$/ });
  }

  /** Types a reply and sends it with Enter. */
  async reply(text: string): Promise<void> {
    await this.messageBox.fill(text);
    await this.messageBox.press('Enter');
    await expect(this.messageBox).toHaveValue('');
  }

  /**
   * Starts recording every state the bubble containing `text` shows (a MutationObserver in the
   * page), so fast transitions are not missed; `states()` reads the record.
   */
  async recordStates(text: string): Promise<{ states(): Promise<MessageState[]> }> {
    await this.page.evaluate((needle) => {
      const w = window as unknown as { __states?: Record<string, string[]> };
      w.__states ??= {};
      const log = (w.__states[needle] = [] as string[]);
      const look = () => {
        for (const article of Array.from(document.querySelectorAll('article'))) {
          if (!article.textContent?.includes(needle)) continue;
          const label = article.querySelector('[role="img"][aria-label]')?.getAttribute('aria-label');
          if (label && log[log.length - 1] !== label) log.push(label);
        }
      };
      new MutationObserver(look).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-label'],
      });
      look();
    }, text);
    return {
      states: () =>
        this.page.evaluate(
          (needle) =>
            (window as unknown as { __states: Record<string, MessageState[]> }).__states[needle] ?? [],
          text,
        ),
    };
  }
}
