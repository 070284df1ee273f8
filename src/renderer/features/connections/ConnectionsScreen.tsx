/** Connections: every profile the app can use, with Test, Edit, Rename, Remove, "Use this by default" and Sign in again. */
import { CheckCircle2, KeyRound, PlugZap, Plus, Star } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import { useAppState } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { AddProfileForm } from '../onboarding/AddProfileForm';
import { ConnectionChangeButtons, ConnectionDialogs, isEditable, type ConnectionDialogKind } from './ConnectionDialogs';
import { useSignInAgain } from './sign-in-again';
import './connections.css';

type Open = { kind: ConnectionDialogKind; profile: ProfileSummary } | { kind: 'add' } | null;

/** The Connections screen. */
export function ConnectionsScreen() {
  const { t } = useTranslation();
  const profiles = useAppState((s) => s.profiles);
  const [open, setOpen] = useState<Open>(null);
  return (
    <main className="page connections" id="main">
      <h1>{t('connections.title')}</h1>
      <p className="hint">{t('connections.intro')}</p>
      <ul className="connection-list" aria-label={t('connections.title')}>
        {profiles.map((p) => (
          <ConnectionCard key={p.id} profile={p} onOpen={(kind) => setOpen({ kind, profile: p })} />
        ))}
      </ul>
      <div className="actions">
        <button type="button" onClick={() => setOpen({ kind: 'add' })}>
          <Plus size={16} aria-hidden="true" /> {t('connections.add')}
        </button>
      </div>
      {open?.kind === 'add' && (
        <Modal title={t('addProfile.title')} onClose={() => setOpen(null)}>
          <AddProfileForm onCancel={() => setOpen(null)} onDone={() => setOpen(null)} />
        </Modal>
      )}
      <ConnectionDialogs open={open?.kind === 'add' ? null : open} onClose={() => setOpen(null)} />
    </main>
  );
}

function ConnectionCard({ profile: p, onOpen }: { profile: ProfileSummary; onOpen: (kind: ConnectionDialogKind) => void }) {
  const { t } = useTranslation();
  const { run, error } = useCommand();
  const { signIn } = useSignInAgain();
  const [testing, setTesting] = useState(false);
  const [tested, setTested] = useState<string | null>(null);
  const titleId = `connection-${p.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

  const test = async () => {
    setTesting(true);
    setTested(null);
    const res = await run('profiles:test', { id: p.id });
    setTesting(false);
    if (res.ok) setTested(res.value.bucketCount !== undefined ? t('connections.testOk', { count: res.value.bucketCount }) : t('connections.testOkNoList'));
  };

  return (
    <li className="card connection-card" aria-labelledby={titleId} data-testid="connection-card" data-id={p.id}>
      <div className="connection-head">
        <h2 id={titleId} className="connection-name">
          {p.name}
        </h2>
        {p.isDefault && (
          <span className="badge connection-default">
            <Star size={12} aria-hidden="true" /> {t('connections.default')}
          </span>
        )}
      </div>
      <dl className="connection-facts">
        <dt>{t('connections.kind')}</dt>
        <dd>{t(`profileKind.${p.kind}`)}</dd>
        <dt>{t('connections.from')}</dt>
        <dd>{t(`connections.source.${p.source}`)}</dd>
        <dt>{t('connections.endpoint')}</dt>
        <dd>{p.endpoint ?? t('connections.awsEndpoint')}</dd>
        <dt>{t('connections.region')}</dt>
        <dd>{p.region ?? t('connections.noRegion')}</dd>
        {p.accessKeyIdMasked && (
          <>
            <dt>{t('connections.keyId')}</dt>
            <dd>
              <code>{p.accessKeyIdMasked}</code>
            </dd>
          </>
        )}
      </dl>
      {!isEditable(p) && <p className="hint">{t(p.source === 'aws-config' ? 'connections.fromAwsConfig' : 'connections.fromEnvironment')}</p>}
      <div className="actions">
        <button type="button" onClick={() => void test()} disabled={testing} aria-label={`${t('connections.test')}: ${p.name}`}>
          <PlugZap size={16} aria-hidden="true" /> {testing ? t('connections.testing') : t('connections.test')}
        </button>
        {p.kind === 'sso' && (
          <button type="button" onClick={() => void signIn(p.id)} aria-label={`${t('connections.signInAgain.action')}: ${p.name}`}>
            <KeyRound size={16} aria-hidden="true" /> {t('connections.signInAgain.action')}
          </button>
        )}
        <ConnectionChangeButtons profile={p} onOpen={onOpen} />
        {!p.isDefault && (
          <button type="button" onClick={() => void run('profiles:setDefault', { id: p.id })} aria-label={`${t('connections.useByDefault')}: ${p.name}`}>
            <CheckCircle2 size={16} aria-hidden="true" /> {t('connections.useByDefault')}
          </button>
        )}
      </div>
      {tested && (
        <p role="status" className="connection-ok">
          {tested}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}
