import { endpoint, parseConnectionInfo } from '../../src/wire/connection';

const FILE = {
  shell_port: 5001, iopub_port: 5002, stdin_port: 5003, control_port: 5004, hb_port: 5005,
  ip: '127.0.0.1', key: 'secret', transport: 'tcp', signature_scheme: 'hmac-sha256', kernel_name: 'flowbook',
};

describe('connection file', () => {
  it('reads transport, ip, the five ports, key and signature scheme', () => {
    const info = parseConnectionInfo(FILE);
    expect(info).toEqual({
      transport: 'tcp', ip: '127.0.0.1', key: 'secret', signatureScheme: 'hmac-sha256',
      ports: { shell: 5001, iopub: 5002, stdin: 5003, control: 5004, hb: 5005 },
    });
    expect(endpoint(info, 'hb')).toBe('tcp://127.0.0.1:5005');
  });

  it('names ipc endpoints the way jupyter_client does: <ip>-<port>', () => {
    const info = parseConnectionInfo({ ...FILE, transport: 'ipc', ip: '/tmp/kernel-1' });
    expect(endpoint(info, 'shell')).toBe('ipc:///tmp/kernel-1-5001');
  });

  it('refuses a missing port or an unknown transport with the field named', () => {
    const { hb_port: _dropped, ...noHeartbeat } = FILE;
    expect(() => parseConnectionInfo(noHeartbeat)).toThrow(/hb_port/);
    expect(() => parseConnectionInfo({ ...FILE, transport: 'udp' })).toThrow(/transport/);
  });
});
