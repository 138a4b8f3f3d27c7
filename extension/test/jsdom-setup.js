// Browser APIs that jsdom lacks but every browser JupyterLab supports has:
// structuredClone (used by dagre) and DragEvent (referenced by @lumino/dragdrop at load time).
const { deserialize, serialize } = require('node:v8');

if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = value => deserialize(serialize(value));
}
if (typeof globalThis.DragEvent !== 'function') {
  globalThis.DragEvent = class DragEvent extends MouseEvent {};
}
