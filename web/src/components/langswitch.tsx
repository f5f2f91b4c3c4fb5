import { useI18n, type Lang } from '../i18n/i18n';

/* Vietnamese first; the other language one click away, announced in its own language. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const langs: [Lang, string][] = [['vi', t('lang.vi')], ['en', t('lang.en')]];
  return (
    <div class="langswitch" role="group" aria-label={t('lang.label')}>
      {langs.map(([l, name]) => (
        <button key={l} type="button" class={'langswitch__btn' + (l === lang ? ' is-active' : '')}
          aria-pressed={l === lang} lang={l} onClick={() => setLang(l)}>{name}</button>
      ))}
    </div>
  );
}
