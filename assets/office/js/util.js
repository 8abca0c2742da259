/* util.js - the console's helpers: DOM built from text only, words, API calls with the CSRF token, dates as office staff write them. */
'use strict';
var LK = window.LK || (window.LK = {});
LK.i18n = LK.i18n || {};
LK.pages = LK.pages || {};

/* ---- words (i18n/zh.js, i18n/en.js) ---- */

LK.lang = (function () {
  try { return localStorage.getItem('lk_lang') === 'en' ? 'en' : 'zh'; } catch (e) { return 'zh'; }
})();

LK.setLang = function (lang) {
  LK.lang = lang === 'en' ? 'en' : 'zh';
  try { localStorage.setItem('lk_lang', LK.lang); } catch (e) { /* private mode */ }
  document.documentElement.lang = LK.lang === 'en' ? 'en' : 'zh-CN';
};

/* The word for `key` in the current language ({name} filled from vars);
 * Chinese when the English is missing, the key itself when both are. */
LK.t = function (key, vars) {
  var d = LK.i18n[LK.lang] || {}, s = d[key];
  if (s === undefined) s = (LK.i18n.zh || {})[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] === undefined ? m : String(vars[k]); });
  return s;
};

/* A bilingual text object {zh, en} in the current language. */
LK.tx = function (o) {
  if (!o) return '';
  if (typeof o === 'string') return o;
  return (LK.lang === 'en' && o.en) ? o.en : (o.zh || o.en || '');
};

/* ---- DOM: text goes in as text, never as markup ---- */

/* h('button', {class: 'x', onclick: fn, type: 'button'}, 'text', child, [more]) */
LK.h = function (tag, attrs) {
  var el = tag.indexOf('svg:') === 0
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k.indexOf('on') === 0 && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = String(v);
      else if (k === 'value' && 'value' in el && el.tagName !== 'BUTTON') el.value = v;
      else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = !!v;
      else if (k === 'style') throw new Error('no style attributes: the CSP forbids them');
      else el.setAttribute(k, v === true ? '' : String(v));
    });
  }
  for (var i = 2; i < arguments.length; i++) LK.append(el, arguments[i]);
  return el;
};

LK.append = function (el, kid) {
  if (kid === undefined || kid === null || kid === false) return el;
  if (Array.isArray(kid)) { kid.forEach(function (k) { LK.append(el, k); }); return el; }
  el.appendChild(typeof kid === 'object' ? kid : document.createTextNode(String(kid)));
  return el;
};

/* Mark the table cells of root that show nothing (no text but "—" and no
 * control): on a phone, where rows are cards, they are hidden with their
 * labels (console.css); a desktop table keeps them for its columns. */
LK.markEmpty = function (root) {
  Array.prototype.forEach.call(root.querySelectorAll('td'), function (td) {
    var s = td.textContent.replace(/\s+/g, '');
    td.classList.toggle('is-empty', (s === '' || s === '—') &&
      !td.querySelector('button, a, input, select, textarea, img, svg'));
  });
  return root;
};

/* Whether the console is laid out for a phone (the width console.css's
 * phone rules start at). */
LK.narrow = function () {
  return !!(window.matchMedia && window.matchMedia('(max-width: 760px)').matches);
};

LK.clear = function (el) { while (el.firstChild) el.removeChild(el.firstChild); return el; };

LK.$ = function (sel, root) { return (root || document).querySelector(sel); };

/* A labelled control: <div class="field"><label for=id>label</label>control<p class="field-error"></p></div> */
LK.field = function (label, control, hint) {
  var id = control.id || ('f-' + (control.name || Math.random().toString(36).slice(2)).replace(/\W/g, '-'));
  control.id = id;
  var err = LK.h('p', {class: 'field-error', id: id + '-error', role: 'alert'});
  control.setAttribute('aria-describedby', id + '-error');
  return LK.h('div', {class: 'field', 'data-field': control.name || ''},
    LK.h('label', {for: id, text: label}), control,
    hint ? LK.h('p', {class: 'hint', text: hint}) : null, err);
};

