// The one message catalogue of the web UI (catalog.ts): every string a person reads comes from it,
// Vietnamese first, English as the switch. `npm run check-strings` fails on any literal text in
// the components and on an entry missing a language.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { catalog } from './catalog';

export type Lang = 'vi' | 'en';
export type MsgId = keyof typeof catalog;
export type Params = Record<string, string | number>;

export function translate(lang: Lang, id: MsgId, params?: Params): string {
  const entry = catalog[id];
  let s: string = entry[lang];
  if (params) {
    for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  }
  return s;
}

export function isMsgId(s: string): s is MsgId {
  return Object.prototype.hasOwnProperty.call(catalog, s);
}

const STORE_KEY = 'kyso.lang';

export function initialLang(): Lang {
  try {
    const v = localStorage.getItem(STORE_KEY);
    if (v === 'vi' || v === 'en') return v;
  } catch {
    /* storage may be disabled: Vietnamese */
  }
  return 'vi';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORE_KEY, lang);
  } catch {
    /* not kept across visits then */
  }
}

export interface I18n {
  lang: Lang;
  t: (id: MsgId, params?: Params) => string;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({
  lang: 'vi',
  t: (id, params) => translate('vi', id, params),
  setLang: () => undefined,
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
