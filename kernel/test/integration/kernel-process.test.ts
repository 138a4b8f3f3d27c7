/**
 * The real kernel process over real ZeroMQ sockets (needs `npm run build`: it runs kernel/dist/main.js).
 */
import { createSigner } from '../../src/wire/signer';
import type { KernelClient } from '../../src/client/kernel-client';
import { heartbeat, inputRequest, msgTypes, startTestKernel } from './support/test-kernel';
import type { Message } from '../../src/core/messages';

jest.setTimeout(60_000);

const streamText = (messages: Message[], name = 'stdout') =>
  messages.filter((m) => m.header.msg_type === 'stream' && m.content.name === name).map((m) => m.content.text).join('');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a running kernel', () => {
  let kernel: KernelClient;
  beforeAll(async () => {
    kernel = await startTestKernel();
  });
  afterAll(async () => {
    await kernel.close();
  });

  it('P4: kernel_info on shell is wrapped in busy/idle with its parent and advertises protocol 5.3 and TypeScript', async () => {
    const id = kernel.send('shell', 'kernel_info_request', {});
    const reply = await kernel.reply('shell', id);
    const idle = await kernel.waitForIdle(id);
    expect(msgTypes([...kernel.iopubFor(id), idle])).toEqual(['status:busy', 'status:idle']);
    expect(reply.content).toMatchObject({
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'flowbook',
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', pygments_lexer: 'typescript' },
    });
  });

  it('runs a cell: execute_input, stdout, execute_result and an ok reply, with the count going up', async () => {
    const first = await kernel.execute('console.log("hello, world"); 6 * 7');
    expect(first.reply.content).toMatchObject({ status: 'ok' });
    expect(msgTypes(first.iopub)).toEqual(['status:busy', 'execute_input', 'stream', 'execute_result', 'status:idle']);
    expect(streamText(first.iopub)).toBe('hello, world\n');
    expect(first.iopub[3].content.data).toMatchObject({ 'text/plain': '42' });
    const second = await kernel.execute('1');
    expect(second.reply.content.execution_count).toBe((first.reply.content.execution_count as number) + 1);
  });

  it('K5: heartbeat, kernel_info and interrupt on control all answer while a cell spins in while(true); the state survives', async () => {
    await kernel.execute('var state = { n: 1 };');
    const loop = kernel.send('shell', 'execute_request', { code: 'let i = 0; while (true) { i++; }', stop_on_error: false });
    await sleep(500);

    expect(await heartbeat(kernel.ports)).toBeLessThan(1000);

    const info = kernel.send('control', 'kernel_info_request', {});
    expect((await kernel.reply('control', info, 2000)).content.implementation).toBe('flowbook');
    const infoIdle = await kernel.waitForIdle(info, 2000);
    expect(msgTypes([...kernel.iopubFor(info), infoIdle])).toEqual(['status:busy', 'status:idle']);

    const interrupt = kernel.send('control', 'interrupt_request', {});
    expect((await kernel.reply('control', interrupt, 2000)).content).toEqual({ status: 'ok' });
    const stopped = await kernel.reply('shell', loop, 10_000);
    expect(stopped.content).toMatchObject({ status: 'error', ename: 'Interrupted' });

    const after = await kernel.execute('state.n');
    expect(after.reply.content).toMatchObject({ status: 'ok' });
    expect(after.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': '1' });
  });

  it('K5: an interrupt stops a pending await (one minute) and keeps the state', async () => {
    await kernel.execute('var state = { n: 1 };');
    const waiting = kernel.send('shell', 'execute_request', { code: 'await new Promise(r => setTimeout(r, 60_000));', stop_on_error: false });
    await sleep(1000);
    kernel.send('control', 'interrupt_request', {});
    const stopped = await kernel.reply('shell', waiting, 5000);
    expect(stopped.content).toMatchObject({ status: 'error', ename: 'Interrupted' });
    const after = await kernel.execute('state.n');
    expect(after.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': '1' });
  });

  it('a real SIGINT (interrupt_mode signal clients) stops a tight loop too', async () => {
    const loop = kernel.send('shell', 'execute_request', { code: 'while (true) {}', stop_on_error: false });
    await sleep(500);
    kernel.kernel.process.kill('SIGINT');
    const stopped = await kernel.reply('shell', loop, 5000);
    expect(stopped.content).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect(kernel.kernel.hasExited()).toBe(false);
  });

  it('a real SIGINT stops a pending await too, and the state survives', async () => {
    await kernel.execute('var kept = "state";');
    const waiting = kernel.send('shell', 'execute_request', { code: 'await new Promise(r => setTimeout(r, 60_000));', stop_on_error: false });
    await sleep(500);
    kernel.kernel.process.kill('SIGINT');
    expect((await kernel.reply('shell', waiting, 5000)).content).toMatchObject({ status: 'error', ename: 'Interrupted' });
    const after = await kernel.execute('kept');
    expect(after.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': "'state'" });
  });

  it('drops a message with a forged or a missing signature, logs why, and keeps serving', async () => {
    const forged = kernel.send('shell', 'execute_request', { code: 'globalThis.hacked = true' }, { signer: createSigner('hmac-sha256', 'guessed-key') });
    const unsigned = kernel.send('shell', 'execute_request', { code: 'globalThis.hacked = true' }, { signer: createSigner('hmac-sha256', '') });
    await expect(kernel.reply('shell', forged, 1000)).rejects.toThrow(/timed out/);
    await expect(kernel.reply('shell', unsigned, 200)).rejects.toThrow(/timed out/);
    expect(kernel.kernel.stderr.join('')).toMatch(/dropped a shell message: bad signature/);
    expect(kernel.kernel.stderr.join('')).toMatch(/dropped a shell message: missing signature/);
    const check = await kernel.execute('typeof globalThis.hacked');
    expect(check.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': "'undefined'" });
  });

  it('stop_on_error: the requests queued behind a failing cell are answered aborted; the next one runs', async () => {
    const failing = kernel.send('shell', 'execute_request', { code: 'await new Promise(r => setTimeout(r, 300)); throw new Error("first fails")', stop_on_error: true });
    const queued = [kernel.send('shell', 'execute_request', { code: '"second"' }), kernel.send('shell', 'execute_request', { code: '"third"' })];
    expect((await kernel.reply('shell', failing)).content).toMatchObject({ status: 'error', evalue: expect.stringContaining('first fails') });
    for (const id of queued) {
      expect((await kernel.reply('shell', id)).content.status).toBe('aborted');
      await kernel.waitForIdle(id);
    }
    const next = await kernel.execute('"fourth"');
    expect(next.reply.content.status).toBe('ok');
  });

  it('K3: lines a cell prints after it finished keep its parent and never land in the next cell', async () => {
    const a = kernel.send('shell', 'execute_request', {
      code: 'setTimeout(() => console.log("A: late line"), 300);\nPromise.resolve().then(() => new Promise(r => setTimeout(r, 100))).then(() => console.log("A: then"));\n"A done";',
    });
    const b = kernel.send('shell', 'execute_request', { code: 'console.log("B");' });
    await kernel.reply('shell', a);
    await kernel.reply('shell', b);
    await kernel.waitForIdle(b);
    await sleep(600);
    expect(streamText(kernel.iopubFor(b))).toBe('B\n');
    expect(streamText(kernel.iopubFor(a))).toContain('A: late line\n');
    expect(streamText(kernel.iopubFor(a))).toContain('A: then\n');
  });

  it('P1: completion after CJK text and an emoji counts cursor_pos in code points; 0 is the start', async () => {
    const code = 'const 名称 = 1; // 😀\n名';
    await kernel.execute('1');
    const atEnd = kernel.send('shell', 'complete_request', { code, cursor_pos: 20 });
    const reply = await kernel.reply('shell', atEnd);
    expect(reply.content).toMatchObject({ status: 'ok', cursor_start: 19, cursor_end: 20 });
    expect(reply.content.matches).toContain('名称');
    const atStart = kernel.send('shell', 'complete_request', { code, cursor_pos: 0 });
    expect((await kernel.reply('shell', atStart)).content).toMatchObject({ status: 'ok', cursor_start: 0, cursor_end: 0 });
    const inspect = kernel.send('shell', 'inspect_request', { code, cursor_pos: 20, detail_level: 0 });
    expect((await kernel.reply('shell', inspect)).content.status).toBe('ok');
  });

  it('P6: is_complete on multi-line TypeScript', async () => {
    const replies: { status: string; indent?: string }[] = [];
    for (const code of ['function f(x: number) {\n  return x * 2;', 'const s = `line1\n', 'const a = ;', 'interface P { x: number }', 'const t = "数据']) {
      const id = kernel.send('shell', 'is_complete_request', { code });
      replies.push((await kernel.reply('shell', id)).content as { status: string; indent?: string });
    }
    expect(replies.map((r) => r.status)).toEqual(['incomplete', 'incomplete', 'invalid', 'complete', 'invalid']);
    expect(replies[0].indent).toBe('  ');
    const incomplete = await kernel.execute('function f(x: number) {\n  return x * 2;');
    expect(incomplete.reply.content).toMatchObject({ status: 'error', ename: 'SyntaxError' });
  });

  it('P2: silent setup shows only busy/idle and does not count; store_history:false shows output without counting', async () => {
    const before = (await kernel.execute('0', { content: { silent: false, store_history: false } })).reply.content.execution_count as number;
    const silent = await kernel.execute("globalThis.__setup = 1; console.log('setup')", { content: { silent: true, store_history: true } });
    expect(msgTypes(silent.iopub)).toEqual(['status:busy', 'status:idle']);
    const unstored = await kernel.execute("console.log('hi'); 2+2", { content: { store_history: false } });
    expect(streamText(unstored.iopub)).toBe('hi\n');
    expect(unstored.reply.content.execution_count).toBe(before);
    const minimalId = kernel.send('shell', 'execute_request', { code: '', silent: true });
    expect((await kernel.reply('shell', minimalId)).content).toMatchObject({ status: 'ok', execution_count: before });
    const counted = await kernel.execute('globalThis.__setup');
    expect(counted.reply.content.execution_count).toBe(before + 1);
  });

  it('the flow session, loaded on first use, serves both %flow magics and the flow object of code cells', async () => {
    const magic = await kernel.execute('%flow');
    expect(magic.reply.content.status).toBe('ok');
    expect(magic.iopub.some((m) => m.header.msg_type === 'display_data' && 'application/vnd.flowbook.dag+json' in (m.content.data as object))).toBe(true);
    const code = await kernel.execute('typeof flow.table');
    expect(code.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': "'function'" });
  });

  it('stdin: await input() asks the frontend and gets its answer', async () => {
    const id = kernel.send('shell', 'execute_request', { code: 'const answer = await input("name? ");\nanswer.toUpperCase()', allow_stdin: true });
    const asked = await inputRequest(kernel);
    expect(asked.content).toMatchObject({ prompt: 'name? ', password: false });
    expect(asked.parent_header).toMatchObject({ msg_id: id });
    kernel.send('stdin', 'input_reply', { value: 'ada' }, { parent: asked.header });
    expect((await kernel.reply('shell', id)).content.status).toBe('ok');
    await kernel.waitForIdle(id);
    expect(kernel.iopubFor(id).find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': "'ADA'" });
  });
});

describe('shutting down', () => {
  it('shutdown_request on control is answered and the process ends cleanly, even while a cell spins', async () => {
    const kernel = await startTestKernel();
    kernel.send('shell', 'execute_request', { code: 'while (true) {}' });
    await sleep(300);
    const id = kernel.send('control', 'shutdown_request', { restart: true });
    expect((await kernel.reply('control', id, 2000)).content).toEqual({ status: 'ok', restart: true });
    // Exit code 0: the loop was stopped and the kernel shut down, rather than being killed after a grace period.
    expect(await kernel.kernel.exited).toBe(0);
    await kernel.close();
  });

  it('shutdown_request without restart is answered with restart false and the process ends', async () => {
    const kernel = await startTestKernel();
    const id = kernel.send('control', 'shutdown_request', { restart: false });
    expect((await kernel.reply('control', id, 2000)).content).toEqual({ status: 'ok', restart: false });
    expect(await kernel.kernel.exited).toBe(0);
    await kernel.close();
  });
});
