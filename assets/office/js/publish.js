/* publish.js - notices, events, channels and the 你说我办 board: lists, forms checked like the kiosk's import (errors beside the field), draft -> approve -> publish, once-only submits, stale edits refused. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;

  var CATEGORIES = ['notice', 'accounts', 'repairs', 'safety', 'services'];
  var KINDS = ['wechat_group', 'official_account', 'hotline', 'form', 'website', 'other'];

  /* Field specs: {name, type: text|bi|bilong|datetime|select|check|url, max, required, options} */
  var SPECS = {
    notices: [
      {name: 'title', type: 'bi', max: 200, required: true},
      {name: 'category', type: 'select', options: CATEGORIES, optPrefix: 'cat.', required: true},
      {name: 'body', type: 'bilong', max: 20000, required: true},
      {name: 'publish_at', type: 'datetime', required: true},
      {name: 'expire_at', type: 'datetime', required: true, after: 'publish_at'},
      {name: 'urgent', type: 'check'},
      {name: 'pinned', type: 'check'},
      {name: 'link', type: 'url'}
    ],
    events: [
      {name: 'title', type: 'bi', max: 200, required: true},
      {name: 'description', type: 'bilong', max: 20000, required: true},
      {name: 'location', type: 'bi', max: 200, required: true},
      {name: 'start', type: 'datetime', required: true},
      {name: 'end', type: 'datetime', required: true, notBefore: 'start'},
      {name: 'signup_url', type: 'url'}
    ],
    channels: [
      {name: 'label', type: 'bi', max: 100, required: true},
      {name: 'kind', type: 'select', options: KINDS, optPrefix: 'kind.', required: true},
      {name: 'url', type: 'url', required: true, tel: true},
      {name: 'expires_at', type: 'datetime'}
    ],
    board: [
      {name: 'said', type: 'bilong', max: 1000, required: true},
      {name: 'done', type: 'bilong', max: 20000, required: true},
      {name: 'date', type: 'datetime', required: true}
    ]
  };

  function base(kind) {
    return '/api/office/communities/' + encodeURIComponent(LK.state.community) + '/' + kind;
  }

  LK.statusBadge = function (s) {
    return h('span', {class: 'badge status-' + (s || 'draft'), text: t('status.' + (s || 'draft'))});
  };

  function titleOf(kind, it) {
    if (kind === 'channels') return LK.tx(it.label);
    if (kind === 'board') return LK.tx(it.said);
    return LK.tx(it.title);
  }

  /* ---- checks (the kiosk's import rules, docs/CONTENT.md) ---- */

  function chars(s) { return Array.from(s || '').length; }

  function checkUrl(v, tel) {
    if (tel && /^tel:[0-9+\-.() ]+$/.test(v) && /\d/.test(v)) return '';
    if (!/^https:\/\/[^\s]+$/.test(v)) return t(tel ? 'v.url_or_tel' : 'v.https');
    if (v.length > 2048) return t('v.too_long', {n: 2048});
    return '';
  }

  /* The item from the form, and {field: message} for what is wrong. */
  function readForm(kind, form) {
    var item = {}, errs = {};
    SPECS[kind].forEach(function (f) {
      var el = form.elements;
      if (f.type === 'bi' || f.type === 'bilong') {
        var zh = el[f.name + '.zh'].value.trim(), en = el[f.name + '.en'].value.trim();
        item[f.name] = en ? {zh: zh, en: en} : {zh: zh};
        if (f.required && !zh) errs[f.name + '.zh'] = t('v.need_zh');
        else if (chars(zh) > f.max) errs[f.name + '.zh'] = t('v.too_long', {n: f.max});
        if (chars(en) > f.max) errs[f.name + '.en'] = t('v.too_long', {n: f.max});
      } else if (f.type === 'datetime') {
        var iso = LK.readDateTime(form, f.name);
        if (iso === '' && f.required) errs[f.name] = t('v.need_time');
        else if (iso === null) errs[f.name] = t('v.bad_time');
        else if (iso) item[f.name] = iso;
      } else if (f.type === 'check') {
        item[f.name] = el[f.name].checked;
      } else {
        var v = el[f.name].value.trim();
        if (!v) { if (f.required) errs[f.name] = t('v.required'); return; }
        if (f.type === 'url') { var m = checkUrl(v, f.tel && item.kind === 'hotline'); if (m) errs[f.name] = m; }
        item[f.name] = v;
      }
    });
    SPECS[kind].forEach(function (f) {
      if (f.after && item[f.name] && item[f.after] && new Date(item[f.name]) <= new Date(item[f.after]))
        errs[f.name] = t('v.after', {other: t('f.' + f.after)});
      if (f.notBefore && item[f.name] && item[f.notBefore] && new Date(item[f.name]) < new Date(item[f.notBefore]))
        errs[f.name] = t('v.not_before', {other: t('f.' + f.notBefore)});
    });
    var id = form.elements.id.value.trim();
    if (id && !/^[A-Za-z0-9_-]{1,64}$/.test(id)) errs.id = t('v.id');
    if (id) item.id = id;
    return {item: item, errs: errs};
  }

  function control(kind, f, it) {
    var v = it[f.name];
    if (f.type === 'bi' || f.type === 'bilong') {
      var tag = f.type === 'bi' ? 'input' : 'textarea';
      var a = {name: f.name + '.zh', lang: 'zh-CN', maxlength: f.max}, b = {name: f.name + '.en', lang: 'en', maxlength: f.max};
      if (tag === 'textarea') { a.rows = 6; b.rows = 4; } else { a.type = 'text'; b.type = 'text'; }
      var zh = h(tag, a), en = h(tag, b);
      zh.value = (v && v.zh) || ''; en.value = (v && v.en) || '';
      return h('fieldset', {class: 'bi'}, h('legend', {text: t('f.' + f.name) + (f.required ? ' *' : '')}),
        LK.field(t('lang.zh'), zh), LK.field(t('lang.en_optional'), en));
    }
    var c;
    if (f.type === 'select') {
      c = h('select', {name: f.name}, f.options.map(function (o) { return h('option', {value: o, text: t(f.optPrefix + o)}); }));
      c.value = v || f.options[0];
    } else if (f.type === 'check') {
      return h('div', {class: 'field check', 'data-field': f.name},
        h('label', null, h('input', {type: 'checkbox', name: f.name, checked: !!v}), ' ', t('f.' + f.name)));
    } else if (f.type === 'datetime') {
      return LK.dateTimeField(t('f.' + f.name) + (f.required ? ' *' : ''), f.name, v,
        t('fh.' + f.name) !== 'fh.' + f.name ? t('fh.' + f.name) : null);
    } else {
      c = h('input', {type: f.type === 'url' ? 'url' : 'text', name: f.name, value: v || '', inputmode: f.type === 'url' ? 'url' : undefined});
    }
    return LK.field(t('f.' + f.name) + (f.required ? ' *' : ''), c, t('fh.' + f.name) !== 'fh.' + f.name ? t('fh.' + f.name) : null);
  }

  /* 公示类别: which statutory posting a notice is (none, fees, fund,
   * income). A template's notice comes with it; an imported one is given
   * it here, so its card on the postings page can say when the next is due. */
  var POSTING_KINDS = ['fees', 'fund', 'income'];
  function postingControl(form, it) {
    var c = h('select', {name: 'posting'}, [h('option', {value: '', text: t('post.kind_none')})].concat(
      POSTING_KINDS.map(function (k) { return h('option', {value: k, text: t('post.tpl.' + k)}); })));
    c.value = it.posting || '';
    c.addEventListener('change', function () {
      /* A statutory posting is an account notice. */
      if (c.value && form.elements.category) form.elements.category.value = 'accounts';
    });
    return LK.field(t('f.posting'), c, t('fh.posting'));
  }

  function newId(kind) {
    var d = new Date(), p = function (n) { return (n < 10 ? '0' : '') + n; };
    return {notices: 'n', events: 'e', channels: 'c', board: 'b'}[kind] + '-' + d.getFullYear() + p(d.getMonth() + 1) +
      p(d.getDate()) + '-' + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds());
  }

  /* The form for a new item (it = defaults) or an existing one (it.version set). */
  function renderForm(main, kind, it, isNew) {
    var key = LK.randomKey();   /* one per form: a second click does not make a second item */
    var form = h('form', {class: 'card form item-form', novalidate: true, 'aria-labelledby': 'form-title'});
    form.appendChild(h('h1', {id: 'form-title', text: t(isNew ? 'pub.new.' + kind : 'pub.edit.' + kind)}));
    if (!isNew) form.appendChild(h('p', {class: 'muted'}, LK.statusBadge(it.status), ' ', t('pub.version', {v: it.version})));
    form.appendChild(h('p', {class: 'form-error', role: 'alert', hidden: true}));
    var idIn = h('input', {type: 'text', name: 'id', value: it.id || '', readonly: !isNew, pattern: '[A-Za-z0-9_-]{1,64}'});
    form.appendChild(LK.field(t('f.id'), idIn, t(isNew ? 'fh.id_new' : 'fh.id')));
    SPECS[kind].forEach(function (f) {
      form.appendChild(control(kind, f, it));
      if (kind === 'notices' && f.name === 'category') form.appendChild(postingControl(form, it));
    });
    var pictures = kind === 'channels' ? null : LK.pictures(kind, it);
    if (pictures) form.appendChild(pictures.el);
    if (kind === 'board' && isNew) {
      var ids = h('input', {type: 'text', name: 'from_suggestions', value: (it.from_suggestions || []).join(', ')});
      form.appendChild(LK.field(t('f.suggestions'), ids, t('fh.suggestions')));
    } else if (kind === 'board' && (it.from_suggestions || []).length) {
      form.appendChild(h('p', {class: 'muted', text: t('f.suggestions') + ': ' + it.from_suggestions.join(', ')}));
    }
    var manager = LK.can('manager');
    var buttons = h('div', {class: 'form-actions'});
    function btn(status, cls) {
      return h('button', {type: 'submit', class: cls, value: status, name: 'status', text: t('pub.save.' + status)});
    }
    buttons.appendChild(btn('draft', 'btn-ghost'));
    if (manager) buttons.appendChild(btn('published', 'btn-primary'));
    else buttons.appendChild(btn('pending', 'btn-primary'));
    buttons.appendChild(h('a', {href: '#/' + kind, class: 'btn-ghost', text: t('cancel')}));
    form.appendChild(buttons);
    if (!manager) form.appendChild(h('p', {class: 'muted small', text: t('pub.clerk_note')}));
    var busy = false;
    /* The item as the form holds it now, or null with the errors shown beside the fields. */
    function current() {
      LK.clearErrors(form);
      var r = readForm(kind, form);
      if (kind === 'board' && isNew) {
        var raw = form.elements.from_suggestions.value.split(/[\s,，、]+/).filter(Boolean);
        if (raw.some(function (x) { return !/^\d+$/.test(x); })) r.errs.from_suggestions = t('v.ids');
        else if (raw.length) r.item.from_suggestions = raw.map(Number);
      }
      if (kind === 'notices') {
        /* Sent when chosen, or "" to undo a kind the notice had. */
        var pk = form.elements.posting.value;
        if (pk || it.posting) r.item.posting = pk;
      }
      if (pictures) {
        var pr = pictures.read();
        if (pr.err) r.errs.images = pr.err;
        if (pr.images.length) r.item.images = pr.images;
      }
      var names = Object.keys(r.errs);
      if (names.length) {
        names.forEach(function (n) { LK.fieldError(form, n, r.errs[n]); });
        LK.formError(form, t('v.fix_below', {n: names.length}));
        var first = form.querySelector('.has-error input, .has-error textarea, .has-error select');
        if (first) first.focus();
        return null;
      }
      return r.item;
    }
    /* The server's field errors beside the fields (saving or previewing). */
    function serverErrors(e) {
      var unplaced = [];
      Object.keys(e.fields).forEach(function (k) {
        /* A posting's minimum period (office_posting.c), in the console's words. */
        var short = k === 'expire_at' && /at least (\d+) days \(this one: (-?\d+)\)/.exec(e.fields[k]);
        if (short) e.fields[k] = t('v.posting_days', {min: short[1], got: short[2]});
        /* images[N].x: beside the pictures, naming the picture */
        var placed = LK.fieldError(form, k, e.fields[k]) ||
          (/^images\b/.test(k) && LK.fieldError(form, 'images', LK.t('pic.field', {n: (parseInt((k.match(/\[(\d+)\]/) || [0, 0])[1], 10) + 1)}) + e.fields[k]));
        if (!placed) unplaced.push(e.fields[k]);
      });
      LK.formError(form, unplaced.length ? unplaced.join(' ') : t('v.fix_below', {n: Object.keys(e.fields).length}));
    }
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (busy) return;   /* the first click is still on its way */
      var status = (ev.submitter && ev.submitter.value) || 'draft';
      var item = current();
      if (!item) return;
      var r = {item: item};
      r.item.status = status;
      if (!isNew) r.item.version = it.version;
      busy = true;
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      var req = isNew ? LK.api('POST', base(kind), r.item, {idempotencyKey: key})
        : LK.api('PUT', base(kind) + '/' + encodeURIComponent(it.id), r.item);
      req.then(function () {
        LK.toast(t('pub.saved.' + status));
        LK.go('#/' + kind);
      }).catch(function (e) {
        busy = false;
        form.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
        if (e.status === 409) { LK.formError(form, t('err.stale_form')); return; }
        if (e.fields) { serverErrors(e); return; }
        LK.formError(form, LK.errText(e));
      });
    });
    main.appendChild(h('a', {href: '#/' + kind, class: 'back', text: '← ' + t('nav.' + kind)}));
    main.appendChild(form);
    if (kind === 'notices' || kind === 'events') main.appendChild(previewBox(kind, current, serverErrors));
    var first = form.querySelector(isNew ? 'input[name="' + (SPECS[kind][0].type.indexOf('bi') === 0 ? SPECS[kind][0].name + '.zh' : SPECS[kind][0].name) + '"]' : 'h1');
    if (first && isNew) first.focus();
  }

  /* One preview of a notice or event as the form holds it (nothing is
   * saved): a PNG the kiosk's own renderer drew, as a blob URL, or
   * LK.ApiError. */
  function previewPicture(kind, item, o, l) {
    var body = {};
    body[kind === 'events' ? 'event' : 'notice'] = item;
    var headers = {'Content-Type': 'application/json', 'Accept': 'image/png'};
    if (LK.csrf) headers['X-CSRF-Token'] = LK.csrf;
    LK.activity();
    return fetch(base('preview') + LK.qs({orientation: o, lang: l}), {method: 'POST', headers: headers,
      credentials: 'same-origin', cache: 'no-store', body: JSON.stringify(body)}).then(function (r) {
      if (r.ok) return r.blob().then(function (b) { return URL.createObjectURL(b); });
      return r.text().then(function (text) {
        var e = {};
        try { e = (JSON.parse(text) || {}).error || {}; } catch (x) { e = {}; }
        if (r.status === 401 && LK.app) LK.app.sessionEnded('expired');
        throw LK.apiError(r, e);
      });
    }, function () { throw new LK.ApiError(0, 'network', t('err.network')); });
  }

  /* The kiosk's own rendering of the notice or event being written, four
   * ways, from what the form holds now (saved or not). */
  function previewBox(kind, current, serverErrors) {
    var grid = null, urls = [];
    var box = h('section', {class: 'card preview', 'aria-labelledby': 'pv-title'},
      h('h2', {id: 'pv-title', text: t('pub.preview')}),
      h('p', {class: 'muted', text: t('pub.preview_lead')}));
    var status = h('p', {class: 'muted', role: 'status'});
    var go = h('button', {type: 'button', class: 'btn-ghost', text: t('pub.preview_show'), onclick: function () {
      var item = current();
      if (!item) { status.textContent = t('pub.preview_fix'); return; }
      go.disabled = true;
      status.textContent = t('pub.preview_busy');
      urls.forEach(function (u) { URL.revokeObjectURL(u); });
      urls = [];
      if (grid) grid.remove();
      grid = h('div', {class: 'preview-grid', 'aria-busy': 'true'});
      box.appendChild(grid);
      var failed = null;
      var all = [['landscape', 'zh'], ['landscape', 'en'], ['portrait', 'zh'], ['portrait', 'en']].map(function (p) {
        var fig = h('figure', null, h('figcaption', {text: t('pv.' + p[0]) + ' · ' + t('lang.' + p[1])}));
        grid.appendChild(fig);
        return previewPicture(kind, item, p[0], p[1]).then(function (url) {
          urls.push(url);
          fig.insertBefore(h('img', {alt: t('pub.preview_alt', {o: t('pv.' + p[0]), l: t('lang.' + p[1])}),
            class: 'pv-' + p[0], src: url}), fig.firstChild);
        }, function (e) {
          failed = failed || e;
          fig.insertBefore(h('p', {class: 'muted', text: t('pub.preview_none')}), fig.firstChild);
        });
      });
      Promise.all(all).then(function () {
        go.disabled = false;
        go.textContent = t('pub.preview_again');
        grid.removeAttribute('aria-busy');
        status.textContent = !failed ? t('pub.preview_done') : failed.code === 'rate_limited'
          ? t('pub.preview_rate', {minutes: Math.max(1, Math.ceil((failed.retryAfter || 60) / 60))}) : LK.errText(failed);
        if (failed && failed.fields) { grid.remove(); grid = null; serverErrors(failed); }
      });
    }});
    box.appendChild(h('div', {class: 'form-actions'}, go));
    box.appendChild(status);
    return box;
  }

  function act(kind, it, path, method, body, msg, reload) {
    return function (ev) {
      var b = ev.currentTarget;
      b.disabled = true;
      LK.api(method, base(kind) + '/' + encodeURIComponent(it.id) + path, body)
        .then(function () { LK.toast(t(msg)); reload(); })
        .catch(function (e) { b.disabled = false; LK.toast(e.status === 409 ? t('err.stale_item') : LK.errText(e), 'error'); });
    };
  }

  function channelCountdown(it) {
    if (!it.expires_at) return null;
    if (it.days_left !== undefined && it.days_left !== null) {
      var dl = it.days_left;
      return h('span', {class: it.expired || dl < 0 ? 'badge overdue' : dl <= 2 ? 'badge warn' : 'badge',
        text: it.expired || dl < 0 ? t('ch.expired') : dl < 1 ? t('ch.expires', {due: LK.fmtDue(it.expires_at)}) : t('ch.days_left', {n: dl})});
    }
    var d = LK.toDate(it.expires_at);
    if (!d) return null;
    var left = d.getTime() - Date.now();
    var cls = left < 0 ? 'badge overdue' : left < 2 * 86400000 ? 'badge warn' : 'badge';
    return h('span', {class: cls, text: left < 0 ? t('ch.expired') : t('ch.expires', {due: LK.fmtDue(it.expires_at)})});
  }

  function renderList(main, kind) {
    var head = h('div', {class: 'page-head'}, h('h1', {text: t('nav.' + kind)}),
      h('p', {class: 'muted', text: t('pub.lead.' + kind, {community: LK.communityName(LK.state.community)})}),
      h('a', {href: '#/' + kind + '/new', class: 'btn-primary', text: t('pub.new.' + kind)}));
    var list = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
    main.appendChild(head);
    if (kind === 'channels') main.appendChild(h('div', {id: 'channel-reminders'}));
    main.appendChild(list);
    function reload() { LK.clear(list); load(); }
    function load() {
      if (!LK.state.community) { list.appendChild(h('p', {class: 'empty', text: t('pub.no_community')})); return; }
      LK.api('GET', base(kind)).then(function (r) {
        LK.clear(list);
        var items = (r && (r.items || r)) || [];
        if (!items.length) { list.appendChild(h('p', {class: 'empty', text: t('pub.empty.' + kind)})); return; }
        var tbody = h('tbody');
        items.forEach(function (it) {
          var actions = h('div', {class: 'row-actions'},
            h('a', {href: '#/' + kind + '/' + encodeURIComponent(it.id), class: 'btn-ghost small', text: t('edit')}));
          if (LK.can('manager') && it.status === 'pending')
            actions.appendChild(h('button', {type: 'button', class: 'btn-primary small', text: t('pub.approve'),
              onclick: act(kind, it, '/approve', 'POST', {version: it.version}, 'pub.approved', reload)}));
          if (LK.can('manager') && (it.status === 'draft' || it.status === 'withdrawn'))
            actions.appendChild(h('button', {type: 'button', class: 'btn-primary small', text: t('pub.save.published'),
              onclick: act(kind, it, '/publish', 'POST', {version: it.version}, 'pub.saved.published', reload)}));
          if (!LK.can('manager') && (it.status === 'draft' || it.status === 'withdrawn'))
            actions.appendChild(h('button', {type: 'button', class: 'btn-primary small', text: t('pub.save.pending'),
              onclick: act(kind, it, '/submit', 'POST', {version: it.version}, 'pub.saved.pending', reload)}));
          if (LK.can('manager') && it.status === 'pending')
            actions.appendChild(h('button', {type: 'button', class: 'btn-ghost small', text: t('pub.reject'),
              onclick: act(kind, it, '/reject', 'POST', {version: it.version}, 'pub.rejected', reload)}));
          if (LK.can('manager') && (it.status === 'published' || it.live))
            actions.appendChild(h('button', {type: 'button', class: 'btn-ghost small', text: t('pub.withdraw'),
              onclick: act(kind, it, '/withdraw', 'POST', {version: it.version}, 'pub.withdrawn', reload)}));
          if (LK.can('manager') || (it.status !== 'published' && !it.published_at))
            actions.appendChild(h('button', {type: 'button', class: 'btn-ghost small danger', text: t('delete'),
              onclick: function (ev) { if (confirm(t('pub.delete_confirm'))) act(kind, it, '?version=' + it.version, 'DELETE', null, 'pub.deleted', reload)(ev); }}));
          var when = kind === 'events' ? LK.fmtTime(it.start) : kind === 'channels' ? (it.url || '')
            : kind === 'board' ? LK.fmtDate(it.date) : LK.fmtTime(it.publish_at) + ' – ' + LK.fmtTime(it.expire_at);
          tbody.appendChild(h('tr', null,
            h('td', {'data-label': t('col.status')}, LK.statusBadge(it.status),
              it.urgent ? [' ', h('span', {class: 'badge urgent', text: t('f.urgent')})] : null,
              it.pinned ? [' ', h('span', {class: 'badge pinned', text: t('f.pinned')})] : null),
            h('td', {'data-label': t('col.title'), class: 'cell-text'},
              it.category ? h('span', {class: 'cat cat-' + it.category, text: t('cat.' + it.category)}) : null,
              it.kind ? h('span', {class: 'cat', text: t('kind.' + it.kind)}) : null,
              ' ', titleOf(kind, it), kind === 'channels' ? [' ', channelCountdown(it)] : null),
            h('td', {'data-label': t(kind === 'channels' ? 'f.url' : 'col.when'), class: 'cell-when', text: when}),
            h('td', {class: 'cell-action'}, actions)));
        });
        LK.markEmpty(tbody);
        list.appendChild(h('table', {class: 'data cards-on-phone'},
          h('thead', null, h('tr', null, ['col.status', 'col.title', kind === 'channels' ? 'f.url' : 'col.when', 'col.action']
            .map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))), tbody));
        if (kind === 'channels') {
          var rem = LK.$('#channel-reminders');
          items.filter(function (it) {
            var d = LK.toDate(it.expires_at);
            return it.kind === 'wechat_group' && d && d.getTime() - Date.now() < 2 * 86400000;
          }).forEach(function (it) {
            rem.appendChild(h('p', {class: 'notice-box warn', role: 'status', text: t('ch.reminder', {label: LK.tx(it.label), due: LK.fmtDue(it.expires_at)})}));
          });
        }
      }).catch(function (e) { LK.clear(list).appendChild(LK.failBox(e)); });
    }
    load();
  }

  function renderPage(kind) {
    return function (main, args, q) {
      if (!args[0]) { renderList(main, kind); return; }
      if (args[0] === 'new') {
        var defaults = {};
        if (kind === 'notices') {
          var now = new Date();
          defaults = {category: q.category || 'notice', publish_at: now.toISOString(),
            expire_at: new Date(now.getTime() + 7 * 86400000).toISOString()};
          if (q.template) {
            var wait = h('p', {class: 'muted', text: t('loading')});
            main.appendChild(wait);
            LK.api('GET', base('posting-templates')).then(function (r) {
              var tp = ((r && r.templates) || []).filter(function (x) { return x.kind === q.template; })[0];
              wait.remove();
              renderForm(main, kind, tp ? tp.notice : defaults, true);
            }).catch(function (e) { wait.remove(); main.appendChild(LK.failBox(e)); });
            return;
          }
        }
        if (kind === 'board') defaults = {date: new Date().toISOString(), from_suggestions: q.from ? q.from.split(',') : []};
        if (kind === 'events') defaults = {start: '', end: ''};
        renderForm(main, kind, defaults, true);
        return;
      }
      var box = h('div', null, h('p', {class: 'muted', text: t('loading')}));
      main.appendChild(box);
      LK.api('GET', base(kind) + '/' + encodeURIComponent(args[0])).then(function (it) {
        LK.clear(box);
        renderForm(box, kind, it, false);
      }).catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });
    };
  }

  ['notices', 'events', 'channels', 'board'].forEach(function (kind) {
    LK.pages[kind] = {title: 'nav.' + kind, render: renderPage(kind)};
  });
  LK.publishBase = base;
})();
