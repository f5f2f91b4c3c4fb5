// The kysod origins this extension serves (configured per deployment). An entry is an exact
// origin ("https://kyso.haiphong.gov.vn"); "http://127.0.0.1:*" admits the loopback demo on
// any port. Only https origins, and plain http on 127.0.0.1 only.
// eslint-disable-next-line no-unused-vars
var KYSO_ALLOWED_ORIGINS = ["https://kyso.haiphong.gov.vn", "http://127.0.0.1:*"];