/* Show `msg` beside the control named `name` in `form` (or clear it with ''). */
LK.fieldError = function (form, name, msg) {
  var box = form.querySelector('[data-field="' + name + '"]');
  if (!box) return false;
  var p = box.querySelector('.field-error');
  p.textContent = msg || '';
  box.classList.toggle('has-error', !!msg);
  var c = box.querySelector('input, select, textarea');
  if (c) c.setAttribute('aria-invalid', msg ? 'true' : 'false');
  return true;
};

LK.clearErrors = function (form) {
  form.querySelectorAll('.field').forEach(function (b) {
    b.classList.remove('has-error');
    var p = b.querySelector('.field-error'); if (p) p.textContent = '';
  });
  var top = form.querySelector('.form-error'); if (top) { top.textContent = ''; top.hidden = true; }
};

/* A message for the whole form (stale, network, forbidden). */
LK.formError = function (form, msg) {
  var top = form.querySelector('.form-error');
  if (!top) { top = LK.h('p', {class: 'form-error', role: 'alert'}); form.insertBefore(top, form.firstChild); }
  top.textContent = msg; top.hidden = !msg;
  if (msg) top.scrollIntoView({block: 'nearest'});
};

/* A short note at the top of the page that goes away by itself. */
LK.toast = function (msg, kind) {
  var box = LK.$('#toast');
  if (!box) return;
  box.textContent = msg;
  box.className = 'toast ' + (kind || 'ok');
  box.hidden = false;
  clearTimeout(LK._toastTimer);
  LK._toastTimer = setTimeout(function () { box.hidden = true; }, 5000);
};

/* ---- the API ---- */

LK.ApiError = function (status, code, message, fields, retryAfter) {
  this.status = status; this.code = code; this.message = message;
  this.fields = fields || null; this.retryAfter = retryAfter || 0;
};

/* The LK.ApiError of an answer `r` whose body held {"error": e}. The
 * office gives each message also as {zh, en} (docs/OFFICE-API.md,
 * "Errors"): the staff read them in the console's language. */
LK.apiError = function (r, e) {
  var fields = e.fields;
  if (e.fields_text) {
    fields = {};
    Object.keys(e.fields_text).forEach(function (k) { fields[k] = LK.tx(e.fields_text[k]); });
  }
  return new LK.ApiError(r.status, e.code || 'http_' + r.status,
    (e.text && LK.tx(e.text)) || e.message || r.statusText,
    fields, parseInt(r.headers.get('Retry-After') || '0', 10));
};

LK.csrf = '';

/* A random key for Idempotency-Key: one per form, so a double submit acts once. */
LK.randomKey = function () {
  var b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
};

/* fetch JSON: resolves with the parsed body (null for an empty one),
 * rejects with LK.ApiError. Every change carries X-CSRF-Token. A 401
 * (session over) sends the console back to the sign-in page. */
LK.api = function (method, path, body, opts) {
  opts = opts || {};
  var headers = {'Accept': 'application/json'};
  if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && LK.csrf) headers['X-CSRF-Token'] = LK.csrf;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  LK.activity();
  return fetch(path, {
    method: method, headers: headers, credentials: 'same-origin', cache: 'no-store',
    body: body !== undefined && body !== null ? JSON.stringify(body) : undefined
  }).then(function (r) {
    return r.text().then(function (text) {
      var data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (r.ok) return data;
      var err = LK.apiError(r, (data && data.error) || {});
      if (r.status === 401 && !opts.noSignOut && LK.app) LK.app.sessionEnded('expired');
      throw err;
    });
  }, function () {
    throw new LK.ApiError(0, 'network', LK.t('err.network'));
  });
};

/* A query string from an object, leaving out empty values. */
LK.qs = function (o) {
  var parts = [];
  Object.keys(o).forEach(function (k) {
    var v = o[k];
    if (v === undefined || v === null || v === '' || v === false) return;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v === true ? '1' : v));
  });
  return parts.length ? '?' + parts.join('&') : '';
};

/* The sentence to show for an API error. */
LK.errText = function (e) {
  if (!(e instanceof LK.ApiError)) return LK.t('err.unknown');
  var k = 'err.' + e.code;
  var s = LK.t(k, {minutes: Math.max(1, Math.ceil((e.retryAfter || 60) / 60))});
  if (s !== k) return s;
  if (e.status === 404) return LK.t('err.not_found');
  if (e.status === 403) return LK.t('err.forbidden');
  if (e.status >= 500) return LK.t('err.server');
  return e.message || LK.t('err.unknown');
};

