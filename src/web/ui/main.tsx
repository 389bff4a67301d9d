import './styles.css';
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { api } from './api.js';
import { useConnection } from './hooks.js';
import { href, useRoute } from './router.js';
import { SpendPage } from './pages/spend.js';
import { NewProfilePage, ProfilePage, ProfilesPage } from './pages/profiles.js';
import { SessionsPage } from './pages/sessions.js';
import { TerminalPage } from './pages/terminal.js';
import { HooksPage } from './pages/hooks.js';

const NAV = [
  ['spend', 'Spend'],
  ['profiles', 'Profiles'],
  ['sessions', 'Sessions'],
  ['hooks', 'Hooks'],
] as const;

async function logout(): Promise<void> {
  try {
    await api('POST', '/api/dashboard/logout', {});
  } finally {
    location.replace('/');
  }
}

function App() {
  const route = useRoute();
  const { connection } = useConnection();
  const [section, arg] = route.parts;

  // On a change of view, move focus to its heading, so keyboard and screen-reader users land where the
  // content is (not on first load: the browser's own start is right then).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h = document.querySelector<HTMLElement>('main h1');
    if (h) {
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
    }
  }, [section, arg]);

  let page;
  if (section === 'profiles' && arg === 'new') page = <NewProfilePage />;
  else if (section === 'profiles' && arg) page = <ProfilePage name={arg} created={route.query.get('created') === '1'} />;
  else if (section === 'profiles') page = <ProfilesPage />;
  else if (section === 'sessions' && arg) page = <TerminalPage key={arg} id={arg} />;
  else if (section === 'sessions') page = <SessionsPage />;
  else if (section === 'hooks') page = <HooksPage />;
  else page = <SpendPage route={route} />;

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); const m = document.getElementById('main'); if (m) { m.tabIndex = -1; m.focus(); } }}>Skip to content</a>
      <header class="top">
        <a class="brand" href={href(['spend'])}><img src="/icon.svg" alt="" />ringlet</a>
        <nav class="nav" aria-label="Sections">
          {NAV.map(([id, label]) => (
            <a key={id} href={href([id])} aria-current={section === id || (!section && id === 'spend') ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
        <div class="status" role="status" aria-live="polite">
          <span class={`dot${connection === 'ok' ? '' : ' bad'}`} aria-hidden="true" />
          <span data-connection={connection}>{connection === 'ok' ? 'Live' : connection === 'reconnecting' ? 'Reconnecting…' : 'Signed out'}</span>
          {connection !== 'signed-out' && <button class="btn small" type="button" onClick={() => void logout()}>Sign out</button>}
        </div>
      </header>
      {connection === 'reconnecting' && (
        <div class="banner" role="alert">
          <strong>The ringlet daemon is not answering.</strong>
          <span>Reconnecting… figures below may be out of date. If it stopped, start it again with <code>ringlet dashboard</code>.</span>
        </div>
      )}
      {connection === 'signed-out' && (
        <div class="banner error" role="alert">
          <strong>Signed out.</strong>
          <span>This browser's session ended (signed out, expired, or the daemon's token was rotated). Run <code>ringlet dashboard</code> to sign in again.</span>
        </div>
      )}
      {page}
    </>
  );
}

render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator) {
  addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => {}));
}
