/* postings.js - 公示: statutory postings from templates (fee accounts, maintenance fund, common income), when the next one is due, and the record of when each was on show (CSV). */
'use strict';
(function () {
  var h = LK.h, t = LK.t;

  function record(notice, box) {
    LK.clear(box).appendChild(h('p', {class: 'muted', text: t('loading')}));
    var path = '/api/office/communities/' + encodeURIComponent(LK.state.community) + '/postings/' + encodeURIComponent(notice.id);
    LK.api('GET', path).then(function (r) {
      LK.clear(box);
      var kiosks = (r && (r.kiosks || r.items)) || [];
      if (!kiosks.length) { box.appendChild(h('p', {class: 'muted', text: t('post.not_shown')})); }
      else box.appendChild(h('table', {class: 'data small cards-on-phone'},
        h('thead', null, h('tr', null, ['k.name', 'post.shown', 'post.days'].map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))),
        LK.markEmpty(h('tbody', null, kiosks.map(function (k) {
          var iv = k.intervals || k.shown || [];
          var secs = k.total_s !== undefined ? k.total_s : iv.reduce(function (a, x) {
            var f = LK.toDate(x.from), to = LK.toDate(x.to) || new Date();
            return a + (f ? (to.getTime() - f.getTime()) / 1000 : 0);
          }, 0);
          return h('tr', null, h('td', {'data-label': t('k.name'), text: k.kiosk || k.name || ''}),
            h('td', {'data-label': t('post.shown')}, h('ul', {class: 'plain'}, iv.map(function (x) {
              return h('li', {text: LK.fmtTime(x.from) + ' – ' + (x.to ? LK.fmtTime(x.to) : t('post.now'))});
            }))),
            h('td', {'data-label': t('post.days'), class: 'num', text: (secs / 86400).toFixed(1)}));
        })))));
      box.appendChild(h('a', {href: path + '.csv', download: '', class: 'btn-ghost small', text: t('post.csv')}));
    }).catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });
  }

  function rulesForm(rules, reload) {
    var form = h('form', {class: 'card form', novalidate: true, 'aria-labelledby': 'rules-title'},
      h('h2', {id: 'rules-title', text: t('post.rules_title')}), h('p', {class: 'form-error', role: 'alert', hidden: true}));
    var kinds = Object.keys(rules);
    kinds.forEach(function (k) {
      form.appendChild(h('fieldset', null, h('legend', {text: t('post.tpl.' + k)}), h('div', {class: 'row2'},
        LK.field(t('post.every'), h('input', {type: 'number', name: k + '.every_months', min: 1, max: 60, value: rules[k].every_months})),
        LK.field(t('post.min_days'), h('input', {type: 'number', name: k + '.min_days', min: 1, max: 366, value: rules[k].min_days})))));
    });
    var submit = h('button', {type: 'submit', class: 'btn-primary', text: t('post.save_rules')});
    form.appendChild(h('div', {class: 'form-actions'}, submit));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      LK.clearErrors(form);
      var body = {}, bad = 0;
      kinds.forEach(function (k) {
        var m = parseInt(form.elements[k + '.every_months'].value, 10), d = parseInt(form.elements[k + '.min_days'].value, 10);
        if (!(m >= 1 && m <= 60)) { LK.fieldError(form, k + '.every_months', t('v.range', {lo: 1, hi: 60})); bad++; }
        if (!(d >= 1 && d <= 366)) { LK.fieldError(form, k + '.min_days', t('v.range', {lo: 1, hi: 366})); bad++; }
        body[k] = {every_months: m, min_days: d};
      });
      if (bad) return;
      submit.disabled = true;
      LK.api('PUT', LK.publishBase('posting-rules'), body).then(function () {
        submit.disabled = false; LK.toast(t('post.rules_saved')); reload();
      }).catch(function (e) {
        submit.disabled = false;
        if (e.fields) Object.keys(e.fields).forEach(function (k) { if (!LK.fieldError(form, k, e.fields[k])) LK.formError(form, e.fields[k]); });
        else LK.formError(form, LK.errText(e));
      });
    });
    return form;
  }

  LK.pages.postings = {
    title: 'nav.postings',
    render: function (main) {
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.postings')}),
        h('p', {class: 'muted', text: t('post.lead')})));
      var due = h('div', {class: 'cards3', 'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
      var chans = h('div');
      var list = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
      var rulesBox = h('div');
      main.appendChild(chans);
      main.appendChild(due);
      main.appendChild(h('h2', {text: t('post.history')}));
      main.appendChild(list);
      main.appendChild(rulesBox);
      main.appendChild(h('p', {class: 'muted small', text: t('post.rules_note')}));
      // The account notices, asked for once: the history below and the
      // due cards both read them.
      var notices = LK.api('GET', LK.publishBase('notices')).then(function (r) {
        return ((r && r.items) || []).filter(function (n) { return n.posting || n.category === 'accounts'; });
      });
      function wasShown(n) { return !!(n.published_at || n.live || n.status === 'published'); }
      function latest(list) {
        return list.reduce(function (a, n) {
          var d = LK.toDate(n.publish_at);
          return d && (!a || d.getTime() > a.getTime()) ? d : a;
        }, null);
      }
      // What a due card says about the last posting of its kind: the
      // office's record; else a published notice of that kind; else, when
      // account notices were published without a kind (imported ones),
      // that they exist, and never "never posted".
      function dueCard(p, shown) {
        var left = p.days_left;
        var typed = shown.filter(function (n) { return n.posting === p.kind; });
        var untyped = shown.filter(function (n) { return !n.posting; });
        var last = p.last ? LK.toDate(p.last.publish_at) : latest(typed);
        var unknown = !last && untyped.length > 0;
        var due = p.due && !unknown;
        return h('section', {class: 'card due-card' + (due ? ' is-overdue' : '')},
          h('h3', {text: LK.tx(p.name) || t('post.tpl.' + p.kind)}),
          h('p', {class: 'muted small', text: t('post.cadence', {months: p.every_months, days: p.min_days})}),
          h('p', {class: 'due-last', text: last ? t('post.last', {time: LK.fmtDate(last)})
            : unknown ? t('post.untyped', {n: untyped.length}) : t('post.never')}),
          h('p', {class: due ? 'over' : unknown ? 'muted small' : '', text: unknown ? t('post.untyped_due')
            : p.due || !p.next_due ? t('post.due_now') + (left < 0 ? ' ' + t('post.days_late', {n: -left}) : '')
            : t('post.next', {time: LK.fmtDate(p.next_due), left: t('post.days_left', {n: left})})}),
          h('a', {href: '#/notices/new?template=' + encodeURIComponent(p.kind), class: due ? 'btn-primary' : 'btn-ghost', text: t('post.make')}));
      }
      function loadDue() {
        Promise.all([LK.api('GET', LK.publishBase('postings-due')),
          notices.catch(function () { return []; })]).then(function (both) {
          var r = both[0], shown = both[1].filter(wasShown);
          LK.clear(due); LK.clear(chans);
          ((r && r.postings) || []).forEach(function (p) { due.appendChild(dueCard(p, shown)); });
          ((r && r.channels) || []).forEach(function (c) {
            chans.appendChild(h('p', {class: 'notice-box warn', role: 'status', text: t('ch.reminder', {label: LK.tx(c.label),
              due: c.expired ? t('ch.expired_short') : c.expires_at ? LK.fmtDue(c.expires_at) : t('post.days_left', {n: c.days_left})})}));
          });
        }).catch(function (e) { LK.clear(due).appendChild(LK.failBox(e)); });
        if (LK.can('manager')) LK.api('GET', LK.publishBase('posting-rules')).then(function (r) {
          LK.clear(rulesBox).appendChild(rulesForm(r || {}, loadDue));
        }).catch(function () { /* the due cards say what failed */ });
      }
      loadDue();
      notices.then(function (items) {
        LK.clear(list);
        if (!items.length) { list.appendChild(h('p', {class: 'empty', text: t('post.none')})); return; }
        items.forEach(function (n) {
          var rec = h('div', {class: 'record'});
          list.appendChild(h('section', {class: 'card posting'},
            h('div', {class: 'posting-head'}, LK.statusBadge(n.status), ' ',
              h('span', {class: 'cat', text: n.posting ? t('post.tpl.' + n.posting) : t('post.untyped_chip')}), ' ',
              h('strong', {text: LK.tx(n.title)}),
              n.posting ? null : [' ', h('a', {href: '#/notices/' + encodeURIComponent(n.id), class: 'small',
                text: t('post.give_kind')})],
              h('span', {class: 'muted small', text: ' ' + LK.fmtTime(n.publish_at) + ' – ' + LK.fmtTime(n.expire_at)})),
            h('button', {type: 'button', class: 'btn-ghost small', text: t('post.show_record'), onclick: function (ev) {
              ev.currentTarget.remove(); record(n, rec);
            }}), rec));
        });
      }).catch(function (e) { LK.clear(list).appendChild(LK.failBox(e)); });
    }
  };
})();
