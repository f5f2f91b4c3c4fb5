import { useI18n } from '../i18n/i18n';

export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg class="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="6" fill="#0b3d6e" />
      <path d="M9 22c3-1 5-5 7-9s3-5 4-4-2 6-1 8 3-1 4-2" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" />
      <circle cx="23" cy="23" r="3" fill="#c8102e" />
    </svg>
  );
}

export function Brand() {
  const { t } = useI18n();
  return (
    <a class="brand" href="#/">
      <Logo />
      <span class="brand__text">
        <span class="brand__name">{t('app.name')}</span>
        <span class="brand__sub">{t('app.subtitle')}</span>
      </span>
    </a>
  );
}
