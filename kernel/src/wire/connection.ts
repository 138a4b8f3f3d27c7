import { readFileSync } from 'node:fs';

/** The sockets a kernel binds, as named in a Jupyter connection file. */
export type SocketName = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  ports: Record<SocketName, number>;
  key: string;
  signatureScheme: string;
}

const PORT_FIELDS: Record<SocketName, string> = {
  shell: 'shell_port',
  control: 'control_port',
  iopub: 'iopub_port',
  stdin: 'stdin_port',
  hb: 'hb_port',
};

export function readConnectionFile(path: string): ConnectionInfo {
  return parseConnectionInfo(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
}

export function parseConnectionInfo(raw: Record<string, unknown>): ConnectionInfo {
  const transport = raw.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') {
    throw new Error(`connection file: unsupported transport ${JSON.stringify(transport)} (tcp or ipc)`);
  }
  const ip = typeof raw.ip === 'string' && raw.ip !== '' ? raw.ip : '127.0.0.1';
  const ports = {} as Record<SocketName, number>;
  for (const [name, field] of Object.entries(PORT_FIELDS) as [SocketName, string][]) {
    const port = raw[field];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0) {
      throw new Error(`connection file: ${field} must be a port number, got ${JSON.stringify(port)}`);
    }
    ports[name] = port;
  }
  const key = typeof raw.key === 'string' ? raw.key : '';
  const signatureScheme = typeof raw.signature_scheme === 'string' ? raw.signature_scheme : 'hmac-sha256';
  return { transport, ip, ports, key, signatureScheme };
}

/** The ZeroMQ endpoint of one socket: tcp://ip:port, or ipc://ip-port as jupyter_client names ipc files. */
export function endpoint(info: ConnectionInfo, socket: SocketName): string {
  const port = info.ports[socket];
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
