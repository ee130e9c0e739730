import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './ui/i18n';
import { App } from './ui/App';
import { EmbedApp } from './ui/share/EmbedApp';
import { isEmbedRequested } from './ui/share/urlSync';
import './ui/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<StrictMode>{isEmbedRequested() ? <EmbedApp /> : <App />}</StrictMode>);
