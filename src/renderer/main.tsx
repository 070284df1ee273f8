/** Renderer entry: picks the transport, builds the store, starts i18n, and renders the app. */
// First, so no schema parses before zod knows it may not use eval under the CSP.
import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createApi, detectBridge } from './api';
import { App } from './App';
import { createI18n, resolveLanguage } from './i18n';
import { createStore, StoreContext } from './state/store';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
try {
  const api = createApi(detectBridge());
  const store = createStore(api);
  const i18n = createI18n(resolveLanguage(undefined));
  void store.start();
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <StoreContext.Provider value={store}>
          <App />
        </StoreContext.Provider>
      </I18nextProvider>
    </StrictMode>,
  );
} catch (err) {
  // Before i18n exists: the only text is the transport's own explanation (an address to open).
  const p = document.createElement('p');
  p.textContent = err instanceof Error ? err.message : String(err);
  document.body.append(p);
}
