// #/sign-batch — "Ký hàng loạt": approved documents waiting for my signature, with checkboxes;
// the chosen ones go to #/sign-token to be signed with one PIN.
import { useEffect, useState } from 'preact/hooks';
import { tokenApi, type WaitingDoc } from '../api/token';
import { Button, Card, FormError, Loading, PageHeader } from '../components/ui';
import { useErrorText } from '../components/form';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';

export function TokenBatch() {
  const { t } = useI18n();
  const errText = useErrorText();
  const [items, setItems] = useState<WaitingDoc[] | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    tokenApi.waiting().then((r) => { setItems(r.items); setChosen(new Set(r.items.map((d) => d.id))); })
      .catch((e) => setError(errText(e)));
  }, []);

  const toggle = (id: number) => setChosen((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id); else n.add(id);
    return n;
  });
  const all = items !== null && items.length > 0 && chosen.size === items.length;

  return (
    <div>
      <PageHeader title={t('token.batch.title')} subtitle={t('token.batch.subtitle')} />
      <FormError message={error} />
      <Card>
        {items === null ? <Loading /> : items.length === 0 ? <p>{t('token.batch.empty')}</p> : (
          <form class="form" onSubmit={(e) => { e.preventDefault(); navigate('#/sign-token?docs=' + Array.from(chosen).join(',')); }}>
            <label class="check">
              <input type="checkbox" checked={all} onChange={() => setChosen(all ? new Set() : new Set(items.map((d) => d.id)))} />
              {t('token.batch.all')}
            </label>
            <ul class="token-docs" data-testid="batch-list">
              {items.map((d) => (
                <li key={d.id}>
                  <label class="check">
                    <input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)}
                      aria-label={t('token.batch.choose', { id: d.id })} />
                    {d.doc_type}: {d.summary}
                  </label>
                </li>
              ))}
            </ul>
            {items.length >= 100 ? <p class="field-hint">{t('token.batch.max')}</p> : null}
            <Button kind="primary" type="submit" disabled={chosen.size === 0}>{t('token.batch.go', { n: chosen.size })}</Button>
          </form>
        )}
      </Card>
    </div>
  );
}
