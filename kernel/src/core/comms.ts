import { randomUUID } from 'node:crypto';
import type { JsonObject, Message, MessageHeader } from './messages';
import type { Messenger } from './messenger';

export type CommMessageHandler = (data: JsonObject, message: Message) => void;

/** One end of a comm, on the kernel side; other layers (flow, magics) talk to the frontend through it. */
export class Comm {
  private readonly messageHandlers: CommMessageHandler[] = [];
  private readonly closeHandlers: CommMessageHandler[] = [];
  private closed = false;

  constructor(
    readonly id: string,
    readonly targetName: string,
    private readonly messenger: Messenger,
    /** Messages this comm sends go with this parent, so the frontend routes them to their cause. */
    private parent: MessageHeader | Record<string, never>,
    private readonly onClosed: (comm: Comm) => void,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  send(data: JsonObject, metadata: JsonObject = {}, buffers: Uint8Array[] = []): void {
    if (this.closed) return;
    this.messenger.publish(this.parent, 'comm_msg', { comm_id: this.id, data }, { metadata, buffers });
  }

  close(data: JsonObject = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.messenger.publish(this.parent, 'comm_close', { comm_id: this.id, data });
    this.onClosed(this);
  }

  onMessage(handler: CommMessageHandler): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: CommMessageHandler): void {
    this.closeHandlers.push(handler);
  }

  /** A comm_msg from the frontend; later sends answer under its header. */
  receive(data: JsonObject, message: Message): void {
    this.parent = message.header;
    for (const handler of this.messageHandlers) handler(data, message);
  }

  /** The frontend closed the comm. */
  closedByFrontend(data: JsonObject, message: Message): void {
    if (this.closed) return;
    this.closed = true;
    for (const handler of this.closeHandlers) handler(data, message);
    this.onClosed(this);
  }
}

/** Called when the frontend opens a comm to a registered target. */
export type CommTargetHandler = (comm: Comm, data: JsonObject, message: Message) => void;

/** The kernel's comms and the targets the frontend may open them to. */
export class CommManager {
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly comms = new Map<string, Comm>();

  constructor(private readonly messenger: Messenger) {}

  registerTarget(name: string, handler: CommTargetHandler): void {
    this.targets.set(name, handler);
  }

  unregisterTarget(name: string): void {
    this.targets.delete(name);
  }

  /** Opens a comm from the kernel side (published on iopub with `parent`). */
  open(targetName: string, data: JsonObject = {}, parent: MessageHeader | Record<string, never> = {}): Comm {
    const comm = this.track(randomUUID(), targetName, parent);
    this.messenger.publish(parent, 'comm_open', { comm_id: comm.id, target_name: targetName, data });
    return comm;
  }

  /** comm_open from the frontend: an unknown target is answered with comm_close, as ipykernel does. */
  handleOpen(message: Message): void {
    const { comm_id: id, target_name: target, data } = message.content as { comm_id?: unknown; target_name?: unknown; data?: unknown };
    if (typeof id !== 'string' || typeof target !== 'string') return;
    const handler = this.targets.get(target);
    if (!handler) {
      this.messenger.publish(message.header, 'comm_close', { comm_id: id, data: {} });
      return;
    }
    const comm = this.track(id, target, message.header);
    handler(comm, asObject(data), message);
  }

  handleMessage(message: Message): void {
    const { comm_id: id, data } = message.content as { comm_id?: unknown; data?: unknown };
    if (typeof id === 'string') this.comms.get(id)?.receive(asObject(data), message);
  }

  handleClose(message: Message): void {
    const { comm_id: id, data } = message.content as { comm_id?: unknown; data?: unknown };
    if (typeof id === 'string') this.comms.get(id)?.closedByFrontend(asObject(data), message);
  }

  /** comm_info: the open comms, optionally only those of one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const result: Record<string, { target_name: string }> = {};
    for (const comm of this.comms.values()) {
      if (targetName === undefined || comm.targetName === targetName) result[comm.id] = { target_name: comm.targetName };
    }
    return result;
  }

  private track(id: string, targetName: string, parent: MessageHeader | Record<string, never>): Comm {
    const comm = new Comm(id, targetName, this.messenger, parent, (closed) => this.comms.delete(closed.id));
    this.comms.set(id, comm);
    return comm;
  }
}

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}
