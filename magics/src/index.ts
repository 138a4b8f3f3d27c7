/**
 * @flowbook/magics: the cell grammar of Flowbook, shared by the kernel and the JupyterLab extension.
 * Pure TypeScript (no Node-only APIs), so the browser bundle can import it.
 */
export * from './cell-command';
export { parseCell, isMagicCell, JS_CELL, MagicSyntaxError } from './parse-cell';
export { bodyFormat, splitSourceBody, splitTfscriptBody } from './body';
export type { BodyFormat, SourceBody, TfscriptBody } from './body';
export { readYamlBody, getYamlField, setYamlField, deleteYamlField, setCellYamlField } from './yaml-body';
export type { YamlPath, YamlBody } from './yaml-body';
export type * from './protocol';
