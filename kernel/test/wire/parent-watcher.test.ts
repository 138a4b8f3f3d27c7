import { jupyterParentPid, watchParent } from '../../src/wire/parent-watcher';
import type { ProcessProbe } from '../../src/wire/parent-watcher';

/** A system whose parent pid and live processes the test sets. */
function fakeProbe(ppid: number, alive: number[]): ProcessProbe & { ppidNow: number; alive: Set<number> } {
  const probe = {
    ppidNow: ppid,
    alive: new Set(alive),
    ppid: () => probe.ppidNow,
    isAlive: (pid: number) => probe.alive.has(pid),
  };
  return probe;
}

describe('jupyterParentPid', () => {
  it('reads JPY_PARENT_PID, and takes neither garbage nor init (pid 1) for a parent', () => {
    expect(jupyterParentPid({ JPY_PARENT_PID: '4242' })).toBe(4242);
    expect(jupyterParentPid({ JPY_PARENT_PID: ' 4242\n' })).toBe(4242);
    expect(jupyterParentPid({})).toBeUndefined();
    expect(jupyterParentPid({ JPY_PARENT_PID: '1' })).toBeUndefined();
    expect(jupyterParentPid({ JPY_PARENT_PID: 'abc' })).toBeUndefined();
  });
});

describe('watchParent', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('JPY_PARENT_PID: calls back once, within a poll, after that process exits', () => {
    const probe = fakeProbe(100, [100, 200]);
    const orphaned = jest.fn();
    watchParent(orphaned, { parentPid: 200, probe, intervalMs: 500 });
    jest.advanceTimersByTime(2000);
    expect(orphaned).not.toHaveBeenCalled();
    probe.alive.delete(200);
    jest.advanceTimersByTime(500);
    expect(orphaned).toHaveBeenCalledTimes(1);
    expect(orphaned.mock.calls[0][0]).toMatch(/200 \(JPY_PARENT_PID\) has exited/);
    jest.advanceTimersByTime(5000);
    expect(orphaned).toHaveBeenCalledTimes(1);
  });

  it('JPY_PARENT_PID naming the direct parent: being reparented counts, even while the old pid lingers as a process', () => {
    const probe = fakeProbe(300, [300]);
    const orphaned = jest.fn();
    watchParent(orphaned, { parentPid: 300, probe, intervalMs: 500 });
    probe.ppidNow = 1;
    jest.advanceTimersByTime(500);
    expect(orphaned).toHaveBeenCalledWith(expect.stringMatching(/300 has exited \(now parented by 1\)/));
  });

  it('JPY_PARENT_PID naming another process (a launcher in between): a new direct parent alone changes nothing', () => {
    const probe = fakeProbe(300, [200]);
    const orphaned = jest.fn();
    watchParent(orphaned, { parentPid: 200, probe, intervalMs: 500 });
    probe.ppidNow = 1;
    jest.advanceTimersByTime(3000);
    expect(orphaned).not.toHaveBeenCalled();
  });

  it('no JPY_PARENT_PID: goes by the parent pid it started with', () => {
    const probe = fakeProbe(400, []);
    const orphaned = jest.fn();
    watchParent(orphaned, { parentPid: undefined, probe, intervalMs: 500 });
    jest.advanceTimersByTime(3000);
    expect(orphaned).not.toHaveBeenCalled();
    probe.ppidNow = 77;
    jest.advanceTimersByTime(500);
    expect(orphaned).toHaveBeenCalledTimes(1);
  });

  it('no JPY_PARENT_PID and started by init: never orphaned', () => {
    const probe = fakeProbe(1, []);
    const orphaned = jest.fn();
    watchParent(orphaned, { parentPid: undefined, probe, intervalMs: 500 });
    probe.ppidNow = 5;
    jest.advanceTimersByTime(5000);
    expect(orphaned).not.toHaveBeenCalled();
  });

  it('stops when asked', () => {
    const probe = fakeProbe(100, [200]);
    const orphaned = jest.fn();
    const stop = watchParent(orphaned, { parentPid: 200, probe, intervalMs: 500 });
    stop();
    probe.alive.delete(200);
    jest.advanceTimersByTime(5000);
    expect(orphaned).not.toHaveBeenCalled();
  });
});
