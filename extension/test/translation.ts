import type { TranslationBundle } from '@jupyterlab/translation';

/** English bundle with JupyterLab's %1, %2 placeholders filled, as nullTranslator does. */
export const english = {
  __: (msg: string, ...args: unknown[]) => msg.replace(/%(\d)/g, (_, i) => String(args[Number(i) - 1]))
} as unknown as TranslationBundle;
