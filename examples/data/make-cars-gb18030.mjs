// Writes cars-gb18030.csv from cars.json the way Excel on Chinese Windows saves "CSV (逗号分隔)":
// GB18030 (code page 936) without a BOM, CRLF line ends, Chinese column names and origin names, an
// empty cell for a missing value, and a trailing empty column (a formatted but unused column E… of
// the sheet). Run from the repository root: node examples/data/make-cars-gb18030.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';

const folder = new URL('.', import.meta.url);
const cars = JSON.parse(readFileSync(new URL('cars.json', folder), 'utf8'));
const ORIGINS = { USA: '美国', Europe: '欧洲', Japan: '日本' };
const COLUMNS = [
  ['车型', (car) => car.Name],
  ['油耗（英里/加仑）', (car) => car.Miles_per_Gallon],
  ['气缸数', (car) => car.Cylinders],
  ['排量（立方英寸）', (car) => car.Displacement],
  ['马力', (car) => car.Horsepower],
  ['车重（磅）', (car) => car.Weight_in_lbs],
  ['加速时间（秒）', (car) => car.Acceleration],
  ['年款', (car) => Number(car.Year.slice(0, 4))],
  ['产地', (car) => ORIGINS[car.Origin]],
];

const cell = (value) => (value === null || value === undefined ? '' : String(value));
const lines = [
  [...COLUMNS.map(([name]) => name), ''],
  ...cars.map((car) => [...COLUMNS.map(([, read]) => cell(read(car))), '']),
].map((fields) => fields.join(','));
writeFileSync(new URL('cars-gb18030.csv', folder), iconv.encode(`${lines.join('\r\n')}\r\n`, 'gb18030'));
