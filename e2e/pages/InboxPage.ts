import { expect, type Locator, type Page } from '@playwright/test';

/** The inbox: views, status tabs, filters, search and the conversation list. */
export class InboxPage {
  readonly views: Locator;
  readonly list: Locator;
  readonly search: Locator;
  readonly outbox: Locator;

  constructor(readonly page: Page) {
    this.views = page.getByRole('navigation', { name: 'Views' });
    this.list = page.getByRole('listbox', { name: 'Conversations' });
    this.search = page.getByRole('searchbox', { name: 'Search' });
    this.outbox = page.getByRole('button', { name: /^Outbox/ });
  }

  /** A view button (Mine, Unassigned, All, a team). */
  view(name: string): Locator {
    return this.views.getByRole('button', { name, exact: true });
  }

  /** A status tab (Open, Pending, Snoozed, Resolved). */
  tab(name: 'Open' | 'Pending' | 'Snoozed' | 'Resolved'): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  /** The list's rows. */
  rows(): Locator {
    return this.list.getByRole('option');
  }

  /** The row whose accessible name starts with `contact`. */
  row(contact: string): Locator {
    return this.list.getByRole('option', {
      name: new RegExp(`^${contact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`),
    });
  }

  /** The selected row. */
  selected(): Locator {
    return this.list.getByRole('option', { selected: true });
  }

  /** Goes to a view and waits until it is the current one. */
  async goTo(view: string): Promise<void> {
    await this.view(view).click();
    await expect(this.view(view)).toHaveAttribute('aria-current', 'page');
  }
}
