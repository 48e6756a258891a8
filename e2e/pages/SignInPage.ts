import { expect, type Locator, type Page } from '@playwright/test';
import { AppFramePage } from './AppFramePage';

/** The sign-in screen. */
export class SignInPage {
  readonly heading: Locator;
  readonly serverUrl: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  /** The server-error alert next to the form. */
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Sign in to Parley' });
    this.serverUrl = page.getByLabel('Server URL');
    this.email = page.getByLabel('Email');
    this.password = page.getByLabel(/^Password/);
    this.submit = page.getByRole('button', { name: 'Sign in' });
    this.alert = page.getByRole('alert');
  }

  /** Opens the app and waits for the sign-in form. */
  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.heading).toBeVisible();
  }

  /** Fills the form (server URL only if given) and submits with the button. */
  async signIn(credentials: { email: string; password: string; serverUrl?: string }): Promise<void> {
    if (credentials.serverUrl !== undefined) await this.serverUrl.fill(credentials.serverUrl);
    await this.email.fill(credentials.email);
    await this.password.fill(credentials.password);
    await this.submit.click();
  }

  /**
   * The usual preamble: signs in with the button and waits for the signed-in frame of
   * `organizationName` (the first bootstrap included).
   */
  async signInAs(
    credentials: { email: string; password: string; serverUrl?: string },
    organizationName: string,
  ): Promise<void> {
    await this.signIn(credentials);
    await new AppFramePage(this.page).expectSignedIn(organizationName);
  }
}
