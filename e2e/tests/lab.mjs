// Shared browser session for the e2e tests: Debian's chromium driven by playwright-core against the
// JupyterLab served by run-e2e.sh. Test files import `lab` and call the helpers.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const LAB_URL = process.env.LAB_URL || 'http://127.0.0.1:8899/lab';
export const SCREENSHOTS = process.env.SCREENSHOTS || path.resolve('artifacts/screenshots');

export class Lab {
  consoleErrors = [];
  badResponses = [];

  async start() {
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync']
    });
    this.page = await this.browser.newPage({ viewport: { width: 1440, height: 900 } });
    this.page.on('console', m => m.type() === 'error' && this.consoleErrors.push(m.text()));
    this.page.on('pageerror', e => this.consoleErrors.push(`pageerror: ${e.message}`));
    this.page.on('response', r => r.status() >= 400 && this.badResponses.push(`${r.status()} ${r.url()}`));
    // ?reset: start from an empty workspace, whatever an earlier run left open.
    await this.page.goto(`${LAB_URL}?reset`);
    await this.page.waitForSelector('body[data-lab-restored="true"]', { state: 'attached', timeout: 90000 });
    return this.page;
  }

  async stop() {
    if (this.consoleErrors.length) console.log('browser console errors:', JSON.stringify(this.consoleErrors, null, 1));
    if (this.badResponses.length) console.log('HTTP >= 400:', JSON.stringify(this.badResponses, null, 1));
    await this.browser?.close();
  }

  /** Runs a JupyterLab command in the page, as a user would from the palette. */
  command(id, args = {}) {
    return this.page.evaluate(([id, args]) => window.jupyterapp.commands.execute(id, args), [id, args]);
  }

  async openNotebook(file) {
    await this.command('docmanager:open', { path: file });
    const panel = this.page.locator(`.jp-NotebookPanel:has(.jp-Notebook)`).last();
    await panel.waitFor({ timeout: 30000 });
    return panel;
  }

  async screenshot(name) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
