#!/usr/bin/env node
// Seeds a running kysod with the sample city through its own API (nothing behind its back):
// the city committee (made by `kysod --init-admin`), Sở KH&CN with its units, the city
// committee's office, two wards, and one person for every role, each with a fresh random
// password. Prints who can sign in with what; --json FILE also writes {role: {login, password,
// full_name, agency}} for the tests. The names, codes and addresses are a demonstration's.
//   node scripts/sample-city.mjs http://127.0.0.1:PORT ADMIN_LOGIN [--json FILE]
// The administrator's password comes from KYSOD_ADMIN_PASSWORD (never the command line).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [base, adminLogin] = process.argv.slice(2);
const jsonAt = process.argv.indexOf('--json');
const jsonFile = jsonAt > 0 ? process.argv[jsonAt + 1] : null;
const adminPassword = process.env.KYSOD_ADMIN_PASSWORD ?? '';
if (!base || !adminLogin || !adminPassword) {
  console.error('usage: KYSOD_ADMIN_PASSWORD=… node scripts/sample-city.mjs http://127.0.0.1:PORT ADMIN_LOGIN [--json FILE]');
  process.exit(3);
}

let cookie = '';
let csrf = '';
async function call(method, path, body) {
  const headers = { 'Accept-Language': 'vi', Cookie: cookie };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(base + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const set = r.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0];
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return json;
}
const password = () => randomBytes(9).toString('base64url');

const me = await call('POST', '/auth/sign-in', { login: adminLogin, password: adminPassword });
csrf = me.csrf_token;
const root = me.user.agency_id;

await call('PATCH', `/agencies/${root}`, {
  name: 'Ủy ban nhân dân thành phố Hải Phòng', short_name: 'UBND thành phố', code: 'H24',
  address: 'Số 18 Hoàng Diệu, phường Hồng Bàng, thành phố Hải Phòng',
  contacts: { phone: '0225.3842.000', email: 'ubnd@haiphong.gov.vn', website: 'https://haiphong.gov.vn' },
});
await call('PATCH', `/users/${me.user.id}`, { full_name: 'Nguyễn Quang Minh', title: 'Quản trị hệ thống thành phố' });

const agency = (a) => call('POST', '/agencies', { parent_id: root, ...a });
const dost = await agency({
  name: 'Sở Khoa học và Công nghệ', short_name: 'Sở KH&CN', kind: 'department', code: 'H24.6',
  address: 'Số 01 Phạm Ngũ Lão, phường Gia Viên, thành phố Hải Phòng',
  contacts: { phone: '0225.3846.475', email: 'sokhcn@haiphong.gov.vn' },
});
const office = await agency({
  name: 'Văn phòng Ủy ban nhân dân thành phố', short_name: 'Văn phòng UBND', kind: 'office', code: 'H24.1',
  address: 'Số 18 Hoàng Diệu, phường Hồng Bàng, thành phố Hải Phòng', contacts: { phone: '0225.3842.500' },
});
const ward1 = await agency({
  name: 'Ủy ban nhân dân phường Gia Viên', short_name: 'UBND phường Gia Viên', kind: 'ward', code: 'H24.81',
  address: 'Số 5 Lê Lợi, phường Gia Viên, thành phố Hải Phòng', contacts: { phone: '0225.3747.100' },
});
const ward2 = await agency({
  name: 'Ủy ban nhân dân phường Lê Chân', short_name: 'UBND phường Lê Chân', kind: 'ward', code: 'H24.82',
  address: 'Số 2 Hai Bà Trưng, phường Lê Chân, thành phố Hải Phòng', contacts: { phone: '0225.3856.200' },
});

const unit = (a, name, code) => call('POST', `/agencies/${a.id}/units`, { name, code });
const board = await unit(dost, 'Ban Giám đốc', 'BGD');
const dostOffice = await unit(dost, 'Văn phòng Sở', 'VP');
const tech = await unit(dost, 'Phòng Quản lý công nghệ và Chuyển đổi số', 'QLCN');
await unit(dost, 'Trung tâm Ứng dụng tiến bộ khoa học và công nghệ', 'TTUD');

const people = [];
async function person(role, a, u, login, full_name, title) {
  const pw = password();
  const user = await call('POST', '/users', { login, full_name, title, agency_id: a.id, unit_id: u?.id ?? null,
    email: login + '@example.haiphong.gov.vn', password: pw });
  await call('POST', '/role-assignments', { user_id: user.id, agency_id: a.id, role });
  people.push({ role, login, password: pw, full_name, agency: a.short_name ?? a.name });
  return user;
}
await person('agency_admin', dost, dostOffice, 'quantri.khcn', 'Hoàng Văn Quân', 'Chuyên viên Văn phòng Sở');
await person('signer', dost, board, 'giamdoc.khcn', 'Phạm Thị Hương', 'Giám đốc');
await person('unit_head', dost, tech, 'truongphong.khcn', 'Ngô Thị Hạnh', 'Trưởng phòng');
await person('format_checker', dost, dostOffice, 'chanhvp.khcn', 'Vũ Văn Thắng', 'Chánh Văn phòng');
await person('drafter', dost, tech, 'chuyenvien.khcn', 'Trần Minh Sơn', 'Chuyên viên');
await person('clerk', dost, dostOffice, 'vanthu.khcn', 'Đỗ Thị Thu', 'Văn thư');
await person('registration_officer', dost, tech, 'dangky.khcn', 'Bùi Văn Đăng', 'Chuyên viên');
await person('it_support', dost, tech, 'cntt.khcn', 'Lý Minh Khoa', 'Chuyên viên công nghệ thông tin');
// The city's auditor sits in the city committee (a role held there reaches every agency).
await person('auditor', { id: root, short_name: 'UBND thành phố' }, null, 'kiemtra.tp', 'Đinh Thị Kim', 'Thanh tra viên');
await person('clerk', office, null, 'vanthu.vp', 'Lương Thị Mai', 'Văn thư');
await person('agency_admin', ward1, null, 'quantri.giavien', 'Phan Văn Hùng', 'Công chức Văn phòng - Thống kê');
await person('signer', ward2, null, 'chutich.lechan', 'Đặng Quốc Bảo', 'Chủ tịch');
people.unshift({ role: 'city_admin', login: adminLogin, password: adminPassword, full_name: 'Nguyễn Quang Minh', agency: 'UBND thành phố' });

await call('POST', '/auth/sign-out');

if (jsonFile) {
  const byRole = {};
  for (const p of people) if (!byRole[p.role]) byRole[p.role] = p;
  writeFileSync(jsonFile, JSON.stringify(byRole, null, 2), { mode: 0o600 });
}
if (!process.argv.includes('--quiet')) {
  console.log('Tài khoản mẫu / sample accounts (vai trò / role, tên đăng nhập / login, mật khẩu / password):');
  for (const p of people) console.log(`  ${p.role.padEnd(21)} ${p.login.padEnd(17)} ${p.password.padEnd(14)} ${p.full_name}, ${p.agency}`);
}
