import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { i18nReady } from './ui/i18n';
import { App } from './ui/App';
import { LoadingNote } from './ui/lazy/LoadingNote';
import { isEmbedRequested } from './ui/share/urlSync';
import './ui/app.css';

/** The embedded view is its own chunk: a full page never loads it. */
const EmbedApp = lazy(() => import('./ui/share/EmbedApp').then((m) => ({ default: m.EmbedApp })));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// English is in the page; another first language's texts are fetched before the first render.
void i18nReady.then(() =>
  createRoot(root).render(
    <StrictMode>
      {isEmbedRequested() ? (
        <Suspense fallback={<LoadingNote />}>
          <EmbedApp />
        </Suspense>
      ) : (
        <App />
      )}
    </StrictMode>,
  ),
);
