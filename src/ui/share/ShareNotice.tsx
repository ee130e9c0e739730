import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { showNotice, useShare } from './shareStore';

/** How long a success message stays. Problems stay until dismissed. */
const DONE_MS = 5000;

/** What a link, a file or an export did: problems each with the parameter or field they are about. */
export function ShareNotice() {
  const { t } = useTranslation('share');
  const notice = useShare((s) => s.notice);
  useEffect(() => {
    if (notice?.kind !== 'done') return;
    const timer = setTimeout(() => showNotice(null), DONE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div
      className={`share-notice share-notice-${notice.kind}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="share-notice"
    >
      <p className="share-notice-title">{t(notice.title, notice.params)}</p>
      {notice.problems.length > 0 && (
        <ul>
          {notice.problems.map((p, i) => (
            <li key={`${p.where}-${i}`}>
              <code>{p.where}</code>: {p.code ? t(`problem.${p.code}`, { ...p.values, defaultValue: p.text }) : p.text}
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => showNotice(null)}>
        {t('dismiss')}
      </button>
    </div>
  );
}
