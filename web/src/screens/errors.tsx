import { PageHeader } from '../components/ui';
import { useI18n } from '../i18n/i18n';

export function Forbidden() {
  const { t } = useI18n();
  return (
    <div class="errorpage" data-testid="forbidden">
      <PageHeader title={t('error.forbidden_title')} />
      <p>{t('error.forbidden_text')}</p>
      <p><a class="btn btn--primary" href="#/">{t('nav.back_home')}</a></p>
    </div>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <div class="errorpage">
      <PageHeader title={t('error.notfound_title')} />
      <p>{t('error.notfound_text')}</p>
      <p><a class="btn btn--primary" href="#/">{t('nav.back_home')}</a></p>
    </div>
  );
}
