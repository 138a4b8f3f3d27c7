// The extension loads into a real JupyterLab 4 and draws Flowbook outputs saved in a notebook,
// without running any cell (the notebook's kernel is python3, which has no flowbook comm).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Lab } from './lab.mjs';

const lab = new Lab();
let page;

before(async () => {
  page = await lab.start();
});
after(() => lab.stop());

test('the prebuilt Flowbook extension loads and its plugins activate', async () => {
  const federated = await page.evaluate(() => window.flowbookFederated);
  assert.deepEqual(federated, ['@flowbook/jupyterlab-extension']);
  const activated = await page.evaluate(() =>
    ['flow-panel', 'node-form', 'insert-commands'].map(p =>
      window.jupyterapp.isPluginActivated(`@flowbook/jupyterlab-extension:${p}`)));
  assert.deepEqual(activated, [true, true, true]);
  const commands = await page.evaluate(() => window.jupyterapp.commands.listCommands().filter(c => c.startsWith('flowbook:')).sort());
  assert.deepEqual(commands, [
    'flowbook:insert-dnn-classifier', 'flowbook:insert-dnn-regressor', 'flowbook:insert-lstm-regressor', 'flowbook:show-node-form'
  ]);
});

test('the Flow panel says what to do when no notebook is open', async () => {
  await page.evaluate(() => window.jupyterapp.shell.activateById('flowbook-flow-panel'));
  const panel = page.locator('#flowbook-flow-panel');
  await panel.waitFor();
  assert.equal(await panel.getAttribute('data-state'), 'no-notebook');
  assert.match(await panel.innerText(), /Open a notebook that uses the Flowbook kernel/);
});

test('saved DAG, training and metrics outputs render from the notebook', async () => {
  const notebook = await lab.openNotebook('saved-outputs.ipynb');

  const dag = notebook.locator('.fb-DagOutput svg.fb-Dag');
  await dag.waitFor({ timeout: 30000 });
  assert.equal(await dag.locator('g.fb-Dag-node').count(), 4);
  assert.equal(await dag.locator('path.fb-Dag-edge').count(), 4);
  assert.equal(await dag.locator('[data-node-id="species"]').getAttribute('data-status'), 'done');
  assert.match(await dag.locator('[data-node-id="species"] .fb-Dag-summary').textContent(), /val_acc 0\.9667/);
  // A node id that looks like markup is drawn as text, not parsed.
  assert.equal(await dag.locator('b').count(), 0);
  assert.equal(await dag.locator('[data-status="failed"] .fb-Dag-id').textContent(), '<b>scored</b>');

  const training = notebook.locator('.fb-Training').first();
  await training.waitFor();
  assert.equal(await training.getAttribute('data-status'), 'early_stopped');
  const header = await training.locator('.fb-Training-header').innerText();
  assert.match(header, /species/);
  assert.match(header, /job job-20261203-iris-01/);
  assert.match(header, /backend wasm/);
  assert.match(await training.locator('.fb-Training-epochs').innerText(), /epoch 12 of 50/);
  assert.match(await training.locator('.fb-Training-best').innerText(), /best epoch 9: val_loss/);
  assert.deepEqual(await training.locator('svg.fb-Chart').evaluateAll(c => c.map(s => s.dataset.metric)), ['loss', 'acc']);
  const lossSeries = training.locator('svg.fb-Chart[data-metric="loss"] path.fb-Chart-line');
  assert.deepEqual(await lossSeries.evaluateAll(p => p.map(l => [l.dataset.series, l.dataset.points])), [['train', '12'], ['val', '12']]);
  // A finished job offers no Stop.
  assert.equal(await training.locator('.fb-Training-stop').count(), 0);

  // A job saved while it ran: progress by batch and ETA show, and Stop is there but off, since
  // no live kernel owns the job.
  const running = notebook.locator('.fb-Training[data-status="running"]');
  assert.match(await running.locator('.fb-Training-batches').innerText(), /batch 3 of 10/);
  assert.match(await running.locator('.fb-Training-eta').innerText(), /about 7m 07s left/);
  // (5 epochs + 3/10 of the sixth) of 40
  assert.equal(await running.locator('.fb-Progress').getAttribute('aria-valuenow'), '13');
  const stop = running.locator('button.fb-Training-stop');
  assert.equal(await stop.isDisabled(), true);
  assert.equal(await stop.getAttribute('title'), 'No running Flowbook kernel owns this job');

  const metrics = notebook.locator('.fb-Metrics');
  await metrics.first().waitFor();
  assert.equal(await metrics.count(), 2);
  const classes = metrics.first().locator('.fb-Metrics-classes tbody tr');
  assert.equal(await classes.count(), 3);
  assert.equal(await classes.nth(2).locator('th').textContent(), '<i>virginica</i>');
  assert.equal(await metrics.first().locator('i').count(), 0);
  const confusion = await metrics.first().locator('.fb-Metrics-confusion tbody tr').nth(2).locator('td').allTextContents();
  assert.deepEqual(confusion, ['0', '1', '9']);
  const regression = await metrics.nth(1).locator('.fb-Metrics-regression tbody tr').allInnerTexts();
  assert.match(regression.join('\n'), /RMSE\s+2\.5900/);

  await lab.screenshot('saved-outputs');
});

test('a notebook whose kernel is not Flowbook gets a Flow panel that says how to switch', async () => {
  await page.evaluate(() => window.jupyterapp.shell.activateById('flowbook-flow-panel'));
  const panel = page.locator('#flowbook-flow-panel');
  await page.waitForSelector('#flowbook-flow-panel[data-state="not-flowbook"]', { timeout: 60000 });
  assert.match(await panel.innerText(), /not Flowbook. Choose the Flowbook kernel/);
  await lab.screenshot('flow-panel-not-flowbook');
});

test('the palette adds a DNN classification node cell reading from the split above', async () => {
  const before = await page.locator('.jp-NotebookPanel .jp-Cell').count();
  await page.locator(".jp-NotebookPanel .jp-Cell").nth(6).click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+C');
  const input = page.locator('.lm-CommandPalette-input');
  await input.waitFor({ state: 'visible' });
  await input.fill('Add DNN Classification Node');
  await page.keyboard.press('Enter');
  await page.waitForFunction(n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === n + 1, before);
  const text = await page.evaluate(() => window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel.getSource());
  assert.match(text, /^%%dnn_classifier classifier --from parts:train\n/);
  assert.match(text, /network: \{hidden_units: \[64, 32\]/);
  await lab.screenshot('inserted-model-cell');
});

test('the outputs follow the dark theme', async () => {
  const boxFill = () => page.locator('.fb-DagOutput .fb-Dag-box').first().evaluate(e => getComputedStyle(e).fill);
  const light = await boxFill();
  await lab.command('apputils:change-theme', { theme: 'JupyterLab Dark' });
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'false', null, { timeout: 30000 });
  assert.notEqual(await boxFill(), light);
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached', timeout: 30000 });
  await page.locator('.fb-Training').first().scrollIntoViewIfNeeded();
  await lab.screenshot('saved-outputs-dark');
  await lab.command('apputils:change-theme', { theme: 'JupyterLab Light' });
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'true', null, { timeout: 30000 });
});
