/* postings.js - 公示: statutory postings from templates (fee accounts, maintenance fund, common income), when the next one is due, and the record of when each was on show (CSV). */
'use strict';
(function () {
  var h = LK.h, t = LK.t;

  /* Default cadence (months) and minimum posting period (days) of each
   * template; local rules differ (docs/OFFICE.md, "Statutory postings"). */
  var TEMPLATES = [
    {key: 'fee', months: 3, days: 30},
    {key: 'fund', months: 6, days: 30},
    {key: 'income', months: 3, days: 30}
  ];

  function period(key, d) {
    var q = Math.floor(d.getMonth() / 3) + 1, half = d.getMonth() < 6 ? 1 : 2;
    return key === 'fund' ? {id: d.getFullYear() + 'h' + half, zh: d.getFullYear() + '年' + (half === 1 ? '上' : '下') + '半年',
      en: (half === 1 ? 'H1 ' : 'H2 ') + d.getFullYear()}
      : {id: d.getFullYear() + 'q' + q, zh: d.getFullYear() + '年第' + q + '季度', en: 'Q' + q + ' ' + d.getFullYear()};
  }

  /* A new notice filled from template `key` (the form of notices uses it). */
  LK.postingTemplate = function (key, now) {
    var tp = TEMPLATES.filter(function (x) { return x.key === key; })[0] || TEMPLATES[0];
    var p = period(key, now);
    return {
      id: key + '-' + p.id, category: 'accounts',
      title: {zh: t('post.title_zh.' + key, {p: p.zh}), en: t('post.title_en.' + key, {p: p.en})},
      body: {zh: t('post.body_zh.' + key, {p: p.zh}), en: t('post.body_en.' + key, {p: p.en})},
      publish_at: now.toISOString(),
      expire_at: new Date(now.getTime() + tp.days * 86400000).toISOString(),
      pinned: true
    };
  };

  function addMonths(d, n) { var x = new Date(d.getTime()); x.setMonth(x.getMonth() + n); return x; }

  function record(notice, box) {
    LK.clear(box).appendChild(h('p', {class: 'muted', text: t('loading')}));
    var path = '/api/office/communities/' + encodeURIComponent(LK.state.community) + '/postings/' + encodeURIComponent(notice.id);
    LK.api('GET', path).then(function (r) {
      LK.clear(box);
      var kiosks = (r && (r.kiosks || r.items)) || [];
      if (!kiosks.length) { box.appendChild(h('p', {class: 'muted', text: t('post.not_shown')})); }
      else box.appendChild(h('table', {class: 'data small cards-on-phone'},
        h('thead', null, h('tr', null, ['k.name', 'post.shown', 'post.days'].map(function (k) { return h('th', {scope: 'col', text: t(k)}); }))),
        h('tbody', null, kiosks.map(function (k) {
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
        }))));
      box.appendChild(h('a', {href: path + '.csv', download: '', class: 'btn-ghost small', text: t('post.csv')}));
    }).catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });
  }

  LK.pages.postings = {
    title: 'nav.postings',
    render: function (main) {
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.postings')}),
        h('p', {class: 'muted', text: t('post.lead')})));
      var due = h('div', {class: 'cards3'}), list = h('div', {'aria-live': 'polite'}, h('p', {class: 'muted', text: t('loading')}));
      main.appendChild(due);
      main.appendChild(h('h2', {text: t('post.history')}));
      main.appendChild(list);
      main.appendChild(h('p', {class: 'muted small', text: t('post.rules_note')}));
      LK.api('GET', LK.publishBase('notices')).then(function (r) {
        var items = ((r && (r.items || r)) || []).filter(function (n) { return n.category === 'accounts'; });
        var now = new Date();
        TEMPLATES.forEach(function (tp) {
          var mine = items.filter(function (n) { return String(n.id).indexOf(tp.key + '-') === 0 && n.status === 'published'; })
            .sort(function (a, b) { return (LK.toDate(b.publish_at) || 0) - (LK.toDate(a.publish_at) || 0); });
          var last = mine[0], next = last ? addMonths(LK.toDate(last.publish_at), tp.months) : now;
          var over = next.getTime() <= now.getTime();
          due.appendChild(h('section', {class: 'card due-card' + (over ? ' is-overdue' : '')},
            h('h3', {text: t('post.tpl.' + tp.key)}),
            h('p', {class: 'muted small', text: t('post.cadence', {months: tp.months, days: tp.days})}),
            h('p', {text: last ? t('post.last', {time: LK.fmtDate(last.publish_at)}) : t('post.never')}),
            h('p', {class: over ? 'over' : '', text: over ? t('post.due_now') : t('post.next', {time: LK.fmtDate(next), left: LK.fmtDue(next)})}),
            h('a', {href: '#/notices/new?template=' + tp.key, class: over ? 'btn-primary' : 'btn-ghost', text: t('post.make')})));
        });
        LK.clear(list);
        if (!items.length) { list.appendChild(h('p', {class: 'empty', text: t('post.none')})); return; }
        items.forEach(function (n) {
          var rec = h('div', {class: 'record'});
          list.appendChild(h('section', {class: 'card posting'},
            h('div', {class: 'posting-head'}, LK.statusBadge(n.status), ' ', h('strong', {text: LK.tx(n.title)}),
              h('span', {class: 'muted small', text: ' ' + LK.fmtTime(n.publish_at) + ' – ' + LK.fmtTime(n.expire_at)})),
            h('button', {type: 'button', class: 'btn-ghost small', text: t('post.show_record'), onclick: function (ev) {
              ev.currentTarget.remove(); record(n, rec);
            }}), rec));
        });
      }).catch(function (e) { LK.clear(list).appendChild(LK.failBox(e)); });
    }
  };
})();
