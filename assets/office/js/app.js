/* app.js - the console's shell: session (/api/office/me), sign-in, idle sign-out, navigation by #/page, language toggle. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;
  LK.pages = LK.pages || {};
  LK.state = {community: ''};
  var app = LK.app = {};
  var idleTimer = null;

  /* The pages in the navigation, in order; `need`: the lowest role that sees it. */
  var NAV = [
    ['inbox', 'nav.inbox', 'clerk'], ['board', 'nav.board', 'clerk'], ['notices', 'nav.notices', 'clerk'],
    ['events', 'nav.events', 'clerk'], ['channels', 'nav.channels', 'clerk'], ['postings', 'nav.postings', 'clerk'],
    ['kiosks', 'nav.kiosks', 'clerk'], ['stats', 'nav.stats', 'clerk'], ['users', 'nav.users', 'admin'],
    ['communities', 'nav.communities', 'admin'],
    ['audit', 'nav.audit', 'admin']
  ];
  var RANK = {clerk: 1, manager: 2, admin: 3};

  /* Whether the signed-in user holds at least `role`. */
  LK.can = function (role) { return !!LK.me && (RANK[LK.me.role] || 0) >= (RANK[role] || 9); };

  LK.communities = function () { return (LK.me && LK.me.communities) || []; };
  LK.communityName = function (slug) {
    var c = LK.communities().filter(function (x) { return x.slug === slug; })[0];
    return c ? LK.tx({zh: c.name_zh, en: c.name_en}) || slug : (slug || '');
  };

  /* A <select> of the user's communities; `all` adds "every community". */
  LK.communitySelect = function (name, value, all) {
    var s = h('select', {name: name});
    if (all) s.appendChild(h('option', {value: '', text: t('filter.all_communities')}));
    LK.communities().forEach(function (c) {
      s.appendChild(h('option', {value: c.slug, text: LK.tx({zh: c.name_zh, en: c.name_en}) || c.slug,
        selected: c.slug === value}));
    });
    s.value = value || '';
    return s;
  };

  function parseHash() {
    var raw = location.hash.replace(/^#\/?/, ''), q = {}, qi = raw.indexOf('?');
    if (qi >= 0) {
      raw.slice(qi + 1).split('&').forEach(function (kv) {
        var p = kv.split('=');
        if (p[0]) q[decodeURIComponent(p[0])] = decodeURIComponent(p[1] || '');
      });
      raw = raw.slice(0, qi);
    }
    var parts = raw.split('/').filter(Boolean).map(decodeURIComponent);
    return {name: parts[0] || 'inbox', args: parts.slice(1), query: q};
  }

  LK.go = function (hash) {
    if (location.hash === hash) app.route(); else location.hash = hash;
  };

  /* ---- the shell ---- */

  function langButton() {
    return h('button', {type: 'button', class: 'btn-ghost lang', lang: LK.lang === 'zh' ? 'en' : 'zh-CN',
      'aria-label': t('lang.switch'), text: LK.lang === 'zh' ? 'EN' : '中文',
      onclick: function () { LK.setLang(LK.lang === 'zh' ? 'en' : 'zh'); app.render(); }});
  }

  function shell() {
    var root = LK.clear(LK.$('#app'));
    var me = LK.me;
    var nav = h('nav', {class: 'sidenav', 'aria-label': t('nav.label')});
    var ul = h('ul');
    NAV.forEach(function (n) {
      if (!LK.can(n[2])) return;
      ul.appendChild(h('li', null, h('a', {href: '#/' + n[0], 'data-page': n[0], text: t(n[1])})));
    });
    nav.appendChild(ul);
    var comm = LK.communitySelect('community', LK.state.community, false);
    comm.id = 'top-community';
    comm.addEventListener('change', function () {
      LK.state.community = comm.value;
      try { localStorage.setItem('lk_community', comm.value); } catch (e) { /* ignore */ }
      app.route();
    });
    var top = h('header', {class: 'topbar'},
      h('a', {class: 'skip', href: '#main', text: t('nav.skip'),
        onclick: function (ev) { ev.preventDefault(); LK.$('#main').focus(); }}),
      h('div', {class: 'brand'}, h('span', {class: 'brand-zh', text: t('app.name')})),
      h('div', {class: 'top-community'}, h('label', {for: 'top-community', class: 'sr-only', text: t('field.community')}), comm),
      h('div', {class: 'top-right'},
        langButton(),
        h('span', {class: 'who', text: me.user + ' · ' + t('role.' + me.role)}),
        h('button', {type: 'button', class: 'btn-ghost', id: 'signout', text: t('auth.signout'),
          onclick: function () { app.signOut(false); }}),
        h('button', {type: 'button', class: 'btn-ghost', id: 'signout-all', text: t('auth.signout_all'),
          onclick: function () { if (confirm(t('auth.signout_all_confirm'))) app.signOut(true); }})));
    root.appendChild(top);
    root.appendChild(h('div', {class: 'layout'}, nav,
      h('main', {id: 'main', tabindex: '-1'})));
    root.appendChild(h('div', {id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true}));
  }

  app.render = function () {
    document.title = t('app.title');
    if (!LK.me) { app.login(); return; }
    shell();
    app.route();
  };

  app.route = function () {
    if (!LK.me) { app.login(); return; }
    var r = parseHash();
    var page = LK.pages[r.name];
    var main = LK.$('#main');
    if (!main) { shell(); main = LK.$('#main'); }
    LK.clear(main);
    document.querySelectorAll('.sidenav a').forEach(function (a) {
      if (a.getAttribute('data-page') === r.name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    if (!page || (page.need && !LK.can(page.need))) {
      main.appendChild(h('h1', {text: t('err.no_page')}));
      return;
    }
    document.title = t(page.title) + ' · ' + t('app.title');
    try {
      page.render(main, r.args, r.query);
    } catch (e) {
      main.appendChild(h('p', {class: 'notice-box error', text: t('err.unknown')}));
      throw e;
    }
  };

  /* ---- signing in and out ---- */

  function afterSignIn(me, why) {
    LK.me = me;
    LK.csrf = me.csrf || '';
    var saved = '';
    try { saved = localStorage.getItem('lk_community') || ''; } catch (e) { /* ignore */ }
    var slugs = LK.communities().map(function (c) { return c.slug; });
    LK.state.community = slugs.indexOf(saved) >= 0 ? saved : (slugs[0] || '');
    LK.activity();
    startIdle();
    app.render();
    if (why) LK.toast(why);
  }

  app.login = function (reason) {
    LK.me = null; LK.csrf = '';
    stopIdle();
    document.title = t('auth.title') + ' · ' + t('app.title');
    var root = LK.clear(LK.$('#app'));
    var user = h('input', {name: 'user', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false'});
    var pw = h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true});
    var submit = h('button', {type: 'submit', class: 'btn-primary wide', text: t('auth.signin')});
    var form = h('form', {class: 'login-card card', novalidate: true, 'aria-labelledby': 'login-title'},
      h('h1', {id: 'login-title', text: t('auth.title')}),
      h('p', {class: 'muted', text: t('auth.subtitle')}),
      reason ? h('p', {class: 'notice-box', role: 'status', id: 'login-reason', text: t('auth.reason.' + reason)}) : null,
      h('p', {class: 'form-error', role: 'alert', hidden: true}),
      LK.field(t('auth.user'), user),
      LK.field(t('auth.password'), pw),
      submit);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      var bad = false;
      if (!user.value.trim()) { LK.fieldError(form, 'user', t('auth.need_user')); bad = true; }
      if (!pw.value) { LK.fieldError(form, 'password', t('auth.need_password')); bad = true; }
      if (bad) return;
      submit.disabled = true;
      LK.api('POST', '/api/office/login', {user: user.value.trim(), password: pw.value}, {noSignOut: true})
        .then(function (me) { pw.value = ''; afterSignIn(me); })
        .catch(function (e) {
          submit.disabled = false;
          pw.value = '';
          LK.formError(form, e.code === 'bad_credentials' ? t('auth.bad') : LK.errText(e));
          pw.focus();
        });
    });
    root.appendChild(h('div', {class: 'login-page'},
      h('div', {class: 'login-top'}, h('span', {class: 'brand-zh', text: t('app.name')}), langButton()),
      form,
      h('p', {class: 'muted small center', text: t('auth.footer')})));
    (user.value ? pw : user).focus();
  };

  /* The session ended on the server (401) or here (idle). */
  app.sessionEnded = function (why) {
    if (!LK.me) return;
    app.login(why);
  };

  app.signOut = function (everywhere) {
    var path = everywhere ? '/api/office/logout-all' : '/api/office/logout';
    LK.api('POST', path, null, {noSignOut: true}).catch(function () { /* gone already */ })
      .then(function () { app.login(everywhere ? 'signed_out_all' : 'signed_out'); });
  };

  function startIdle() {
    stopIdle();
    var minutes = (LK.me && LK.me.idle_minutes) || 30;
    idleTimer = setInterval(function () {
      if (Date.now() - LK.lastActivity > minutes * 60000) {
        LK.api('POST', '/api/office/logout', null, {noSignOut: true}).catch(function () { /* ignore */ })
          .then(function () { app.login('idle'); });
        stopIdle();
      }
    }, 15000);
  }
  function stopIdle() { if (idleTimer) clearInterval(idleTimer); idleTimer = null; }

  ['keydown', 'pointerdown', 'wheel'].forEach(function (ev) {
    document.addEventListener(ev, function () { LK.activity(); }, {passive: true});
  });

  window.addEventListener('hashchange', function () { app.route(); });

  /* Start: who is signed in? */
  LK.setLang(LK.lang);
  LK.api('GET', '/api/office/me', null, {noSignOut: true})
    .then(function (me) { afterSignIn(me); })
    .catch(function (e) { app.login(e.status === 401 ? null : (e.status === 404 ? 'no_api' : 'offline')); });
})();
