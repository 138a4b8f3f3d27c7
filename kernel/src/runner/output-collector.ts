import type { Message, MimeBundle, JsonObject } from '../core/messages';
import type { Output } from './notebook';

/**
 * Turns a cell's iopub messages into nbformat outputs the way a frontend does: consecutive stream text
 * merges, `clear_output(wait)` clears on the next output, and `update_display_data` rewrites every
 * output that shows its display_id — in this cell or an earlier one (`displays` is shared).
 */
export class OutputCollector {
  readonly outputs: Output[] = [];
  private clearPending = false;

  constructor(private readonly displays: Map<string, Output[]>) {}

  add(message: Message): void {
    const content = message.content;
    switch (message.header.msg_type) {
      case 'stream':
        this.beforeOutput();
        this.appendStream(content.name === 'stderr' ? 'stderr' : 'stdout', String(content.text ?? ''));
        break;
      case 'display_data':
      case 'execute_result': {
        this.beforeOutput();
        const data = (content.data ?? {}) as MimeBundle;
        const metadata = (content.metadata ?? {}) as JsonObject;
        const output: Output = message.header.msg_type === 'display_data'
          ? { output_type: 'display_data', data, metadata }
          : { output_type: 'execute_result', execution_count: (content.execution_count as number) ?? null, data, metadata };
        this.outputs.push(output);
        const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
        if (displayId) this.displays.set(displayId, [...(this.displays.get(displayId) ?? []), output]);
        break;
      }
      case 'update_display_data': {
        const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
        for (const output of (displayId && this.displays.get(displayId)) || []) {
          if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
            output.data = (content.data ?? {}) as MimeBundle;
            output.metadata = (content.metadata ?? {}) as JsonObject;
          }
        }
        break;
      }
      case 'error':
        this.beforeOutput();
        this.outputs.push({
          output_type: 'error',
          ename: String(content.ename ?? 'Error'),
          evalue: String(content.evalue ?? ''),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
        break;
      case 'clear_output':
        if (content.wait) this.clearPending = true;
        else this.clear();
        break;
    }
  }

  private beforeOutput(): void {
    if (this.clearPending) this.clear();
  }

  private clear(): void {
    this.clearPending = false;
    this.outputs.length = 0;
  }

  private appendStream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text += text;
    else this.outputs.push({ output_type: 'stream', name, text });
  }
}
