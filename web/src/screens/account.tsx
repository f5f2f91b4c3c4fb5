// The signed-in person's own account: their details, a new password, sign-out everywhere.
import { api } from '../api/endpoints';
import { useForm } from '../components/form';
import { Button, Card, DefList, FormError, PageHeader, TextField } from '../components/ui';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

export function Account({ onSignOutEverywhere }: { onSignOutEverywhere: () => void }) {
  const { t, lang } = useI18n();
  const { me, agencies, notify } = useSession();
  const form = useForm({ current_password: '', password: '', confirm: '' });
  const v = form.values;
  const agency = agencies.find((a) => a.id === me.user.agency_id);
  const save = (ev: Event) => {
    ev.preventDefault();
    if (v.password !== v.confirm) {
      void form.submit(async () => { throw new Error('mismatch'); }, []);
      return;
    }
    void form.submit(async () => {
      await api.changePassword(v.current_password, v.password);
      form.reset({ current_password: '', password: '', confirm: '' });
      notify(t('account.password_changed'));
    }, ['current_password', 'password', 'confirm']);
  };
  const mismatch = v.confirm !== '' && v.password !== v.confirm;
  return (
    <div>
      <PageHeader title={t('account.title')} />
      <div class="grid grid--2">
        <Card title={t('account.me')}>
          <DefList items={[
            [t('user.full_name'), me.user.full_name],
            [t('user.login'), <code class="code">{me.user.login}</code>],
            [t('user.title'), me.user.title || t('common.none')],
            [t('common.agency'), agency?.name ?? ''],
            [t('user.email'), me.user.email || t('common.none')],
            ...(me.session_expires_at ? [[t('account.session_until'), formatDateTime(me.session_expires_at, lang)] as [string, string]] : []),
          ]} />
          <div class="form-actions form-actions--start">
            <Button kind="danger" onClick={onSignOutEverywhere}>{t('account.signout_everywhere')}</Button>
          </div>
          <p class="hint">{t('account.signout_everywhere_hint')}</p>
        </Card>
        <Card title={t('account.change_password')}>
          <form onSubmit={save} noValidate class="form">
            <FormError message={form.formError && !mismatch ? form.formError : null} />
            <TextField label={t('account.current_password')} name="current_password" type="password" value={v.current_password}
              onInput={(x) => form.set('current_password', x)} error={form.errors['current_password']} required autocomplete="current-password" />
            <TextField label={t('user.new_password')} name="password" type="password" value={v.password}
              onInput={(x) => form.set('password', x)} error={form.errors['password']} required hint={t('user.password_hint')} autocomplete="new-password" />
            <TextField label={t('account.confirm_password')} name="confirm" type="password" value={v.confirm}
              onInput={(x) => form.set('confirm', x)} error={mismatch ? t('account.mismatch') : form.errors['confirm']} required autocomplete="new-password" />
            <div class="form-actions"><Button kind="primary" type="submit" busy={form.busy}>{t('account.change_password')}</Button></div>
          </form>
        </Card>
      </div>
    </div>
  );
}
