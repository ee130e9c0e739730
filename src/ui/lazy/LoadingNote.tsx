import { useTranslation } from 'react-i18next';

/** What a view shows while its code or texts are being fetched (a polite live region, so it is announced). */
export function LoadingNote() {
  const { t } = useTranslation('app');
  return (
    <p className="loading-note" role="status">
      {t('views.loading')}
    </p>
  );
}
