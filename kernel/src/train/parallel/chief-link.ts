import * as zmq from 'zeromq';
import { SerialSender } from '../../zmq/serial-sender';
import type { ClusterRole } from './launcher';
import { decodePacket, encodePacket, processName, type FromChief, type Packet, type ToChief } from './protocol';

/** How often a cluster process tells its chief it is alive. */
export const HEARTBEAT_MS = 1000;

/** A cluster process's line to its chief. */
export class ChiefLink {
  private readonly socket: zmq.Dealer;
  private readonly sender: SerialSender;

  constructor(readonly role: ClusterRole, readonly index: number, endpoint: string) {
    this.socket = new zmq.Dealer({ routingId: processName(role, index), linger: 1000 });
    this.socket.connect(endpoint);
    this.sender = new SerialSender(this.socket, (e) => console.error(`cannot reach the chief: ${e.message}`));
  }

  send(message: ToChief, arrays: readonly Float32Array[] = []): Promise<void> {
    return this.sender.send(encodePacket(message, arrays));
  }

  async receive(): Promise<Packet<FromChief>> {
    return decodePacket<FromChief>(await this.socket.receive());
  }

  async close(): Promise<void> {
    await this.sender.flushed();
    this.socket.close();
  }
}

