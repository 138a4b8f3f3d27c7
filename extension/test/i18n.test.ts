/// <reference types="node" />
// Node types for this test alone: it reads the sources to check the catalogue covers them.
import { readFileSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import type { ITranslator } from '@jupyterlab/translation';
import { flowbookTranslation } from '../src/i18n';
import { ZH_CN } from '../src/locale/zh_CN';
import { english } from './translation';

function translatorIn(languageCode: string): ITranslator {
  return { languageCode, load: () => english } as unknown as ITranslator;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('Flowbook translations', () => {
  it('answer in simplified Chinese when JupyterLab runs in zh-CN, placeholders filled', () => {
    const trans = flowbookTranslation(translatorIn('zh-CN'));
    expect(trans.__('epoch %1 of %2', 3, 40)).toBe('轮次 3 / 40');
    expect(trans.__('Stop')).toBe('停止');
  });

  it("fall back to JupyterLab's bundle for English and for strings the catalogue lacks", () => {
    expect(flowbookTranslation(translatorIn('en')).__('epoch %1 of %2', 3, 40)).toBe('epoch 3 of 40');
    expect(flowbookTranslation(translatorIn('zh_CN')).__('not in the catalogue %1', 1)).toBe('not in the catalogue 1');
  });

  it('the zh_CN catalogue covers every string the extension translates, and keeps their placeholders', () => {
    const msgids = new Set<string>();
    for (const file of sourceFiles(join(__dirname, '..', 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/__\(\s*(['"])((?:\\.|(?!\1).)*)\1/gs)) {
        msgids.add(match[2].replace(/\\'/g, "'"));
      }
    }
    expect(msgids.size).toBeGreaterThan(50);
    expect([...msgids].filter(id => !(id in ZH_CN))).toEqual([]);
    const placeholders = (text: string) => (text.match(/%\d+/g) ?? []).sort().join(',');
    expect(Object.entries(ZH_CN).filter(([id, zh]) => placeholders(id) !== placeholders(zh))).toEqual([]);
  });
});
