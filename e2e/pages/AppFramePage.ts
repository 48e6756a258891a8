import { expect, type Locator, type Page } from '@playwright/test';

/** The signed-in window: header, user menu and main area. */
export class AppFramePage {
  readonly userMenu: Locator;
  readonly connection: Locator;
  /** The inbox list saying it has no open conversations. */
  readonly emptyState: Locator;

  constructor(readonly page: Page) {
    this.userMenu = page.getByRole('button', { name: /^User menu/ });
    this.connection = page.getByRole('status', { name: /^Connection:/ });
    // The list's empty state names the tab and view ("No open conversations in All").
    this.emptyState = page.getByRole('tabpanel').getByText(/^No open conversations in /);
  }

  /** The organization name in the header. */
  organizationHeading(name: string): Locator {
    return this.page.getByRole('banner').getByRole('heading', { level: 1, name });
  }

  /**
   * Waits until the frame shows `organizationName`. Signing in includes opening the replica and
   * the first bootstrap, which takes several seconds on a loaded 2-core machine: 15 s, not the
   * default 5.
   */
  async expectSignedIn(organizationName: string): Promise<void> {
    await expect(this.organizationHeading(organizationName)).toBeVisible({ timeout: 15_000 });
    await expect(this.userMenu).toBeVisible();
  }

  /** Picks Light, Dark or System in the user menu. */
  async chooseTheme(label: 'Light' | 'Dark' | 'System'): Promise<void> {
    await this.userMenu.click();
    await this.page.getByRole('menuitem', { name: label }).click();
  }

  /** Signs out through the user menu. */
  async signOut(): Promise<void> {
    await this.userMenu.click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
  }

  /** The document's resolved Mantine colour scheme. */
  colorScheme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-mantine-color-scheme');
  }
}
