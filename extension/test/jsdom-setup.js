// jsdom lacks structuredClone, which every browser JupyterLab supports has (dagre uses it).
const { deserialize, serialize } = require('node:v8');

if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = value => deserialize(serialize(value));
}
