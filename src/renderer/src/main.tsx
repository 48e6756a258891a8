import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as zodConfig } from 'zod';
import { getWindowParley } from './api';
import { App } from './app/App';
import { AppProviders } from './app/AppProviders';
import { ErrorBoundary } from './app/ErrorBoundary';

// The contract's zod schemas would otherwise probe `new Function` to decide whether to JIT,
// which the CSP (no 'unsafe-eval') blocks and reports as a violation on every start.
zodConfig({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <AppProviders api={getWindowParley()}>
      <ErrorBoundary>
        <App />
      </ErrorBoundary>
    </AppProviders>
  </StrictMode>,
);
