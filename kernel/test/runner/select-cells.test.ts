import { cellsNeededFor } from '../../src/runner/select-cells';

const notebook = [
  'const helper = (x: number) => x * 2;', //           0: plain code before the nodes
  '%%source cars\nexamples/data/cars.json', //          1
  '%%source other\nexamples/data/other.csv', //         2: not needed by mpg
  '%%sql clean --from cars\nSELECT * FROM cars', //     3
  '%%split parts --from clean\ntest_ratio: 0.2', //     4
  '%%dnn_regressor mpg --from parts:train\ntarget: Miles_per_Gallon', // 5
  '%flow', //                                            6: a display, skipped
  '%%predict scored --model mpg --from parts:test', //   7: downstream of mpg
  'console.log("after")', //                             8: code after the node
];

describe('flowbook run --node: only what the node needs', () => {
  it('runs the node, its upstream cells and the code cells before them', () => {
    expect([...cellsNeededFor('mpg', notebook)].sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5]);
  });

  it('follows --model edges of a predict node', () => {
    expect([...cellsNeededFor('scored', notebook)].sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5, 7]);
  });

  it('names the known nodes when the node is not defined', () => {
    expect(() => cellsNeededFor('nope', notebook)).toThrow(/No cell of this notebook defines the node "nope"/);
    try {
      cellsNeededFor('nope', notebook);
    } catch (error) {
      expect((error as { hint: string }).hint).toContain('cars, other, clean, parts, mpg, scored');
    }
  });
});
