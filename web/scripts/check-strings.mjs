// Fails when a person could read a string that is not in the message catalogue:
//  1. JSX text, or a string literal in JSX (a child, or an aria-label/title/placeholder/alt/label
//     attribute), in any component: all of it must come from t(...).
//  2. A catalogue entry without both languages, or whose Vietnamese is not NFC.
//  3. An enumeration of the API (roles, agency kinds, statuses, delegation kinds) without its label.
import ts from 'typescript';
import { build } from 'esbuild';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(here, 'src');
const problems = [];

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (p.endsWith('.tsx')) yield p;
  }
}

const WORDS = /\p{L}{2,}/u;            // two letters in a row: words, not "·", "×", "—" or "*"
const ATTRS = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'empty', 'caption', 'subtitle']);

for await (const file of walk(src)) {
  const text = await readFile(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const where = (n) => `${relative(here, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n) => {
    if (ts.isJsxText(n) && WORDS.test(n.text)) problems.push(`${where(n)}: literal text in JSX: ${JSON.stringify(n.text.trim())}`);
    if (ts.isJsxExpression(n) && n.expression && (ts.isStringLiteral(n.expression) || ts.isNoSubstitutionTemplateLiteral(n.expression))
      && WORDS.test(n.expression.text) && !(n.parent && ts.isJsxAttribute(n.parent) && !ATTRS.has(n.parent.name.getText()))) {
      problems.push(`${where(n)}: literal string in JSX: ${JSON.stringify(n.expression.text)}`);
    }
    if (ts.isJsxAttribute(n) && ATTRS.has(n.name.getText()) && n.initializer && ts.isStringLiteral(n.initializer) && WORDS.test(n.initializer.text)) {
      problems.push(`${where(n)}: literal ${n.name.getText()}=${JSON.stringify(n.initializer.text)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

// The catalogue and the enumerations, loaded through esbuild (they are TypeScript).
const bundle = await build({
  stdin: {
    contents: `export { catalog } from './i18n/catalog'; export * from './api/types';`,
    resolveDir: src, loader: 'ts',
  },
  bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent',
});
const mod = await import('data:text/javascript;base64,' + Buffer.from(bundle.outputFiles[0].text).toString('base64'));
const { catalog } = mod;
for (const [k, v] of Object.entries(catalog)) {
  if (!v.vi || !v.en) problems.push(`catalog: ${k} lacks a language`);
  if (v.vi && v.vi.normalize('NFC') !== v.vi) problems.push(`catalog: ${k}: the Vietnamese is not NFC`);
}
const need = [
  ['role.', mod.ROLES], ['agency.kind.', mod.AGENCY_KINDS], ['user.status.', mod.USER_STATUSES],
  ['delegation.kind.', mod.DELEGATION_KINDS], ['delegation.prefix.', mod.DELEGATION_KINDS],
  ['delegation.explain.', mod.DELEGATION_KINDS], ['delegation.status.', ['active', 'pending', 'expired', 'revoked']],
  ['cert.status.', ['active', 'suspended', 'revoked', 'expired']], ['token.status.', mod.TOKEN_STATUSES],
];
for (const [prefix, values] of need) {
  for (const v of values) if (!catalog[prefix + v]) problems.push(`catalog: no label ${prefix + v}`);
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-strings: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-strings: ${Object.keys(catalog).length} messages in vi and en; no literal text in the components`);
