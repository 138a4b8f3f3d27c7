import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { decodeDictionaries } from './dictionary';

/** Arrow IPC bytes in the file format; dictionaries are decoded first, since the file format allows only one per column (A4). */
export function tableToIpcFile(table: arrow.Table): Uint8Array {
  return arrow.tableToIPC(decodeDictionaries(table), 'file');
}

/** Reads an Arrow IPC file or stream (the reader tells them apart by their magic bytes); stream dictionaries may be replaced per batch. */
export async function readArrowIpc(filePath: string): Promise<arrow.Table> {
  return arrow.tableFromIPC(await readFile(filePath));
}
