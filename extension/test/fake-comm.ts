import type { ExtensionRequest, GraphSnapshot, KernelMessage } from '@flowbook/protocol';
import { ICommChannel } from '../src/comm/connection';

/** A comm with a scripted kernel on the other side: tests read what was sent and push replies. */
export class FakeComm implements ICommChannel {
  readonly sent: ExtensionRequest[] = [];
  closedByExtension = false;
  private _onMessage: (data: unknown) => void = () => undefined;
  private _onClose: () => void = () => undefined;

  send(data: ExtensionRequest): void {
    this.sent.push(data);
  }
  onMessage(handler: (data: unknown) => void): void {
    this._onMessage = handler;
  }
  onClose(handler: () => void): void {
    this._onClose = handler;
  }
  close(): void {
    this.closedByExtension = true;
  }

  /** The kernel sends a message. */
  push(message: KernelMessage | Record<string, unknown>): void {
    this._onMessage(message);
  }
  /** The kernel closes the comm (restart, shutdown). */
  closeFromKernel(): void {
    this._onClose();
  }
  last(): ExtensionRequest {
    return this.sent[this.sent.length - 1];
  }
}

export const IRIS_FLOW: GraphSnapshot = {
  nodes: [
    { id: 'iris', kind: 'source', status: 'done', rows: 150, cellId: 'c1' },
    { id: 'parts', kind: 'split', status: 'done', rows: 150, cellId: 'c2' },
    { id: 'species', kind: 'dnn_classifier', status: 'stale', cellId: 'c3' },
    { id: 'scored', kind: 'predict', status: 'stale', cellId: 'c4' }
  ],
  edges: [
    { from: 'iris', to: 'parts' },
    { from: 'parts', fromPort: 'train', to: 'species' },
    { from: 'species', to: 'scored', toPort: 'model' },
    { from: 'parts', fromPort: 'test', to: 'scored' }
  ]
};

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0));
}
