/** Translation domain of Flowbook's user-facing strings (catalogue `flowbook`). */
export const I18N_DOMAIN = 'flowbook';
