import type { ExtensionRequest, HelloMessage } from '@flowbook/protocol';
import { Kernel } from '@jupyterlab/services';
import { JSONObject } from '@lumino/coreutils';
import { COMM_TARGET, PROTOCOL_VERSION } from '../mime-types';
import { FlowbookConnection, ICommChannel } from './connection';

/**
 * Opens the `flowbook` comm on a kernel. A kernel without that target closes the comm at once
 * (ipykernel does), which the panel reads as "not a Flowbook kernel".
 */
export function openFlowbookComm(kernel: Kernel.IKernelConnection): FlowbookConnection {
  const comm = kernel.createComm(COMM_TARGET);
  const channel: ICommChannel = {
    send: (data: ExtensionRequest) => {
      comm.send(data as unknown as JSONObject);
    },
    onMessage: handler => {
      comm.onMsg = msg => handler(msg.content.data);
    },
    onClose: handler => {
      comm.onClose = () => handler();
    },
    close: () => {
      if (!comm.isDisposed) {
        comm.close();
      }
    }
  };
  const connection = new FlowbookConnection(channel, `${kernel.id.slice(0, 8)}`);
  const hello: HelloMessage = { type: 'hello', protocol: PROTOCOL_VERSION };
  comm.open(hello as unknown as JSONObject);
  return connection;
}
