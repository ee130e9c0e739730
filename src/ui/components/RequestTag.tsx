import { useTranslation } from 'react-i18next';
import { requestSwatch } from './palette';

/** A request's glyph and number in its colour: the same mark wherever the request appears. */
export function RequestTag({ id, head = false }: { id: number; head?: boolean }) {
  const { t } = useTranslation('rings');
  const s = requestSwatch(id);
  return (
    <span className="vr-req-tag" style={{ ['--vr-req' as string]: s.color }}>
      <span className="vr-glyph" aria-hidden="true">
        {s.glyph}
      </span>
      {t('req.short', { id })}
      {head && <span className="vr-head-mark"> {t('req.head')}</span>}
    </span>
  );
}