/* A page's message when an endpoint is not there (yet) or failed. */
LK.failBox = function (e) {
  return LK.h('p', {class: 'notice-box error', role: 'alert', text: LK.errText(e)});
};

/* ---- time ---- */

LK.toDate = function (v) {
  if (v === undefined || v === null || v === '') return null;
  var d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
  return isNaN(d.getTime()) ? null : d;
};

function lkPad(n) { return (n < 10 ? '0' : '') + n; }

var LK_MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/* "今天 09:12", "昨天 09:12", "12月3日 09:12", "2025年12月3日 09:12" (English alike). */
LK.fmtTime = function (v, now) {
  var d = LK.toDate(v);
  if (!d) return '—';
  now = now || new Date();
  var hm = lkPad(d.getHours()) + ':' + lkPad(d.getMinutes());
  var day0 = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  var t = d.getTime();
  if (t >= day0 && t < day0 + 86400000) return LK.t('time.today', {hm: hm});
  if (t >= day0 - 86400000 && t < day0) return LK.t('time.yesterday', {hm: hm});
  var vars = {y: d.getFullYear(), m: d.getMonth() + 1, d: d.getDate(), hm: hm, mon: LK_MONTHS_EN[d.getMonth()]};
  return LK.t(d.getFullYear() === now.getFullYear() ? 'time.md' : 'time.ymd', vars);
};

/* "2026年12月5日" */
LK.fmtDate = function (v) {
  var d = LK.toDate(v);
  if (!d) return '—';
  return LK.t('time.date', {y: d.getFullYear(), m: d.getMonth() + 1, d: d.getDate(), mon: LK_MONTHS_EN[d.getMonth()]});
};

/* "刚刚", "5分钟前", "3小时前", "3天前" */
LK.fmtAgo = function (v, now) {
  var d = LK.toDate(v);
  if (!d) return LK.t('time.never');
  var s = Math.round(((now || new Date()).getTime() - d.getTime()) / 1000);
  if (s < 60) return LK.t('time.just_now');
  if (s < 3600) return LK.t('time.min_ago', {n: Math.floor(s / 60)});
  if (s < 86400) return LK.t('time.hour_ago', {n: Math.floor(s / 3600)});
  return LK.t('time.day_ago', {n: Math.floor(s / 86400)});
};

/* A deadline: "还剩5小时" or "已逾期2天". */
LK.fmtDue = function (v, now) {
  var d = LK.toDate(v);
  if (!d) return '';
  var s = Math.round((d.getTime() - (now || new Date()).getTime()) / 1000), a = Math.abs(s);
  var n = a < 3600 ? Math.max(1, Math.floor(a / 60)) : a < 86400 ? Math.floor(a / 3600) : Math.floor(a / 86400);
  var unit = a < 3600 ? 'min' : a < 86400 ? 'hour' : 'day';
  return LK.t(s >= 0 ? 'due.left.' + unit : 'due.over.' + unit, {n: n});
};

/* A day typed by hand, as office staff write it: 2026-12-05, 2026/12/5,
 * 2026.12.5 or 2026年12月5日 (full-width digits too) -> "2026-12-05";
 * "" for nothing, null for anything else (12/05/2026 is ambiguous). */
LK.parseDay = function (s) {
  s = String(s || '').replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); }).trim();
  if (!s) return '';
  var m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (!m) return null;
  var y = +m[1], mo = +m[2], d = +m[3], dt = new Date(y, mo - 1, d);
  if (dt.getFullYear() !== y || dt.getMonth() !== mo - 1 || dt.getDate() !== d) return null;
  return y + '-' + lkPad(mo) + '-' + lkPad(d);
};

/* A day field shown the same in every browser (yyyy-mm-dd, not the
 * browser's own mm/dd/yyyy): a text input read with LK.parseDay. */
LK.dayInput = function (name, value) {
  return LK.h('input', {type: 'text', name: name, value: value || '', maxlength: 16, autocomplete: 'off',
    spellcheck: 'false', placeholder: LK.t('date.placeholder'), class: 'day-input'});
};

