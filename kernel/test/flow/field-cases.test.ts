import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { runCell, text } from './cells';
import { temporaryFolder } from './helpers';

/** The flow-level side of the CSV field cases: what a %%source cell shows, and what reaches the next node. */
function notebookWith(file: string, bytes: Uint8Array | string): ReturnType<typeof createFlowSession> {
  const dir = temporaryFolder();
  writeFileSync(join(dir, file), bytes);
  return createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
}

async function rowsOf(session: ReturnType<typeof createFlowSession>, id: string): Promise<Record<string, unknown>[]> {
  return (await session.globals.flow.table(id)).toArray().map((r) => r.toJSON());
}

describe('CSV field cases through the flow', () => {
  it('C1: a GBK CSV with Chinese headers loads with its names, and SQL downstream sees 1200 as a number', async () => {
    const gbk = Uint8Array.from([0xb3, 0xc7, 0xca, 0xd0, 0x2c, 0xcf, 0xfa, 0xca, 0xdb, 0xb6, 0xee, 0x0d, 0x0a, 0xb1, 0xb1, 0xbe, 0xa9, 0x2c, 0x31, 0x32, 0x30, 0x30, 0x0d, 0x0a]);
    const s = notebookWith('sales.csv', gbk);
    const source = await runCell(s, '%%source sales\nsales.csv');
    expect(source.outcome).toEqual({ status: 'ok' });
    expect(text(source)).toContain('城市');
    expect(text(source)).not.toContain('\uFFFD');
    await runCell(s, '%%sql doubled --from sales\nSELECT 城市, 销售额 * 2 AS twice FROM sales');
    expect(await rowsOf(s, 'doubled')).toEqual([{ 城市: '北京', twice: 2400 }]);
  });

  it('C3: BOM, CRLF and quoted newlines, commas and quotes arrive intact in the next node', async () => {
    const s = notebookWith('notes.csv', '\uFEFF"id","备注"\r\n1,"第一行\n第二行"\r\n2,"a,b"\r\n3,"say ""hi"""\r\n');
    await runCell(s, '%%source notes\nnotes.csv');
    await runCell(s, '%%node texts --from notes\nnotes.toArray().map((r) => ({ id: r.id, note: r["备注"] }))');
    expect(await rowsOf(s, 'texts')).toEqual([
      { id: 1, note: '第一行\n第二行' },
      { id: 2, note: 'a,b' },
      { id: 3, note: 'say "hi"' },
    ]);
  });

  it('C4: codes keep their leading zeros and missing tokens become nulls, rows in = rows out', async () => {
    const lines = ['code,flag,temp'];
    for (let i = 0; i < 2000; i++) lines.push(`${String(1000 + i).padStart(5, '0')},${i % 2 === 0},${i % 3 === 0 ? '' : (20 + i / 100).toFixed(2)}`);
    lines.push('2A001,NA,null');
    const s = notebookWith('codes.csv', `${lines.join('\n')}\n`);
    await runCell(s, '%%source codes\ncodes.csv');
    await runCell(s, "%%sql summary --from codes\nSELECT count(*) AS n, count(temp) AS temps, min(code) AS first, max(code) AS last FROM codes");
    expect(await rowsOf(s, 'summary')).toEqual([{ n: 2001, temps: 1333, first: '01000', last: '2A001' }]);
  });

  it('C5: duplicate and empty header names are renamed, and the cell shows the warning', async () => {
    const s = notebookWith('dup.csv', 'id,value,value,,value_1\n1,10,20,x,30\n');
    const source = await runCell(s, '%%source dup\ndup.csv');
    expect(text(source)).toMatch(/warning: .*value/);
    expect(String(source.displays[0]!['text/html'])).toContain('warning:');
    expect(Object.keys((await rowsOf(s, 'dup'))[0]!)).toHaveLength(5);
  });

  it('a missing file names the absolute path it tried', async () => {
    const s = notebookWith('other.csv', 'a\n1\n');
    const record = await runCell(s, '%%source missing\nno/such.csv');
    expect(record.outcome).toMatchObject({ status: 'error', evalue: expect.stringMatching(/\/no\/such\.csv/) });
    expect(s.flow.state('missing')).toMatchObject({ status: 'failed', error: expect.stringContaining('such.csv') });
  });
});
