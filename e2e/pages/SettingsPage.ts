import { expect, type Locator, type Page } from '@playwright/test';

/** The Settings area: its navigation item, its sections and their forms. */
export class SettingsPage {
  readonly navItem: Locator;
  readonly sections: Locator;

  constructor(readonly page: Page) {
    this.navItem = page
      .getByRole('navigation', { name: 'Settings' })
      .getByRole('button', { name: 'Settings' });
    this.sections = page.getByRole('navigation', { name: 'Settings sections' });
  }

  /** Opens Settings from the navigation. */
  async open(): Promise<void> {
    await this.navItem.click();
    await expect(this.sections).toBeVisible();
  }

  /** Opens a section and waits for its heading. */
  async section(label: string): Promise<void> {
    await this.sections.getByRole('button', { name: label }).click();
    await expect(this.page.getByRole('heading', { level: 2, name: label })).toBeVisible();
  }

  /** The names of the sections listed. */
  async sectionNames(): Promise<string[]> {
    return this.sections.getByRole('button').allTextContents();
  }

  dialog(name: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name });
  }
}
