/* admin.js - administrators only: staff accounts (add; change role and communities, disable, enable, a new password), communities (list, add) and the audit log of every staff action. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;
  var ROLES = ['clerk', 'manager', 'admin'];

  function addForm(reload) {
    var name = h('input', {type: 'text', name: 'name', autocomplete: 'off', maxlength: 63});
    var pw = h('input', {type: 'password', name: 'password', autocomplete: 'new-password'});
    var role = h('select', {name: 'role'}, ROLES.map(function (r) { return h('option', {value: r, text: t('role.' + r)}); }));
    var comms = h('fieldset', {class: 'field checks', 'data-field': 'communities'}, h('legend', {text: t('u.communities')}),
      LK.communities().map(function (c) {
        return h('label', null, h('input', {type: 'checkbox', name: 'communities', value: c.slug}), ' ',
          LK.tx({zh: c.name_zh, en: c.name_en}) || c.slug);
      }), h('p', {class: 'field-error', role: 'alert'}));
    var submit = h('button', {type: 'submit', class: 'btn-primary', text: t('u.add')});
    var form = h('form', {class: 'card form', novalidate: true, 'aria-labelledby': 'ua-title'},
      h('h2', {id: 'ua-title', text: t('u.add_title')}),
      h('p', {class: 'form-error', role: 'alert', hidden: true}),
      h('div', {class: 'row2'}, LK.field(t('u.name'), name), LK.field(t('u.password'), pw, t('u.password_hint'))),
      LK.field(t('u.role'), role), comms, h('div', {class: 'form-actions'}, submit));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      var picked = Array.prototype.filter.call(form.querySelectorAll('input[name=communities]'), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      var bad = 0;
      if (!/^[A-Za-z0-9._-]{1,32}$/.test(name.value.trim())) { LK.fieldError(form, 'name', t('u.bad_name')); bad++; }
      if (pw.value.length < 10) { LK.fieldError(form, 'password', t('u.short_password')); bad++; }
      if (role.value !== 'admin' && !picked.length) { LK.fieldError(form, 'communities', t('u.need_community')); bad++; }
      if (bad) return;
      submit.disabled = true;
      LK.api('POST', '/api/office/users', {name: name.value.trim(), password: pw.value, role: role.value, communities: picked})
        .then(function () { LK.toast(t('u.added', {name: name.value.trim()})); name.value = ''; pw.value = ''; submit.disabled = false; reload(); })
        .catch(function (e) {
          submit.disabled = false;
          if (e.fields) Object.keys(e.fields).forEach(function (k) { if (!LK.fieldError(form, k, e.fields[k])) LK.formError(form, e.fields[k]); });
          else if (e.status === 409) LK.fieldError(form, 'name', t('u.taken'));
          else if (e.code === 'self') LK.formError(form, t('u.self'));
          else LK.formError(form, LK.errText(e));
        });
    });
    return form;
  }

  function userPath(name, what) {
    return '/api/office/users/' + encodeURIComponent(name) + (what ? '/' + what : '');
  }

  /* The server's refusal of an account form, in the console's words:
   * beside the field when it names one, else above the form. */
  var USER_FIELD_ERRORS = {role: 'u.err.role', communities: 'u.err.communities', password: 'u.short_password'};
  function userFormError(form, e) {
    if (e.fields) {
      Object.keys(e.fields).forEach(function (k) {
        var msg = USER_FIELD_ERRORS[k] ? t(USER_FIELD_ERRORS[k]) : e.fields[k];
        if (k === 'communities' && /^no such community/.test(e.fields[k])) msg = t('u.err.unknown_community');
        if (!LK.fieldError(form, k, msg)) LK.formError(form, k === 'version' ? t('u.stale') : msg);
      });
      return;
    }
    var known = {stale: 'u.stale', last_admin: 'u.last_admin', self: 'u.self_change'}[e.code];
    LK.formError(form, known ? t(known) : LK.errText(e));
    if (e.code === 'stale') form.appendChild(h('p', {class: 'form-actions'}, h('button', {type: 'button', class: 'btn-ghost',
      text: t('u.reload'), onclick: function () { LK.app.route(); }})));
  }

  /* 修改账号: role and communities, a new password, disable or enable again. */
  function renderUser(main, name) {
    var box = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
    main.appendChild(h('a', {href: '#/users', class: 'back', text: '← ' + t('nav.users')}));
    main.appendChild(box);
    LK.api('GET', userPath(name)).then(function (u) {
      LK.clear(box);
      draw(u);
    }).catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });

    function done(msg) {
      return function (u) { LK.toast(msg); LK.clear(box); draw(u); };
    }

    function draw(u) {
      var self = !!u.self;
      box.appendChild(h('div', {class: 'page-head'},
        h('h1', {text: t('u.edit_title', {name: u.name})}),
        h('p', {class: 'muted'}, h('span', {class: 'badge ' + (u.disabled ? 'status-withdrawn' : 'status-published'),
          text: t(u.disabled ? 'u.disabled' : 'u.active')}), ' ', t('role.' + u.role))));

      /* role and communities */
      var role = h('select', {name: 'role', disabled: self}, ROLES.map(function (r) { return h('option', {value: r, text: t('role.' + r)}); }));
      role.value = u.role;
      var held = u.communities || [];
      var comms = h('fieldset', {class: 'field checks', 'data-field': 'communities'}, h('legend', {text: t('u.communities')}),
        LK.communities().map(function (c) {
          return h('label', null, h('input', {type: 'checkbox', name: 'communities', value: c.slug, checked: held.indexOf(c.slug) >= 0}), ' ',
            LK.tx({zh: c.name_zh, en: c.name_en}) || c.slug);
        }), h('p', {class: 'field-error', role: 'alert'}));
      var allNote = h('p', {class: 'muted', text: t('u.admin_all')});
      function showComms() { comms.hidden = role.value === 'admin'; allNote.hidden = role.value !== 'admin'; }
      role.addEventListener('change', showComms);
      showComms();
      var save = h('button', {type: 'submit', class: 'btn-primary', text: t('u.save')});
      var access = h('form', {class: 'card form user-access', novalidate: true, 'aria-labelledby': 'ue-access'},
        h('h2', {id: 'ue-access', text: t('u.access_title')}),
        h('p', {class: 'form-error', role: 'alert', hidden: true}),
        LK.field(t('u.role'), role, self ? t('u.self_role_hint') : null), comms, allNote,
        h('div', {class: 'form-actions'}, save));
      access.addEventListener('submit', function (ev) {
        ev.preventDefault();
        LK.clearErrors(access);
        var picked = Array.prototype.filter.call(access.querySelectorAll('input[name=communities]'), function (c) { return c.checked; })
          .map(function (c) { return c.value; });
        if (role.value !== 'admin' && !picked.length) { LK.fieldError(access, 'communities', t('u.need_community')); return; }
        save.disabled = true;
        LK.api('PUT', userPath(u.name), {role: role.value, communities: role.value === 'admin' ? [] : picked, version: u.version})
          .then(done(t('u.saved', {name: u.name})))
          .catch(function (e) { save.disabled = false; userFormError(access, e); });
      });
      box.appendChild(access);

      /* a new password */
      var pw = h('input', {type: 'password', name: 'password', autocomplete: 'new-password'});
      var reset = h('button', {type: 'submit', class: 'btn-primary', text: t('u.reset')});
      var pwForm = h('form', {class: 'card form user-password', novalidate: true, 'aria-labelledby': 'ue-pw'},
        h('h2', {id: 'ue-pw', text: t('u.reset_title')}),
        h('p', {class: 'muted', text: t(self ? 'u.reset_lead_self' : 'u.reset_lead')}),
        h('p', {class: 'form-error', role: 'alert', hidden: true}),
        LK.field(t('u.new_password'), pw, t('u.password_hint')),
        h('div', {class: 'form-actions'}, reset));
      pwForm.addEventListener('submit', function (ev) {
        ev.preventDefault();
        LK.clearErrors(pwForm);
        if (Array.from(pw.value).length < 10) { LK.fieldError(pwForm, 'password', t('u.short_password')); pw.focus(); return; }
        if (!self && !confirm(t('u.reset_confirm', {name: u.name}))) return;
        reset.disabled = true;
        LK.api('POST', userPath(u.name, 'password'), {password: pw.value, version: u.version})
          .then(function (nu) { pw.value = ''; done(t('u.reset_ok', {name: u.name}))(nu); })
          .catch(function (e) { reset.disabled = false; userFormError(pwForm, e); });
      });
      box.appendChild(pwForm);

      /* disable, or enable again */
      var state = h('form', {class: 'card form user-state', novalidate: true, 'aria-labelledby': 'ue-state'},
        h('h2', {id: 'ue-state', text: t(u.disabled ? 'u.enable_title' : 'u.disable_title')}),
        h('p', {class: 'form-error', role: 'alert', hidden: true}));
      if (self) {
        state.appendChild(h('p', {class: 'muted', text: t('u.self')}));
      } else {
        state.appendChild(h('p', {class: 'muted', text: t(u.disabled ? 'u.enable_lead' : 'u.disable_lead')}));
        var act = h('button', {type: 'submit', class: u.disabled ? 'btn-primary' : 'btn-ghost danger', text: t(u.disabled ? 'u.enable' : 'u.disable_long')});
        state.appendChild(h('div', {class: 'form-actions'}, act));
        state.addEventListener('submit', function (ev) {
          ev.preventDefault();
          LK.clearErrors(state);
          if (!u.disabled && !confirm(t('u.disable_confirm', {name: u.name}))) return;
          act.disabled = true;
          LK.api('POST', userPath(u.name, u.disabled ? 'enable' : 'disable'), {version: u.version})
            .then(done(t(u.disabled ? 'u.enabled_ok' : 'u.disabled_ok', {name: u.name})))
            .catch(function (e) { act.disabled = false; userFormError(state, e); });
        });
      }
      box.appendChild(state);
    }
  }

  LK.pages.users = {
    title: 'nav.users', need: 'admin',
    render: function (main, args) {
      if (args && args[0]) { renderUser(main, args[0]); return; }
      var box = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
      function reload() {
        LK.api('GET', '/api/office/users').then(function (r) {
          var items = (r && (r.users || r.items)) || [];
          LK.clear(box).appendChild(LK.markEmpty(h('table', {class: 'data cards-on-phone users'},
            h('thead', null, h('tr', null, ['u.name', 'u.role', 'u.communities', 'col.state', 'col.action']
              .map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))),
            h('tbody', null, items.map(function (u) {
              return h('tr', {class: u.disabled ? 'is-disabled' : '', 'data-user': u.name},
                h('td', {'data-label': t('u.name')}, h('strong', {text: u.name})),
                h('td', {'data-label': t('u.role'), text: t('role.' + u.role)}),
                h('td', {'data-label': t('u.communities'), text: u.role === 'admin' ? t('u.all') :
                  (u.communities || []).map(function (c) { return LK.communityName(c.slug || c); }).join('、') || '—'}),
                h('td', {'data-label': t('col.state'), text: t(u.disabled ? 'u.disabled' : 'u.active')}),
                h('td', {class: 'cell-action'}, h('a', {href: '#/users/' + encodeURIComponent(u.name), class: 'btn-ghost small',
                  'aria-label': t('u.edit_title', {name: u.name}), text: t('u.edit')})));
            })))));
        }).catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });
      }
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.users')}), h('p', {class: 'muted', text: t('u.lead')})));
      main.appendChild(box);
      main.appendChild(addForm(reload));
      reload();
    }
  };

  /* 社区: every community, and a new one (administrators; the slug names
   * it in every address and cannot change). */
  function communityForm(reload) {
    var slug = h('input', {type: 'text', name: 'slug', autocomplete: 'off', maxlength: 63, autocapitalize: 'none', spellcheck: 'false'});
    var zh = h('input', {type: 'text', name: 'name_zh', lang: 'zh-CN', maxlength: 100});
    var en = h('input', {type: 'text', name: 'name_en', lang: 'en', maxlength: 100});
    var submit = h('button', {type: 'submit', class: 'btn-primary', text: t('c.add')});
    var form = h('form', {class: 'card form', novalidate: true, 'aria-labelledby': 'ca-title'},
      h('h2', {id: 'ca-title', text: t('c.add_title')}),
      h('p', {class: 'form-error', role: 'alert', hidden: true}),
      LK.field(t('c.slug'), slug, t('c.slug_hint')),
      h('div', {class: 'row2'}, LK.field(t('c.name_zh'), zh), LK.field(t('c.name_en'), en)),
      h('div', {class: 'form-actions'}, submit));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      var bad = 0, s = slug.value.trim();
      if (!/^[a-z0-9-]{1,63}$/.test(s)) { LK.fieldError(form, 'slug', t('c.bad_slug')); bad++; }
      if (!zh.value.trim()) { LK.fieldError(form, 'name_zh', t('v.need_zh')); bad++; }
      if (bad) { form.querySelector('.has-error input').focus(); return; }
      submit.disabled = true;
      /* the button stays off until the answer: one click, one community */
      LK.api('POST', '/api/office/communities', {slug: s, name_zh: zh.value.trim(), name_en: en.value.trim()})
        .then(function (c) {
          submit.disabled = false;
          slug.value = ''; zh.value = ''; en.value = '';
          reload(t('c.added', {name: c.name_zh}));
        })
        .catch(function (e) {
          submit.disabled = false;
          if (e.status === 409) LK.fieldError(form, 'slug', t('c.taken'));
          else if (e.fields) Object.keys(e.fields).forEach(function (k) { if (!LK.fieldError(form, k, e.fields[k])) LK.formError(form, e.fields[k]); });
          else LK.formError(form, LK.errText(e));
        });
    });
    return form;
  }

  LK.pages.communities = {
    title: 'nav.communities', need: 'admin',
    render: function (main) {
      var box = h('div', {'aria-live': 'polite'});
      function draw() {
        LK.clear(box).appendChild(LK.markEmpty(h('table', {class: 'data cards-on-phone communities'},
          h('thead', null, h('tr', null, ['c.slug', 'c.name_zh', 'c.name_en']
            .map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))),
          h('tbody', null, LK.communities().map(function (c) {
            return h('tr', {'data-community': c.slug},
              h('td', {'data-label': t('c.slug'), class: 'mono', text: c.slug}),
              h('td', {'data-label': t('c.name_zh'), text: c.name_zh}),
              h('td', {'data-label': t('c.name_en'), text: c.name_en || '—'}));
          })))));
      }
      /* A new one reaches every community menu: the session's list again. */
      function reload(said) {
        LK.api('GET', '/api/office/me').then(function (me) {
          LK.me.communities = (me && me.communities) || LK.me.communities;
          LK.app.render();   /* the shell too: its community menu */
          LK.toast(said);
        }).catch(function (e) { box.appendChild(LK.failBox(e)); });
      }
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.communities')}), h('p', {class: 'muted', text: t('c.lead')})));
      main.appendChild(box);
      main.appendChild(communityForm(reload));
      draw();
    }
  };

  /* The server writes an audit row's summary in English words of its own
   * (docs/OFFICE-API.md, "Audit log"); the known ones read in the console's
   * language, anything else is shown as it is. */
  var AUDIT_PARTS = [
    [/^(\w+) -> (\w+)$/, function (m) { return t('as.state', {from: t('state.' + m[1]), to: t('state.' + m[2])}); }],
    [/^now (\w+)$/, function (m) { return t('as.now', {status: t('status.' + m[1])}); }],
    [/^assigned to (.+)$/, function (m) { return t('as.assigned', {user: m[1]}); }],
    [/^role (\w+), (\d+) communities$/, function (m) { return t('as.role', {role: t('role.' + m[1]), n: m[2]}); }],
    [/^every (\d+) months, at least (\d+) days$/, function (m) { return t('as.rule', {months: m[1], days: m[2]}); }],
    [/^(unassigned|reply published|reply waits for approval|note|contact deleted|kiosk added, enrolment code made|device token revoked|alert acknowledged|sessions ended|disabled user)$/,
      function (m) { return t('as.' + m[1].replace(/\W+/g, '_')); }]
  ];
  function auditSummary(s) {
    if (!s) return '';
    if (LK.lang === 'en') return s;
    function one(part) {
      for (var i = 0; i < AUDIT_PARTS.length; i++) {
        var m = AUDIT_PARTS[i][0].exec(part);
        if (m) return AUDIT_PARTS[i][1](m);
      }
      return null;
    }
    /* the whole first ("role manager, 2 communities" holds a comma), then its parts */
    var whole = one(String(s));
    if (whole !== null) return whole;
    return String(s).split(', ').map(function (part) { var r = one(part); return r === null ? part : r; }).join('，');
  }

  LK.pages.audit = {
    title: 'nav.audit', need: 'admin',
    render: function (main) {
      var tbody = h('tbody'), more = null;
      var box = h('div', {'aria-live': 'polite'});
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.audit')}), h('p', {class: 'muted', text: t('a.lead')})));
      main.appendChild(box);
      box.appendChild(h('table', {class: 'data cards-on-phone audit'},
        h('thead', null, h('tr', null, ['a.time', 'a.user', 'a.action', 'field.community', 'a.target', 'a.summary']
          .map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))), tbody));
      // A phone gets short pages of compact entries (console.css), a desk a long table.
      var limit = LK.narrow() ? 20 : 100;
      function load(before) {
        LK.api('GET', '/api/office/audit' + LK.qs({limit: limit, before: before})).then(function (r) {
          var items = (r && (r.items || r)) || [];
          items.forEach(function (a) {
            var ak = 'audit.' + String(a.action).replace(/\./g, '_'), an = t(ak);
            tbody.appendChild(LK.markEmpty(h('tr', null,
              h('td', {'data-label': t('a.time'), class: 'a-time', text: LK.fmtTime(a.at)}),
              h('td', {'data-label': t('a.user'), class: 'a-user', text: a.user || '—'}),
              h('td', {'data-label': t('a.action'), class: 'a-action', text: an === ak ? a.action : an}),
              h('td', {'data-label': t('field.community'), class: 'a-comm', text: a.community ? LK.communityName(a.community) : '—'}),
              h('td', {'data-label': t('a.target'), class: 'mono a-target', text: a.target || '—'}),
              h('td', {'data-label': t('a.summary'), class: 'a-summary', text: auditSummary(a.summary)}))));
          });
          if (more) more.remove();
          var next = r && r.next;
          if (next) box.appendChild(more = h('button', {type: 'button', class: 'btn-ghost wide', text: t('more'),
            onclick: function () { more.disabled = true; load(next); }}));
          if (!tbody.firstChild) box.appendChild(h('p', {class: 'empty', text: t('a.empty')}));
        }).catch(function (e) { box.appendChild(LK.failBox(e)); });
      }
      load(null);
    }
  };
})();
