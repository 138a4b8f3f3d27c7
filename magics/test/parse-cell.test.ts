import { isMagicCell, MagicSyntaxError, parseCell } from '../src';

function syntaxError(text: string): MagicSyntaxError {
  try {
    parseCell(text);
  } catch (e) {
    if (e instanceof MagicSyntaxError) return e;
    throw e;
  }
  throw new Error(`"${text}" parsed without an error`);
}

describe('node headers', () => {
  it('reads a source cell: kind, id and the body after the header', () => {
    expect(parseCell('%%source cars\nexamples/data/cars.json\nformat: json\n')).toEqual({
      type: 'node', kind: 'source', id: 'cars', inputs: [], body: 'examples/data/cars.json\nformat: json\n', bodyLine: 2,
    });
  });

  it('reads --from with several inputs and ports, in both spellings', () => {
    const spaced = parseCell('%%sql joined --from cars,parts:train\nSELECT 1');
    const inline = parseCell('%%sql joined --from=cars,parts:train\nSELECT 1');
    expect(spaced).toMatchObject({ kind: 'sql', id: 'joined', inputs: [{ node: 'cars' }, { node: 'parts', port: 'train' }] });
    expect(inline).toEqual(spaced);
  });

  it('skips blank lines before the header and counts body lines from the cell start', () => {
    expect(parseCell('\n\n%%node f --from a\nreturn a')).toMatchObject({ id: 'f', bodyLine: 4, body: 'return a' });
  });

  it('reads a predict header with its model', () => {
    expect(parseCell('%%predict scored --model mpg --from parts:test\n')).toMatchObject({
      kind: 'predict', id: 'scored', model: 'mpg', inputs: [{ node: 'parts', port: 'test' }],
    });
  });

  it('accepts the model kinds that later tasks implement', () => {
    for (const kind of ['dnn_classifier', 'dnn_regressor', 'lstm_regressor', 'tfscript']) {
      expect(parseCell(`%%${kind} m --from parts:train\n`)).toMatchObject({ kind, id: 'm' });
    }
  });

  it('names a misspelt kind and lists the known ones', () => {
    const error = syntaxError('%%sqll clean --from cars');
    expect(error.token).toBe('%%sqll');
    expect(error.message).toContain('unknown node kind "%%sqll"');
    expect(error.expected).toContain('%%sql');
  });

  it('names an unknown option and shows the expected form', () => {
    const error = syntaxError('%%sql clean --form cars\nSELECT 1');
    expect(error.token).toBe('--form');
    expect(error.message).toContain('expected: %%sql ID [--from NODE[:PORT]');
  });

  it('refuses a missing id, a bad id, a bad input and an empty --from', () => {
    expect(syntaxError('%%split').problem).toContain('needs a node id');
    expect(syntaxError('%%split 2parts --from a').token).toBe('2parts');
    expect(syntaxError('%%split p --from a:b:c').token).toBe('a:b:c');
    expect(syntaxError('%%split p --from').problem).toContain('--from needs a value');
    expect(syntaxError('%%split p --from a,').token).toBe('');
  });

  it('refuses --from on a source, --model off a predict, a predict without a model, and repeats', () => {
    expect(syntaxError('%%source cars --from x').problem).toContain('takes no --from');
    expect(syntaxError('%%sql q --model m').problem).toContain('--model belongs to %%predict');
    expect(syntaxError('%%predict s --from t').problem).toContain('needs --model');
    expect(syntaxError('%%sql q --from a --from b').problem).toContain('--from given twice');
  });

  it('reports the line of the header', () => {
    expect(syntaxError('\n%%sql 1q').line).toBe(2);
  });
});

