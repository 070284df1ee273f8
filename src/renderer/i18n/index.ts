/** i18next set-up: English and Brazilian Portuguese, bundled so the app works offline. */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../shared/errors';
import en from './en.json';
import ptBR from './pt-BR.json';

/** The UI catalogues, by language. */
export const catalogues = { en, 'pt-BR': ptBR } as const;

/** Turns the 'system' setting into a language the app speaks, using the browser's preference. */
export function resolveLanguage(setting: string | undefined, preferred: readonly string[] = navigator.languages): Language {
  if (setting === 'en' || setting === 'pt-BR') return setting;
  return preferred.some((l) => l.toLowerCase().startsWith('pt')) ? 'pt-BR' : 'en';
}

/** Creates and initialises the i18next instance the React tree uses. */
export function createI18n(language: Language): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, 'pt-BR': { translation: ptBR } },
    lng: language,
    fallbackLng: 'en',
    // React already escapes; double escaping would show &amp; to people.
    interpolation: { escapeValue: false },
    initImmediate: false,
    returnNull: false,
  } as Parameters<typeof instance.init>[0]);
  return instance;
}
