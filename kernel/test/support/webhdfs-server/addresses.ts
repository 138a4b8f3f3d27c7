import { createServer } from 'node:net';

/** A `127.0.0.1:PORT` nothing listens on: a NameNode that is down, or a mistyped port. */
export async function closedAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `127.0.0.1:${port}`;
}
