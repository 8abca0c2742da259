/* stats.js - statistics per community and month: suggestions by topic and state, times to acknowledge and close, overdue, satisfaction; charts and CSV. */
'use strict';
(function () {
  var h = LK.h, t = LK.t;
  var STATES = ['new', 'acknowledged', 'in_progress', 'done', 'declined'];

  function ym(d) { return d.getFullYear() + '-' + (d.getMonth() < 9 ? '0' : '') + (d.getMonth() + 1); }

  function monthLabel(s) {
    var p = String(s).split('-');
    return p.length === 2 ? t('stats.month', {y: p[0], m: parseInt(p[1], 10)}) : s;
  }

  function render(box, r) {
    var months = (r && (r.months || r.items)) || [];
    LK.clear(box);
    if (!months.length) { box.appendChild(h('p', {class: 'empty', text: t('stats.empty')})); return; }
    var labels = months.map(function (m) { return monthLabel(m.month); });
    var sg = function (m) { return m.suggestions || {}; };
    var total = months.map(function (m) { return sg(m).total || 0; });
    var sum = total.reduce(function (a, b) { return a + b; }, 0);
    var overdue = months.map(function (m) { return m.overdue || 0; });
    var ratingsAll = [0, 0, 0, 0, 0];
    months.forEach(function (m) {
      var d = (m.ratings && m.ratings.counts) || {};
      for (var i = 1; i <= 5; i++) ratingsAll[i - 1] += d[String(i)] || 0;
    });
    var nRatings = ratingsAll.reduce(function (a, b) { return a + b; }, 0);
    var mean = nRatings ? ratingsAll.reduce(function (a, c, i) { return a + c * (i + 1); }, 0) / nRatings : null;
    box.appendChild(h('div', {class: 'counts'},
      h('span', {class: 'count'}, h('span', {class: 'count-n', text: sum}), h('span', {class: 'count-label', text: t('stats.total')})),
      h('span', {class: 'count' + (overdue.some(Boolean) ? ' alert' : '')},
        h('span', {class: 'count-n', text: overdue.reduce(function (a, b) { return a + b; }, 0)}),
        h('span', {class: 'count-label', text: t('inbox.overdue')})),
      h('span', {class: 'count'}, h('span', {class: 'count-n', text: mean === null ? '—' : mean.toFixed(1)}),
        h('span', {class: 'count-label', text: t('stats.mean_rating')}))));
    var grid = h('div', {class: 'chart-grid'});
    grid.appendChild(LK.barChart(t('stats.by_state'), labels, STATES.map(function (s) {
      return {name: t('state.' + s), values: months.map(function (m) { return (sg(m).by_state || {})[s] || 0; })};
    }), t('stats.count')));
    var topics = {};
    months.forEach(function (m) {
      var bt = sg(m).by_topic || {};
      Object.keys(bt).forEach(function (k) { topics[k] = (topics[k] || 0) + (typeof bt[k] === 'number' ? bt[k] : bt[k].total || 0); });
    });
    var tk = Object.keys(topics).sort(function (a, b) { return topics[b] - topics[a]; });
    if (tk.length) grid.appendChild(LK.barChart(t('stats.by_topic'), tk.map(LK.topicName),
      [{name: t('stats.count'), values: tk.map(function (k) { return topics[k]; })}], t('stats.count')));
    grid.appendChild(LK.lineChart(t('stats.times'), labels, [
      {name: t('stats.median_ack'), values: months.map(function (m) { return m.median_ack_hours; })},
      {name: t('stats.median_close'), values: months.map(function (m) { return m.median_close_hours; })}
    ], t('stats.hours')));
    grid.appendChild(LK.barChart(t('stats.overdue'), labels, [{name: t('inbox.overdue'), values: overdue}], t('stats.count')));
    grid.appendChild(LK.barChart(t('stats.ratings'), ['1', '2', '3', '4', '5'].map(function (s) { return t('stats.stars', {n: s}); }),
      [{name: t('stats.count'), values: ratingsAll}], t('stats.count')));
    grid.appendChild(LK.lineChart(t('stats.rating_trend'), labels, [{name: t('stats.mean_rating'),
      values: months.map(function (m) { return m.ratings ? m.ratings.mean : null; })}], t('stats.rating_axis'), 5));
    box.appendChild(grid);
  }

  LK.pages.stats = {
    title: 'nav.stats',
    render: function (main, args, q) {
      var now = new Date();
      var from = q.from || ym(new Date(now.getFullYear(), now.getMonth() - 5, 1)), to = q.to || ym(now);
      /* text, not type=month: the browser would write "July 2026" whatever the console's language */
      var fromIn = h('input', {type: 'text', name: 'from', value: from, maxlength: 10, autocomplete: 'off', placeholder: t('month.placeholder')});
      var toIn = h('input', {type: 'text', name: 'to', value: to, maxlength: 10, autocomplete: 'off', placeholder: t('month.placeholder')});
      var comm = LK.communitySelect('community', LK.state.community, false);
      var csv = h('a', {class: 'btn-ghost', download: '', text: t('stats.csv')});
      var form = h('form', {class: 'filters stats-form', novalidate: true},
        h('p', {class: 'form-error', role: 'alert', hidden: true}),
        LK.field(t('field.community'), comm), LK.field(t('stats.from'), fromIn), LK.field(t('stats.to'), toIn),
        h('div', {class: 'filter-actions'}, h('button', {type: 'submit', class: 'btn-primary', text: t('stats.show')}), csv));
      var box = h('div', {'aria-live': 'polite'});
      main.appendChild(h('div', {class: 'page-head'}, h('h1', {text: t('nav.stats')}), h('p', {class: 'muted', text: t('stats.lead')})));
      main.appendChild(form);
      main.appendChild(box);
      function load() {
        LK.clearErrors(form);
        var f0 = LK.parseMonth(fromIn.value), t0 = LK.parseMonth(toIn.value);
        if (!f0) { LK.fieldError(form, 'from', t('stats.bad_month')); return; }
        if (!t0) { LK.fieldError(form, 'to', t('stats.bad_month')); return; }
        fromIn.value = f0; toIn.value = t0;
        if (fromIn.value > toIn.value) { LK.fieldError(form, 'to', t('stats.to_before')); return; }
        var path = '/api/office/communities/' + encodeURIComponent(comm.value) + '/stats';
        var qs = LK.qs({from: fromIn.value, to: toIn.value});
        csv.href = path + '.csv' + qs;
        LK.clear(box).appendChild(h('p', {class: 'muted', text: t('loading')}));
        LK.api('GET', path + qs).then(function (r) { render(box, r); })
          .catch(function (e) { LK.clear(box).appendChild(LK.failBox(e)); });
      }
      form.addEventListener('submit', function (ev) { ev.preventDefault(); load(); });
      load();
    }
  };
})();
