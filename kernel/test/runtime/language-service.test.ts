import { Session } from './session-harness';

describe('completion, inspection and completeness', () => {
  let session: Session;
  beforeAll(() => {
    session = new Session();
  });
  afterAll(() => session.shutdown());

  const code = 'const 名称 = 1; // 😀\n名';

  it('P1: cursor_pos counts code points: completion after CJK text and an emoji', async () => {
    expect([...code]).toHaveLength(20);
    expect(code).toHaveLength(21);
    const completion = await session.interpreter.complete(code, 20);
    expect(completion.matches).toContain('名称');
    expect(completion.cursorStart).toBe(19);
    expect(completion.cursorEnd).toBe(20);
  });

  it('P1: cursor_pos 0 is the start of the cell, and nothing crashes', async () => {
    const atStart = await session.interpreter.complete(code, 0);
    expect(atStart.cursorStart).toBe(0);
    expect(atStart.cursorEnd).toBe(0);
    const beyond = await session.interpreter.complete(code, 999);
    expect(beyond.cursorEnd).toBe(20);
    expect(await session.interpreter.inspect(code, 20, 0)).toMatchObject({ found: false });
    const inspection = await session.interpreter.inspect(code, 8, 0);
    expect(inspection.found).toBe(true);
    expect(inspection.data['text/plain']).toBe('const 名称: 1');
  });

  it('completes members with types from earlier cells', async () => {
    await session.run('class Meter {\n  /** Reads the current value. */\n  reading(): number { return 3; }\n}\nconst meter = new Meter();');
    const completion = await session.interpreter.complete('meter.rea', 9);
    expect(completion.matches).toEqual(['reading']);
    expect(completion.cursorStart).toBe(6);
    const inspection = await session.interpreter.inspect('meter.reading()', 10, 0);
    expect(inspection.data['text/plain']).toBe('(method) Meter.reading(): number\n\nReads the current value.');
    expect(inspection.data['text/markdown']).toContain('```typescript\n(method) Meter.reading(): number\n```');
  });

  it('P6: is_complete tells incomplete, invalid and complete code apart', async () => {
    expect(await session.interpreter.isComplete('function f(x: number) {\n  return x * 2;')).toEqual({ status: 'incomplete', indent: '  ' });
    expect(await session.interpreter.isComplete('const s = `line1\n')).toMatchObject({ status: 'incomplete' });
    expect(await session.interpreter.isComplete('const a = ;')).toEqual({ status: 'invalid' });
    expect(await session.interpreter.isComplete('interface P { x: number }')).toEqual({ status: 'complete' });
    expect(await session.interpreter.isComplete('const t = "数据')).toEqual({ status: 'invalid' });
    expect(await session.interpreter.isComplete('if (ok) {')).toEqual({ status: 'incomplete', indent: '  ' });
  });

  it('completes in the body of a %%js or magic cell, and judges only a %%js body for completeness', async () => {
    const completion = await session.interpreter.complete('%%js\nmeter.rea', 14);
    expect(completion).toMatchObject({ matches: ['reading'], cursorStart: 11, cursorEnd: 14 });
    expect(await session.interpreter.isComplete('%%js\nif (x) {')).toEqual({ status: 'incomplete', indent: '  ' });
    expect(await session.interpreter.isComplete('%%sql clean --from cars\nSELECT *')).toEqual({ status: 'complete' });
  });

  it('answers `Math.max?` with a page payload holding the inspection', async () => {
    const { outcome } = await session.run('Math.max?');
    expect(outcome.status).toBe('ok');
    const payload = outcome.status === 'ok' ? outcome.payload : undefined;
    expect(payload).toHaveLength(1);
    expect(payload![0]).toMatchObject({ source: 'page', start: 0 });
    expect((payload![0]!.data as Record<string, string>)['text/plain']).toMatch(/^\(method\) Math\.max\(\.\.\.values: number\[\]\): number/);
    const prefix = await session.run('?meter');
    expect(prefix.outcome.status === 'ok' && (prefix.outcome.payload![0]!.data as Record<string, string>)['text/plain']).toBe('const meter: Meter');
  });
});
