/** Texts of the native parts (tray, menus, notifications, dialogs) in both languages the app speaks. */
import { fillText, type Language } from '../shared/errors';

const texts = {
  open: { en: 'Open S3 Drop', 'pt-BR': 'Abrir o S3 Drop' },
  pauseAll: { en: 'Pause all', 'pt-BR': 'Pausar tudo' },
  resumeAll: { en: 'Resume all', 'pt-BR': 'Retomar tudo' },
  quit: { en: 'Quit S3 Drop', 'pt-BR': 'Sair do S3 Drop' },
  help: { en: 'Help', 'pt-BR': 'Ajuda' },
  openLogs: { en: 'Open logs folder', 'pt-BR': 'Abrir a pasta de logs' },
  copyDiagnostics: { en: 'Copy diagnostics', 'pt-BR': 'Copiar diagnóstico' },
  file: { en: 'File', 'pt-BR': 'Arquivo' },
  edit: { en: 'Edit', 'pt-BR': 'Editar' },
  view: { en: 'View', 'pt-BR': 'Exibir' },
  reload: { en: 'Reload', 'pt-BR': 'Recarregar' },
  window: { en: 'Window', 'pt-BR': 'Janela' },
  trayIdle: { en: 'S3 Drop: up to date', 'pt-BR': 'S3 Drop: tudo em dia' },
  traySyncing: { en: 'S3 Drop: uploading…', 'pt-BR': 'S3 Drop: enviando…' },
  trayPaused: { en: 'S3 Drop: paused', 'pt-BR': 'S3 Drop: pausado' },
  trayError: { en: 'S3 Drop: some files need attention', 'pt-BR': 'S3 Drop: alguns arquivos precisam de atenção' },
  batchDoneTitle: { en: 'Upload finished', 'pt-BR': 'Envio concluído' },
  batchDoneBody: { en: '{done} file(s) uploaded.', 'pt-BR': '{done} arquivo(s) enviado(s).' },
  batchFailedTitle: { en: 'Some files were not uploaded', 'pt-BR': 'Alguns arquivos não foram enviados' },
  batchFailedBody: { en: '{failed} failed, {done} uploaded. Open S3 Drop to see why.', 'pt-BR': '{failed} falharam, {done} enviados. Abra o S3 Drop para ver o motivo.' },
  crashTitle: { en: 'S3 Drop ran into a problem', 'pt-BR': 'O S3 Drop encontrou um problema' },
  crashBody: {
    en: 'Something unexpected happened. Your transfers are saved and will continue the next time S3 Drop starts. Copy the diagnostics to send them to support.',
    'pt-BR': 'Algo inesperado aconteceu. Suas transferências estão salvas e continuam na próxima vez que o S3 Drop abrir. Copie o diagnóstico para enviar ao suporte.',
  },
  continue: { en: 'Continue', 'pt-BR': 'Continuar' },
  updateTitle: { en: 'Update ready', 'pt-BR': 'Atualização pronta' },
  updateBody: { en: 'S3 Drop {version} is ready. Restart now to use it? Transfers continue after the restart.', 'pt-BR': 'O S3 Drop {version} está pronto. Reiniciar agora para usá-lo? As transferências continuam depois.' },
  restart: { en: 'Restart now', 'pt-BR': 'Reiniciar agora' },
  later: { en: 'Later', 'pt-BR': 'Depois' },
} as const satisfies Record<string, Record<Language, string>>;

/** A label key. */
export type LabelKey = keyof typeof texts;

/** Picks the language from the setting, falling back to the system locale. */
export function pickLanguage(setting: 'system' | Language, systemLocale: string): Language {
  if (setting !== 'system') return setting;
  return systemLocale.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
}

/** Renders a label in a language, filling `{param}` placeholders. */
export function label(key: LabelKey, lang: Language, params?: Record<string, string | number>): string {
  return fillText(texts[key][lang], params);
}
