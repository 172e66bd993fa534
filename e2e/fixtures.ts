/**
 * Fixtures: `tessera` is the running app as a page object, in the browser (real renderer, test host) or in
 * the Electron app (when a binary exists). Specs are written once against the page object.
 */
import { _electron, test as base } from '@playwright/test';
import { electronBinary } from './electron-binary.mjs';
import { TesseraApp } from './pages/tessera-app';

export interface TesseraOptions {
  shell: 'browser' | 'electron';
}

export const test = base.extend<TesseraOptions & { tessera: TesseraApp }>({
  shell: ['browser', { option: true }],
  tessera: async ({ shell, page }, use, testInfo) => {
    if (shell === 'electron') {
      const executablePath = electronBinary();
      if (executablePath === undefined) throw new Error('the electron project needs an Electron binary');
      const electronApp = await _electron.launch({ executablePath, args: ['.'] });
      const window = await electronApp.firstWindow();
      await use(new TesseraApp(window, testInfo, 'electron', electronApp));
      await electronApp.close();
      return;
    }
    // The host's token (set by playwright.config.ts) goes into a cookie; the host redirects to `/`.
    await page.goto(`/?token=${process.env.TESSERA_HOST_TOKEN ?? ''}`);
    await use(new TesseraApp(page, testInfo, 'browser'));
  },
});

export { expect } from '@playwright/test';
