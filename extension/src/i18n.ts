import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ZH_CN } from './locale/zh_CN';

/** Translation domain of Flowbook's user-facing strings (catalogue `flowbook`). */
export const I18N_DOMAIN = 'flowbook';

/**
 * Catalogues shipped inside the extension, by language. JupyterLab finds other catalogues in Python
 * language packs, which an npm-built extension cannot provide; these need no install step.
 */
const CATALOGS: Readonly<Record<string, Readonly<Record<string, string>>>> = { 'zh-cn': ZH_CN, zh: ZH_CN, 'zh-hans': ZH_CN };

/** Flowbook's strings in the user's JupyterLab language: our own catalogue first, then JupyterLab's. */
export function flowbookTranslation(translator: ITranslator): TranslationBundle {
  const base = translator.load(I18N_DOMAIN);
  const catalog = CATALOGS[translator.languageCode.replace('_', '-').toLowerCase()];
  return catalog ? withCatalog(base, catalog) : base;
}

/** `base` with its singular lookups answered from `catalog` when it has the msgid. */
export function withCatalog(base: TranslationBundle, catalog: Readonly<Record<string, string>>): TranslationBundle {
  const translate = (msgid: string, ...args: unknown[]): string =>
    Object.prototype.hasOwnProperty.call(catalog, msgid) ? fill(catalog[msgid], args) : base.__(msgid, ...args);
  return {
    __: translate,
    gettext: translate,
    _n: (msgid, plural, n, ...args) => base._n(msgid, plural, n, ...args),
    ngettext: (msgid, plural, n, ...args) => base.ngettext(msgid, plural, n, ...args),
    _p: (context, msgid, ...args) => base._p(context, msgid, ...args),
    pgettext: (context, msgid, ...args) => base.pgettext(context, msgid, ...args),
    _np: (context, msgid, plural, n, ...args) => base._np(context, msgid, plural, n, ...args),
    npgettext: (context, msgid, plural, n, ...args) => base.npgettext(context, msgid, plural, n, ...args),
    dcnpgettext: (domain, context, msgid, plural, n, ...args) => base.dcnpgettext(domain, context, msgid, plural, n, ...args)
  };
}

/** JupyterLab's placeholders: `%1` is the first argument. */
function fill(text: string, args: unknown[]): string {
  return text.replace(/%(\d+)/g, (placeholder, index: string) => (Number(index) <= args.length ? String(args[Number(index) - 1]) : placeholder));
}
