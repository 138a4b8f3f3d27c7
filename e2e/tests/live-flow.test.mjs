// The extension's live paths against the real Flowbook kernel (installed by `flowbook install` in
// run-e2e.sh): run all on the cars flow, watch the DAG reach done, click a node to reach its cell,
// edit the model node in its form, watch the training chart grow, press Stop and keep the model.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Lab } from './lab.mjs';

const NOTEBOOK = process.env.LIVE_NOTEBOOK || 'cars-live.ipynb';
const MODEL_CELL = 3;
const lab = new Lab();
let page;

const cellSource = index =>
  page.evaluate(i => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource(), index);
const nodeStatus = id => page.locator(`#flowbook-flow-panel [data-node-id="${id}"]`).getAttribute('data-status');

before(async () => {
  page = await lab.start();
  await lab.openNotebook(NOTEBOOK);
  await page.waitForSelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60000 });
  await page.evaluate(() => window.jupyterapp.shell.activateById('flowbook-flow-panel'));
});
after(() => lab.stop());

test('after a kernel restart the Flow panel reconnects and shows an empty flow with what to do', async () => {
  await page.evaluate(() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart());
  const message = page.locator('#flowbook-flow-panel[data-state="ready"] .fb-FlowPanel-message');
  await message.filter({ hasText: 'No nodes yet' }).waitFor({ timeout: 30000 });
});

test('run all: the DAG fills in and its data nodes reach done', async () => {
  // Not awaited: the command resolves only when every cell has run, and the model cell trains on.
  await page.evaluate(() => void window.jupyterapp.commands.execute('notebook:run-all-cells'));
  await page.waitForSelector('#flowbook-flow-panel [data-node-id="parts"][data-status="done"]', { timeout: 60000 });
  await page.waitForSelector('#flowbook-flow-panel [data-node-id="mpg"]', { timeout: 60000 });
  assert.equal(await nodeStatus('cars'), 'done');
  assert.equal(await nodeStatus('clean'), 'done');
  assert.equal(await page.locator('#flowbook-flow-panel g.fb-Dag-node').count(), 4);
  assert.equal(await page.locator('#flowbook-flow-panel path.fb-Dag-edge').count(), 3);
  assert.match(await page.locator('#flowbook-flow-panel [data-node-id="cars"] .fb-Dag-summary').textContent(), /406 rows/);
  await lab.screenshot('live-dag-done');
});

test('training draws live charts while the job runs', async () => {
  const training = page.locator('.fb-Training[data-status="running"]');
  await training.waitFor({ timeout: 60000 });
  assert.equal(await nodeStatus('mpg'), 'running');
  const points = () => training.locator('path.fb-Chart-line.fb-mod-train').first().getAttribute('data-points');
  await page.waitForFunction(() => {
    const line = document.querySelector('.fb-Training path.fb-Chart-line.fb-mod-train');
    return line && Number(line.dataset.points) >= 2;
  }, null, { timeout: 30000 });
  const first = Number(await points());
  await page.waitForFunction(n => {
    const line = document.querySelector('.fb-Training path.fb-Chart-line.fb-mod-train');
    return line && Number(line.dataset.points) > n;
  }, first, { timeout: 30000 });
  assert.match(await training.locator('.fb-Training-eta').innerText(), /left/);
  // The Flow panel offers Stop, not Run, for the node whose job runs.
  await page.locator('#flowbook-flow-panel [data-node-id="mpg"]').click();
  assert.equal(await page.locator('#flowbook-flow-panel button.fb-FlowPanel-stop').isEnabled(), true);
  assert.equal(await page.locator('#flowbook-flow-panel button.fb-FlowPanel-run').isEnabled(), false);
  await lab.screenshot('live-training');
});

test('clicking a node in the Flow panel selects its cell', async () => {
  await page.locator('#flowbook-flow-panel [data-node-id="parts"]').click();
  await page.waitForFunction(() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 2);
  assert.match(await page.locator('#flowbook-flow-panel .fb-FlowPanel-selection').innerText(), /parts/);
});

test('a model node form edits the cell YAML, keeping its comments, and flags invalid values', async () => {
  await page.locator('#flowbook-flow-panel [data-node-id="mpg"]').click();
  await page.waitForFunction(i => window.jupyterapp.shell.currentWidget.content.activeCellIndex === i, MODEL_CELL);
  await lab.command('flowbook:show-node-form');
  const form = page.locator('#flowbook-node-form');
  await form.locator('[data-status="ready"]').waitFor({ timeout: 30000 });
  // Column pickers list the upstream output's columns (the kernel answers get_columns beside the
  // running training job, so they may arrive after the form).
  await form.locator('#fb-data_target option', { hasText: 'Horsepower' }).waitFor({ state: 'attached', timeout: 30000 });
  const targetChoices = await form.locator('#fb-data_target option').allTextContents();
  assert.ok(targetChoices.includes('Miles_per_Gallon') && targetChoices.includes('Horsepower'), targetChoices.join(','));

  const epochs = form.locator('#fb-training_training_epochs');
  await epochs.fill('25');
  await page.waitForFunction(i =>
    /epochs: 25 # long enough to press Stop/.test(window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()), MODEL_CELL);
  const text = await cellSource(MODEL_CELL);
  assert.match(text, /^%%dnn_regressor mpg --from parts:train\n# miles per gallon from the car's size and power\ntarget: Miles_per_Gallon\n/);
  assert.match(text, /learning_rate: 0.01/);

  await epochs.fill('0');
  await form.locator('.fb-NodeForm-errors li[data-path="training.epochs"]').waitFor({ timeout: 10000 });
  await lab.screenshot('node-form');
  await epochs.fill('25');
  await form.locator('.fb-NodeForm-errors').waitFor({ state: 'detached', timeout: 10000 });
});

test('Stop ends the job and keeps the model', async () => {
  const training = page.locator('.fb-Training').first();
  await training.locator('button.fb-Training-stop:enabled').click();
  await page.waitForSelector('.fb-Training[data-status="stopped"]', { timeout: 60000 });
  assert.match(await training.locator('.fb-Training-best').innerText(), /best epoch \d+: val_loss/);
  await page.waitForSelector('#flowbook-flow-panel [data-node-id="mpg"][data-status="done"]', { timeout: 60000 });
  // The kept model was evaluated: its key metric reaches the DAG, and the cell shows its metrics.
  assert.match(await page.locator('#flowbook-flow-panel [data-node-id="mpg"] .fb-Dag-summary').textContent(), /R²/);
  await page.locator('.jp-NotebookPanel .fb-Metrics').first().waitFor({ timeout: 30000 });
  assert.equal(await page.locator('#flowbook-flow-panel button.fb-FlowPanel-stop').isEnabled(), false);
  await lab.screenshot('stopped');
});
