import { Session, errorOf } from './session-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('session options and lifetime', () => {
  it('puts options.globals in every cell, typed by options.globalTypes for checking and completion', async () => {
    const session = new Session({
      globals: { station: { name: 'Beijing', readings: [3, 4] } },
      globalTypes: 'interface Station { name: string; readings: number[] }\n/** The station this notebook studies. */\ndeclare const station: Station;',
    });
    try {
      expect(await session.value('station.readings.length')).toBe('2');
      expect(errorOf((await session.run('station.height')).outcome).evalue).toBe("line 1: Property 'height' does not exist on type 'Station'. (TS2339)");
      expect((await session.interpreter.complete('stat', 4)).matches).toContain('station');
      expect((await session.interpreter.inspect('station', 7, 0)).data['text/plain']).toBe('const station: Station\n\nThe station this notebook studies.');
    } finally {
      await session.shutdown();
    }
  });

  it('shutdown stops the timers cells left running', async () => {
    let ticks = 0;
    const session = new Session({ globals: { tick: () => ticks++ }, globalTypes: 'declare function tick(): void;' });
    await session.run('setInterval(() => tick(), 5);');
    await sleep(30);
    await session.shutdown();
    const atShutdown = ticks;
    await sleep(40);
    expect(atShutdown).toBeGreaterThan(0);
    expect(ticks).toBe(atShutdown);
  });
});
