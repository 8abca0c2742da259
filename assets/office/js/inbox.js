/* inbox.js - 待办: the residents' suggestions (overdue first), filters and search, one item with its history, state changes with replies, assignment. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;
  var STATES = ['new', 'acknowledged', 'in_progress', 'done', 'declined'];
  var NEXT = {
    new: ['acknowledged', 'done', 'declined'],   /* the API's transitions (docs/OFFICE-API.md) */
    acknowledged: ['in_progress', 'done', 'declined'],
    in_progress: ['done', 'declined'],
    done: [], declined: []
  };
  /* The one primary action of a row. */
  var PRIMARY = {new: 'acknowledged', acknowledged: 'in_progress', in_progress: 'done'};

  LK.stateBadge = function (state) {
    return h('span', {class: 'badge state-' + state, text: t('state.' + state)});
  };

  function overdueBadge(it) {
    if (!it.overdue) return null;
    return h('span', {class: 'badge overdue', text: t(it.overdue === 'ack' ? 'inbox.overdue_ack' : 'inbox.overdue_close')});
  }

  function excerpt(s, n) {
    s = String(s || '').replace(/\s+/g, ' ').trim();
    return s.length > n ? s.slice(0, n) + '…' : s;
  }

  var lastFilters = null;

  function filtersFrom(q) {
    return {community: q.community || '', state: q.state || '', topic: q.topic || '', kiosk: q.kiosk || '',
      from: q.from || '', to: q.to || '', q: q.q || '', overdue: q.overdue || '', assignee: q.assignee || ''};
  }

  function toApi(f) {
    var o = {};
    Object.keys(f).forEach(function (k) { o[k] = f[k]; });
    o.limit = 50;
    return o;
  }

  function countsBar(counts, f) {
    var bar = h('div', {class: 'counts', role: 'group', 'aria-label': t('inbox.counts')});
    var items = [['overdue', counts.overdue]].concat(STATES.map(function (s) { return [s, counts[s]]; }));
    items.forEach(function (p) {
      var active = p[0] === 'overdue' ? f.overdue === '1' : f.state === p[0];
      var link = '#/inbox' + LK.qs(p[0] === 'overdue' ? {overdue: 1, community: f.community}
        : {state: p[0], community: f.community});
      bar.appendChild(h('a', {href: link, class: 'count count-' + p[0] + (active ? ' active' : '') +
        (p[0] === 'overdue' && p[1] > 0 ? ' alert' : '')},
        h('span', {class: 'count-n', text: p[1] === undefined ? '–' : counts.cap && p[1] >= counts.cap ? p[1] + '+' : p[1]}),
        h('span', {class: 'count-label', text: t(p[0] === 'overdue' ? 'inbox.overdue' : 'state.' + p[0])})));
    });
    return bar;
  }

  /* The kiosk's default topics (docs/CONFIG.md, [suggest] topics): the
   * topic filter offers them, and every topic the statistics have seen. */
  var KIOSK_TOPICS = ['cleaning', 'safety', 'repairs', 'fees', 'parking', 'noise', 'service', 'other'];
  var facetCache = {};

  /* {topics: [keys], kiosks: [names]} for a community ('' = every one the
   * user holds), from the fleet and statistics APIs; asked once a page load. */
  function facets(community) {
    if (facetCache[community]) return facetCache[community];
    var slugs = community ? [community] : LK.communities().map(function (c) { return c.slug; }).slice(0, 20);
    var now = new Date(), to = now.getFullYear() + '-' + ('0' + (now.getMonth() + 1)).slice(-2);
    var y0 = new Date(now.getFullYear(), now.getMonth() - 11, 1);
    var from = y0.getFullYear() + '-' + ('0' + (y0.getMonth() + 1)).slice(-2);
    var topics = {}, kiosks = {};
    KIOSK_TOPICS.forEach(function (k) { topics[k] = true; });
    var asks = [LK.api('GET', '/api/office/kiosks' + LK.qs({community: community})).then(function (r) {
      ((r && (r.items || r)) || []).forEach(function (k) { if (k.name) kiosks[k.name] = true; });
    })].concat(slugs.map(function (slug) {
      return LK.api('GET', '/api/office/communities/' + encodeURIComponent(slug) + '/stats' + LK.qs({from: from, to: to}))
        .then(function (r) {
          ((r && r.months) || []).forEach(function (m) {
            Object.keys((m.suggestions && m.suggestions.by_topic) || {}).forEach(function (k) { topics[k] = true; });
          });
        }).catch(function () { /* the defaults stay */ });
    }));
    facetCache[community] = Promise.all(asks).then(function () {
      return {topics: Object.keys(topics), kiosks: Object.keys(kiosks).sort()};
    });
    facetCache[community].catch(function () { delete facetCache[community]; });
    return facetCache[community];
  }

  /* Fill a filter <select> with "all" and the values, keeping its choice. */
  function fillSelect(sel, allKey, values, label) {
    var keep = sel.value || sel.getAttribute('data-value') || '';
    LK.clear(sel).appendChild(h('option', {value: '', text: t(allKey)}));
    if (keep && values.indexOf(keep) < 0) values = values.concat([keep]);
    values.map(function (v) { return [v, label(v)]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1], LK.lang === 'en' ? 'en' : 'zh-CN'); })
      .forEach(function (p) { sel.appendChild(h('option', {value: p[0], text: p[1]})); });
    sel.value = keep;
  }

  function filterForm(f) {
    var state = h('select', {name: 'state'}, h('option', {value: '', text: t('filter.all_states')}),
      STATES.map(function (s) { return h('option', {value: s, text: t('state.' + s)}); }));
    state.value = f.state;
    var topic = h('select', {name: 'topic', 'data-value': f.topic});
    var kiosk = h('select', {name: 'kiosk', 'data-value': f.kiosk});
    fillSelect(topic, 'filter.all_topics', [], LK.topicName);
    fillSelect(kiosk, 'filter.all_kiosks', [], String);
    facets(f.community).then(function (x) {
      fillSelect(topic, 'filter.all_topics', x.topics, LK.topicName);
      fillSelect(kiosk, 'filter.all_kiosks', x.kiosks, String);
    }).catch(function () { /* the current choice stays selectable */ });
    var form = h('form', {class: 'filters', role: 'search', 'aria-label': t('inbox.filters')},
      LK.field(t('filter.search'), h('input', {name: 'q', type: 'search', value: f.q, placeholder: t('filter.search_ph')})),
      LK.field(t('field.community'), LK.communitySelect('community', f.community, true)),
      LK.field(t('filter.state'), state),
      LK.field(t('filter.topic'), topic),
      LK.field(t('filter.kiosk'), kiosk),
      LK.field(t('filter.from'), LK.dayInput('from', f.from)),
      LK.field(t('filter.to'), LK.dayInput('to', f.to)),
      h('div', {class: 'field check'}, h('label', null,
        h('input', {type: 'checkbox', name: 'overdue', value: '1', checked: f.overdue === '1'}), ' ', t('filter.overdue_only'))),
      h('div', {class: 'filter-actions'},
        h('button', {type: 'submit', class: 'btn-primary', text: t('filter.apply')}),
        h('a', {href: '#/inbox', class: 'btn-ghost', text: t('filter.reset')})));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var o = {};
      LK.clearErrors(form);
      ['q', 'community', 'state', 'topic', 'kiosk', 'from', 'to'].forEach(function (k) { o[k] = form.elements[k].value.trim(); });
      o.overdue = form.elements.overdue.checked ? '1' : '';
      var bad = false;
      ['from', 'to'].forEach(function (k) {
        var d = LK.parseDay(o[k]);
        if (d === null) { LK.fieldError(form, k, t('v.day')); bad = true; } else o[k] = d;
      });
      if (!bad && o.from && o.to && o.to < o.from) { LK.fieldError(form, 'to', t('v.day_order')); bad = true; }
      if (bad) { form.querySelector('[aria-invalid=true]').focus(); return; }
      LK.go('#/inbox' + LK.qs(o));
    });
    return form;
  }

  function row(it) {
    var act = PRIMARY[it.state];
    var link = '#/inbox/' + encodeURIComponent(it.id);
    return h('tr', {class: it.overdue ? 'is-overdue' : ''},
      h('td', {'data-label': t('col.state')}, LK.stateBadge(it.state), ' ', overdueBadge(it)),
      h('td', {'data-label': t('col.text'), class: 'cell-text'},
        h('a', {href: link, class: 'row-link'}, h('span', {class: 'topic', text: it.topic ? '[' + LK.topicName(it.topic) + '] ' : ''}),
          excerpt(it.unreadable ? t('inbox.unreadable') : it.text, 80))),
      h('td', {'data-label': t('col.where')}, LK.communityName(it.community),
        h('br'), h('span', {class: 'muted small', text: it.kiosk || ''})),
      h('td', {'data-label': t('col.received')}, h('span', {title: LK.fmtTime(it.received_at), text: LK.fmtAgo(it.received_at)})),
      h('td', {'data-label': t('col.due'), class: it.overdue ? 'due over' : 'due'},
        it.state === 'done' || it.state === 'declined' ? LK.fmtTime(it.closed_at)
          : LK.fmtDue(it.state === 'new' ? it.ack_due : it.close_due)),
      h('td', {'data-label': t('col.assignee'), text: it.assignee || '—'}),
      h('td', {class: 'cell-action'}, act ? h('a', {href: link + '?act=' + act, class: 'btn-primary small',
        text: t('act.' + act)}) : h('a', {href: link, class: 'btn-ghost small', text: t('act.view')})));
  }

  LK.topicName = function (topic) {
    var k = 'topic.' + topic, s = t(k);
    return s === k ? topic : s;
  };

  function renderList(main, q) {
    var f = filtersFrom(q);
    lastFilters = f;
    var list = h('div', {class: 'list-area', 'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
    var countsBox = h('div');
    main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.inbox')}),
      h('p', {class: 'muted', text: t('inbox.lead')})));
    main.appendChild(countsBox);
    main.appendChild(h('details', {class: 'filter-box', open: window.innerWidth > 700 || Object.keys(q).length > 0},
      h('summary', {text: t('inbox.filters')}), filterForm(f)));
    main.appendChild(list);
    var table = null, tbody = null, more = null;
    function load(cursor) {
      var p = toApi(f);
      if (cursor) p.cursor = cursor;
      return LK.api('GET', '/api/office/suggestions' + LK.qs(p)).then(function (r) {
        if (!cursor) {
          LK.clear(countsBox).appendChild(countsBar(r.counts || {}, f));
          LK.clear(list);
          if (!r.items || !r.items.length) {
            list.appendChild(h('p', {class: 'empty', text: t('inbox.empty')}));
            return;
          }
          tbody = h('tbody');
          table = h('table', {class: 'data cards-on-phone inbox-table'},
            h('caption', {class: 'sr-only', text: t('nav.inbox')}),
            h('thead', null, h('tr', null, ['col.state', 'col.text', 'col.where', 'col.received', 'col.due',
              'col.assignee', 'col.action'].map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))),
            tbody);
          list.appendChild(table);
        }
        (r.items || []).forEach(function (it) { tbody.appendChild(LK.markEmpty(row(it))); });
        if (more) more.remove();
        if (r.next) {
          more = h('button', {type: 'button', class: 'btn-ghost wide', text: t('more'),
            onclick: function () { more.disabled = true; load(r.next); }});
          list.appendChild(more);
        }
      }).catch(function (e) { LK.clear(list).appendChild(LK.failBox(e)); });
    }
    load(null);
  }

  /* ---- one suggestion ---- */

  function history(items) {
    if (!items || !items.length) return h('p', {class: 'muted', text: t('detail.no_history')});
    return h('ol', {class: 'timeline'}, items.map(function (e) {
      return h('li', null,
        h('div', {class: 'tl-head'}, h('time', {text: LK.fmtTime(e.at)}), ' ', h('strong', {text: e.user || ''}), ' ',
          e.from && e.to && e.from !== e.to ? [LK.stateBadge(e.from), ' → ', LK.stateBadge(e.to)] : (e.to ? LK.stateBadge(e.to) : null),
          e.action ? h('span', {class: 'muted', text: ' ' + (t('hist.' + e.action) !== 'hist.' + e.action ? t('hist.' + e.action) : e.action)}) : null),
        e.reply_zh ? h('div', {class: 'tl-reply'}, h('span', {class: 'label', text: t('detail.reply_public') +
          (e.reply_state === 'pending' ? ' · ' + t('detail.reply_pending') : e.reply_state === 'superseded' ? ' · ' + t('detail.reply_superseded') : '')}),
          h('p', {lang: 'zh-CN', text: e.reply_zh}), e.reply_en ? h('p', {lang: 'en', text: e.reply_en}) : null) : null,
        e.note ? h('div', {class: 'tl-note'}, h('span', {class: 'label', text: t('detail.note_internal')}), h('p', {text: e.note})) : null);
    }));
  }

  function stateForm(it, act, reload) {
    var options = NEXT[it.state] || [];
    var form = h('form', {class: 'card form', novalidate: true, 'aria-labelledby': 'sf-title'});
    form.appendChild(h('h2', {id: 'sf-title', text: t('detail.act_title')}));
    form.appendChild(h('p', {class: 'form-error', role: 'alert', hidden: true}));
    var sel = h('select', {name: 'state'},
      h('option', {value: it.state, text: t('detail.keep_state', {state: t('state.' + it.state)})}),
      options.map(function (s) { return h('option', {value: s, text: t('state.' + s)}); }));
    sel.value = options.indexOf(act) >= 0 ? act : (options[0] || it.state);
    var zh = h('textarea', {name: 'reply_zh', rows: 4, maxlength: 2000, lang: 'zh-CN'});
    var en = h('textarea', {name: 'reply_en', rows: 3, maxlength: 2000, lang: 'en'});
    var note = h('textarea', {name: 'note', rows: 2, maxlength: 2000});
    var submit = h('button', {type: 'submit', class: 'btn-primary', text: t('detail.save')});
    form.appendChild(LK.field(t('detail.new_state'), sel));
    form.appendChild(LK.field(t('detail.reply_zh'), zh, t('detail.reply_hint')));
    form.appendChild(LK.field(t('detail.reply_en'), en));
    form.appendChild(LK.field(t('detail.note'), note, t('detail.note_hint')));
    if (!LK.can('manager')) form.appendChild(h('p', {class: 'notice-box', text: t('detail.clerk_reply')}));
    if (it.has_contact) {
      /* Said whenever the chosen state closes the case, as it is chosen. */
      var gone = h('p', {class: 'notice-box contact-deleted', role: 'status', text: t('detail.contact_deleted')});
      var closes = function () { gone.hidden = !(sel.value === 'done' || sel.value === 'declined'); };
      sel.addEventListener('change', closes);
      closes();
      form.appendChild(gone);
    }
    form.appendChild(h('div', {class: 'form-actions'}, submit));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      if (sel.value === it.state && !zh.value.trim() && !note.value.trim()) {
        LK.fieldError(form, 'state', t('detail.nothing')); return;
      }
      if (en.value.trim() && !zh.value.trim()) { LK.fieldError(form, 'reply_zh', t('detail.need_zh')); return; }
      submit.disabled = true;
      var body = {state: sel.value, version: it.version};   /* empty texts are left out: the API takes 1 or more characters */
      if (zh.value.trim()) body.reply_zh = zh.value.trim();
      if (en.value.trim()) body.reply_en = en.value.trim();
      if (note.value.trim()) body.note = note.value.trim();
      LK.api('POST', '/api/office/suggestions/' + encodeURIComponent(it.id) + '/state', body).then(function () {
        LK.toast(t('detail.saved'));
        reload();
      }).catch(function (e) {
        submit.disabled = false;
        if (e.status === 409) LK.formError(form, t('err.stale_item'));
        else if (e.fields) Object.keys(e.fields).forEach(function (k) {
          if (!LK.fieldError(form, k, e.fields[k])) LK.formError(form, e.fields[k]);
        });
        else LK.formError(form, LK.errText(e));
      });
    });
    return form;
  }

  function assignForm(it, reload) {
    var input = h('input', {name: 'user', type: 'text', value: it.assignee || '', list: 'assign-users', autocomplete: 'off'});
    var list = h('datalist', {id: 'assign-users'});
    if (LK.can('admin')) LK.api('GET', '/api/office/users').then(function (r) {
      (r.users || []).forEach(function (u) { if (!u.disabled) list.appendChild(h('option', {value: u.name})); });
    }).catch(function () { /* names typed by hand */ });
    var submit = h('button', {type: 'submit', class: 'btn-ghost', text: t('detail.assign')});
    var form = h('form', {class: 'inline-form', novalidate: true},
      h('p', {class: 'form-error', role: 'alert', hidden: true}),
      LK.field(t('detail.assignee'), input), list, submit);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      if (!input.value.trim()) { LK.fieldError(form, 'user', t('detail.need_user')); return; }
      submit.disabled = true;
      LK.api('POST', '/api/office/suggestions/' + encodeURIComponent(it.id) + '/assign', {user: input.value.trim(), version: it.version})
        .then(function () { LK.toast(t('detail.assigned', {user: input.value.trim()})); reload(); })
        .catch(function (e) {
          submit.disabled = false;
          if (e.status === 409) LK.formError(form, t('err.stale_item'));
          else if (!LK.fieldError(form, 'user', e.status === 404 || e.status === 422 ? t('detail.no_such_user') : LK.errText(e)))
            LK.formError(form, LK.errText(e));
        });
    });
    return form;
  }

  function renderItem(main, id, q) {
    var box = h('div', null, h('p', {class: 'muted', text: t('loading')}));
    var back = h('a', {href: '#/inbox' + (lastFilters ? LK.qs(lastFilters) : ''), class: 'back', text: '← ' + t('detail.back')});
    main.appendChild(back);
    main.appendChild(box);
    function reload() { load(); }
    function load() {
      LK.api('GET', '/api/office/suggestions/' + encodeURIComponent(id)).then(function (it) {
        LK.clear(box);
        var closed = it.state === 'done' || it.state === 'declined';
        box.appendChild(h('div', {class: 'page-head'},
          h('h1', {text: t('detail.title', {id: it.id})}),
          h('div', {class: 'badges'}, LK.stateBadge(it.state), ' ', overdueBadge(it))));
        var meta = h('dl', {class: 'meta'},
          h('dt', {text: t('field.community')}), h('dd', {text: LK.communityName(it.community)}),
          h('dt', {text: t('filter.kiosk')}), h('dd', {text: it.kiosk || '—'}),
          h('dt', {text: t('filter.topic')}), h('dd', {text: it.topic ? LK.topicName(it.topic) : '—'}),
          h('dt', {text: t('col.received')}), h('dd', {text: LK.fmtTime(it.received_at)}),
          h('dt', {text: t('detail.ack_due')}), h('dd', {class: it.overdue === 'ack' ? 'over' : '',
            text: it.acknowledged_at ? t('detail.acked_at', {time: LK.fmtTime(it.acknowledged_at)}) : t('detail.due', {time: LK.fmtTime(it.ack_due), left: LK.fmtDue(it.ack_due)})}),
          h('dt', {text: t('detail.close_due')}), h('dd', {class: it.overdue === 'close' ? 'over' : '',
            text: closed ? t('detail.closed_at', {time: LK.fmtTime(it.closed_at)}) : t('detail.due', {time: LK.fmtTime(it.close_due), left: LK.fmtDue(it.close_due)})}),
          h('dt', {text: t('col.assignee')}), h('dd', {text: it.assignee || '—'}));
        var text = h('section', {class: 'card resident-text', 'aria-labelledby': 'rt-title'},
          h('h2', {id: 'rt-title', text: t('detail.resident_said')}),
          it.unreadable ? h('p', {class: 'notice-box error', text: t('inbox.unreadable')})
            : h('p', {class: 'said', lang: it.lang === 'en' ? 'en' : 'zh-CN', text: it.text || ''}));
        var side = h('div', {class: 'detail-side'}, h('section', {class: 'card'}, meta, closed || !LK.can('manager') ? null : assignForm(it, reload)));
        if (it.contact !== undefined && it.contact !== null && LK.can('manager')) {
          side.appendChild(h('section', {class: 'card contact', 'aria-labelledby': 'ct-title'},
            h('h2', {id: 'ct-title', text: t('detail.contact')}),
            h('p', {class: 'warning', role: 'note', text: LK.tx(it.contact_warning) || t('detail.contact_warning')}),
            h('p', {class: 'contact-value', text: it.contact})));
        } else if (it.has_contact && !LK.can('manager')) {
          side.appendChild(h('p', {class: 'muted small', text: t('detail.contact_managers')}));
        }
        var pending = !!(it.reply && it.reply.state === 'pending');
        var mainCol = h('div', {class: 'detail-main'}, text);
        if (pending && LK.can('manager')) {
          var ap = h('button', {type: 'button', class: 'btn-primary', text: t('detail.approve_reply'), onclick: function () {
            ap.disabled = true;
            LK.api('POST', '/api/office/suggestions/' + encodeURIComponent(it.id) + '/approve-reply', {version: it.version})
              .then(function () { LK.toast(t('detail.reply_approved')); reload(); })
              .catch(function (e) { ap.disabled = false; LK.toast(LK.errText(e), 'error'); });
          }});
          mainCol.appendChild(h('div', {class: 'notice-box'}, t('detail.reply_waiting'), ' ', ap));
        }
        if (!closed) mainCol.appendChild(stateForm(it, q.act, reload));
        mainCol.appendChild(h('section', {class: 'card', 'aria-labelledby': 'hist-title'},
          h('h2', {id: 'hist-title', text: t('detail.history')}), history(it.history)));
        box.appendChild(h('div', {class: 'detail'}, mainCol, side));
        var first = box.querySelector('select[name=state]');
        if (q.act && first) first.focus();
      }).catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });
    }
    load();
  }

  LK.pages.inbox = {
    title: 'nav.inbox',
    render: function (main, args, q) {
      if (args[0]) renderItem(main, args[0], q); else renderList(main, q);
    }
  };
})();