describe('line magics', () => {
  it('reads every %flow command', () => {
    expect(parseCell('%flow')).toEqual({ type: 'flow', action: 'show' });
    expect(parseCell('%flow run mpg --downstream')).toEqual({ type: 'flow', action: 'run', id: 'mpg', downstream: true });
    expect(parseCell('%flow run mpg')).toEqual({ type: 'flow', action: 'run', id: 'mpg', downstream: false });
    expect(parseCell('%flow status')).toEqual({ type: 'flow', action: 'status' });
    expect(parseCell('%flow clear')).toEqual({ type: 'flow', action: 'clear' });
    expect(parseCell('%flow export "my flow.json"')).toEqual({ type: 'flow', action: 'export', file: 'my flow.json' });
    expect(parseCell('%flow rm cars')).toEqual({ type: 'flow', action: 'rm', id: 'cars' });
  });

  it('refuses malformed %flow commands, naming the token', () => {
    expect(syntaxError('%flow launch x').token).toBe('launch');
    expect(syntaxError('%flow run').problem).toContain('needs a node id');
    expect(syntaxError('%flow run a b').token).toBe('b');
    expect(syntaxError('%flow run a --down').token).toBe('--down');
    expect(syntaxError('%flow status now').token).toBe('now');
    expect(syntaxError('%flow export').problem).toContain('needs a file name');
    expect(syntaxError('%flow\nSELECT 1').problem).toContain('holds one line');
  });

  it('reads %store and %jobs', () => {
    expect(parseCell('%store')).toEqual({ type: 'store', action: 'info' });
    expect(parseCell('%store ls hdfs://nn:9870/warehouse')).toEqual({ type: 'store', action: 'ls', path: 'hdfs://nn:9870/warehouse' });
    expect(parseCell('%store use /data/store')).toEqual({ type: 'store', action: 'use', uri: '/data/store' });
    expect(parseCell('%jobs')).toEqual({ type: 'jobs', action: 'list' });
    expect(parseCell('%jobs stop job-1')).toEqual({ type: 'jobs', action: 'stop', jobId: 'job-1' });
    expect(parseCell('%jobs log job-1')).toEqual({ type: 'jobs', action: 'logs', jobId: 'job-1' });
    expect(parseCell('%jobs logs job-1')).toEqual({ type: 'jobs', action: 'logs', jobId: 'job-1' });
    expect(syntaxError('%store use').problem).toContain('wrong arguments for %store use');
    expect(syntaxError('%store ls a b').token).toBe('b');
    expect(syntaxError('%jobs kill j').token).toBe('kill');
  });
});

describe('%store put / get / rm', () => {
  it('reads a local file and an optional store path for put, and the reverse for get', () => {
    expect(parseCell('%store put data/销售 2024.csv')).toEqual({ type: 'store', action: 'put', local: 'data/销售', remote: '2024.csv' });
    expect(parseCell('%store put "data/销售 2024.csv"')).toEqual({ type: 'store', action: 'put', local: 'data/销售 2024.csv' });
    expect(parseCell('%store put cars.csv hdfs://nn:9870/raw/')).toEqual({ type: 'store', action: 'put', local: 'cars.csv', remote: 'hdfs://nn:9870/raw/' });
    expect(parseCell('%store get models/mpg/model.json')).toEqual({ type: 'store', action: 'get', remote: 'models/mpg/model.json' });
    expect(parseCell('%store get raw/cars.csv copy.csv')).toEqual({ type: 'store', action: 'get', remote: 'raw/cars.csv', local: 'copy.csv' });
  });

  it('reads rm with -r before or after the path', () => {
    expect(parseCell('%store rm raw/cars.csv')).toEqual({ type: 'store', action: 'rm', path: 'raw/cars.csv', recursive: false });
    expect(parseCell('%store rm -r raw')).toEqual({ type: 'store', action: 'rm', path: 'raw', recursive: true });
    expect(parseCell('%store rm raw -r')).toEqual({ type: 'store', action: 'rm', path: 'raw', recursive: true });
  });

  it('names the missing or extra argument and an unknown option', () => {
    expect(syntaxError('%store put').problem).toContain('wrong arguments for %store put');
    expect(syntaxError('%store get a b c').token).toBe('c');
    expect(syntaxError('%store rm').problem).toContain('wrong arguments for %store rm');
    expect(syntaxError('%store rm a b').token).toBe('b');
    expect(syntaxError('%store rm -rf raw').token).toBe('-rf');
    expect(syntaxError('%store cp a b').problem).toContain('unknown %store command "cp"');
    expect(syntaxError('%store cp a b').expected).toContain('put LOCAL [REMOTE]');
  });
});

describe('isMagicCell', () => {
  it('recognises node and line magics, not TypeScript', () => {
    expect(isMagicCell('%%sql q\nSELECT 1')).toBe(true);
    expect(isMagicCell('%%sqll q')).toBe(true);
    expect(isMagicCell('  \n%flow')).toBe(true);
    expect(isMagicCell('%store ls')).toBe(true);
    expect(isMagicCell('%timeit 1+1')).toBe(false);
    expect(isMagicCell('const a = 5 % 2;')).toBe(false);
    expect(isMagicCell('')).toBe(false);
  });

  it('leaves a %%js cell to the kernel: it is JavaScript, not a flow magic', () => {
    expect(isMagicCell('%%js\nconst join = (x, y) => x.concat(y);')).toBe(false);
    expect(isMagicCell('%%js  \r\nlet a = 1')).toBe(false);
    expect(isMagicCell('%%js')).toBe(false);
    expect(isMagicCell('%%jsx q')).toBe(true);
  });

  it('says where %%js belongs when it is not alone on the first line', () => {
    expect(syntaxError('%%js strict\nlet a = 1')).toMatchObject({ problem: expect.stringContaining('%%js stands alone on the first line'), token: 'strict', line: 1 });
    expect(syntaxError('\n%%js\nlet a = 1')).toMatchObject({ problem: expect.stringContaining('runs as JavaScript'), token: '%%js', line: 2 });
  });
});
