import type { Message } from '../../src/core/messages';
import type { Output } from '../../src/runner/notebook';
import { OutputCollector } from '../../src/runner/output-collector';

function iopub(msgType: string, content: Record<string, unknown>): Message {
  return {
    identities: [],
    header: { msg_id: 'm', session: 's', username: 'u', date: '', msg_type: msgType, version: '5.3' },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

describe('collecting a cell\'s outputs as a frontend does', () => {
  it('merges consecutive text of one stream and keeps stdout and stderr apart', () => {
    const collector = new OutputCollector(new Map());
    collector.add(iopub('stream', { name: 'stdout', text: 'a\n' }));
    collector.add(iopub('stream', { name: 'stdout', text: 'b\n' }));
    collector.add(iopub('stream', { name: 'stderr', text: 'warn\n' }));
    expect(collector.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
    ]);
  });

  it('rewrites a display in place on update_display_data, also one shown by an earlier cell', () => {
    const displays = new Map<string, Output[]>();
    const first = new OutputCollector(displays);
    first.add(iopub('display_data', { data: { 'text/plain': 'epoch 1' }, metadata: {}, transient: { display_id: 'job-1' } }));
    const later = new OutputCollector(displays);
    later.add(iopub('update_display_data', { data: { 'text/plain': 'epoch 9' }, metadata: {}, transient: { display_id: 'job-1' } }));
    expect(first.outputs).toEqual([{ output_type: 'display_data', data: { 'text/plain': 'epoch 9' }, metadata: {} }]);
    expect(later.outputs).toEqual([]);
  });

  it('clear_output with wait clears only when the next output arrives', () => {
    const collector = new OutputCollector(new Map());
    collector.add(iopub('stream', { name: 'stdout', text: 'old' }));
    collector.add(iopub('clear_output', { wait: true }));
    expect(collector.outputs).toHaveLength(1);
    collector.add(iopub('stream', { name: 'stdout', text: 'new' }));
    expect(collector.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'new' }]);
  });

  it('keeps results and errors with their fields', () => {
    const collector = new OutputCollector(new Map());
    collector.add(iopub('execute_result', { execution_count: 3, data: { 'text/plain': '4' }, metadata: {} }));
    collector.add(iopub('error', { ename: 'TypeError', evalue: 'x is not a function', traceback: ['at line 1'] }));
    expect(collector.outputs).toEqual([
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '4' }, metadata: {} },
      { output_type: 'error', ename: 'TypeError', evalue: 'x is not a function', traceback: ['at line 1'] },
    ]);
  });
});
