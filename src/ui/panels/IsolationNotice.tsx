import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { probeSharedMemory, type SharedMemorySupport } from '../../platform/sharedMemoryProbe';

/**
 * The page's ability to share memory between workers. The engine runs on the page's thread today and needs none,
 * but the worker client does; when the page is not cross-origin isolated, say which headers the server must send.
 */
export function IsolationNotice() {
  const { t } = useTranslation();
  const [support, setSupport] = useState<SharedMemorySupport | null>(null);
  useEffect(() => {
    let live = true;
    void probeSharedMemory().then((result) => {
      if (live) setSupport(result);
    });
    return () => {
      live = false;
    };
  }, []);

  const status =
    support === null
      ? t('isolation.checking')
      : support.ok
        ? t('isolation.working')
        : t('isolation.unavailable', { detail: support.detail });

  return (
    <>
      {support && !support.ok && (
        <aside className="notice" aria-labelledby="isolation-title">
          <h2 id="isolation-title">{t('isolation.title')}</h2>
          <p>{t('isolation.explain')}</p>
          <pre className="headers">
            <code>Cross-Origin-Opener-Policy: same-origin{'\n'}Cross-Origin-Embedder-Policy: require-corp</code>
          </pre>
          <p>{t('isolation.fallback')}</p>
        </aside>
      )}
      <p className="environment" data-testid="shared-memory-status" role="status">
        {status}
      </p>
    </>
  );
}
