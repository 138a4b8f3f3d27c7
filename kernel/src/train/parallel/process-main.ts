/**
 * The entry point of a cluster process (parameter server or worker), started by a Launcher. It finds
 * its chief through the environment, says hello, sends a heartbeat every second, and ends itself when
 * the process that launched it is gone, so no cluster process outlives its job.
 */
import { ChiefLink, HEARTBEAT_MS } from './chief-link';
import type { ClusterRole } from './launcher';
import { runParameterServer } from './parameter-server';
import { runWorker } from './worker';

const PARENT_CHECK_MS = 500;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: this file is started by Flowbook's training cluster, not by hand`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const role = required('FLOWBOOK_CLUSTER_ROLE') as ClusterRole;
  const index = Number(required('FLOWBOOK_CLUSTER_INDEX'));
  const link = new ChiefLink(role, index, required('FLOWBOOK_CLUSTER_CHIEF'));
  const parent = Number(process.env.FLOWBOOK_PARENT_PID ?? process.ppid);
  setInterval(() => void link.send({ type: 'heartbeat' }), HEARTBEAT_MS).unref();
  setInterval(() => {
    if (process.ppid !== parent) process.exit(3);
  }, PARENT_CHECK_MS).unref();
  try {
    if (role === 'ps') await runParameterServer(link);
    else await runWorker(link);
    await link.close();
    process.exit(0);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(message);
    await link.send({ type: 'failed', message });
    await link.close();
    process.exit(1);
  }
}

void main();