/* A month typed by hand (2026-07, 2026/7, 2026年7月) -> "2026-07"; "" or null. */
LK.parseMonth = function (s) {
  s = String(s || '').replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); }).trim();
  if (!s) return '';
  var m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(s);
  if (!m || +m[2] < 1 || +m[2] > 12) return null;
  return m[1] + '-' + lkPad(+m[2]);
};

/* A time of day typed by hand (9:00, 09:00, 9点, 21:30) -> "09:00"; "" or null. */
LK.parseClock = function (s) {
  s = String(s || '').replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
    .replace(/[：]/g, ':').trim();
  if (!s) return '';
  var m = /^(\d{1,2})(?:\s*[:点]\s*(\d{2})?\s*分?)?$/.exec(s);
  if (!m || +m[1] > 23 || (m[2] !== undefined && +m[2] > 59)) return null;
  return lkPad(+m[1]) + ':' + lkPad(m[2] === undefined ? 0 : +m[2]);
};

/* A date and time as two text fields, day (yyyy-mm-dd) and time (HH:MM,
 * 24 hours), in a fieldset named `name` for LK.fieldError; read it with
 * LK.readDateTime. `value`: an ISO 8601 time or empty. */
LK.dateTimeField = function (label, name, value, hint) {
  var d = LK.toDate(value);
  var day = LK.dayInput(name + '.day', d ? d.getFullYear() + '-' + lkPad(d.getMonth() + 1) + '-' + lkPad(d.getDate()) : '');
  var clock = LK.h('input', {type: 'text', name: name + '.time', maxlength: 8, autocomplete: 'off', class: 'time-input',
    value: d ? lkPad(d.getHours()) + ':' + lkPad(d.getMinutes()) : '', placeholder: LK.t('time.placeholder')});
  var id = 'f-' + name.replace(/\W/g, '-');
  day.id = id + '-day'; clock.id = id + '-time';
  day.setAttribute('aria-describedby', id + '-error'); clock.setAttribute('aria-describedby', id + '-error');
  return LK.h('fieldset', {class: 'field datetime', 'data-field': name},
    LK.h('legend', {text: label}),
    LK.h('div', {class: 'dt-pair'},
      LK.h('span', {class: 'dt-part'}, LK.h('label', {for: day.id, class: 'dt-label', text: LK.t('date.day')}), day),
      LK.h('span', {class: 'dt-part'}, LK.h('label', {for: clock.id, class: 'dt-label', text: LK.t('date.time')}), clock)),
    hint ? LK.h('p', {class: 'hint', text: hint}) : null,
    LK.h('p', {class: 'field-error', id: id + '-error', role: 'alert'}));
};

/* The ISO 8601 time of a LK.dateTimeField: "" when both parts are empty,
 * null when either is wrong or only one is given. */
LK.readDateTime = function (form, name) {
  var day = LK.parseDay(form.elements[name + '.day'].value), clock = LK.parseClock(form.elements[name + '.time'].value);
  if (day === '' && clock === '') return '';
  if (!day || !clock) return null;
  return LK.fromLocalInput(day + 'T' + clock);
};

/* <input type=datetime-local> value <-> ISO 8601 with this browser's offset. */
LK.toLocalInput = function (v) {
  var d = LK.toDate(v);
  if (!d) return '';
  return d.getFullYear() + '-' + lkPad(d.getMonth() + 1) + '-' + lkPad(d.getDate()) + 'T' +
    lkPad(d.getHours()) + ':' + lkPad(d.getMinutes());
};

LK.fromLocalInput = function (s) {
  if (!s) return '';
  var d = new Date(s);
  if (isNaN(d.getTime())) return null;
  var off = -d.getTimezoneOffset(), sign = off >= 0 ? '+' : '-';
  off = Math.abs(off);
  return s.slice(0, 16) + ':00' + sign + lkPad(Math.floor(off / 60)) + ':' + lkPad(off % 60);
};

/* ---- idle sign-out ---- */

LK.lastActivity = Date.now();
LK.activity = function () { LK.lastActivity = Date.now(); };
